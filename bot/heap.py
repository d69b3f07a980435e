"""Start-up's objects kept out of the garbage collector's full passes, so they can't stall."""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def freeze_start_up() -> None:
    """Move every object alive now (modules, caches, clients) out of later collections."""
    # A full collection walks every tracked object, the libraries' and the schema's included,
    # and the event loop stood still ~75 ms each time: long enough to hold 50 interactions'
    # acknowledgements past 100 ms. What start-up built lives as long as the process, so a
    # front-end freezes it (garbage collected first) before it connects; later objects are
    # collected as ever. Called again (a second front-end), it only adds the new ones.
    gc.collect()
    gc.freeze()
    log.debug("start-up heap frozen: %s objects", gc.get_freeze_count())
