"""Who each community's members are, cached, so a command needn't read its author's row."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import event, inspect

from storage.models import MemberRow

Key = tuple[int, str]


@dataclass(frozen=True)
class KnownMember:
    """The parts of a member row a command needs to know who is acting."""

    id: int
    external_id: str
    name: str
    role: str
    is_bot: bool


class KnownMembers:
    """A bounded cache of member rows, emptied of any row a session changes."""

    def __init__(
        self,
        limit: int = 100_000,
        *,
        max_age: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._rows: OrderedDict[Key, KnownMember] = OrderedDict()
        # Where other processes write members too (Postgres), a row is trusted this long: a
        # role changed elsewhere (standing!) is seen here within it.
        self._max_age = max_age
        self._monotonic = monotonic
        self._seen: dict[Key, float] = {}

    def get(self, community_id: int, external_id: str) -> KnownMember | None:
        """The cached member, if any (and fresh enough)."""
        key = (community_id, external_id)
        found = self._rows.get(key)
        if found is None:
            return None
        if (
            self._max_age is not None
            and self._monotonic() - self._seen.get(key, 0.0) >= self._max_age
        ):
            self._drop(key)
            return None
        self._rows.move_to_end(key)
        return found

    def _drop(self, key: Key) -> None:
        self._rows.pop(key, None)
        self._seen.pop(key, None)

    def remember(self, row: MemberRow) -> None:
        """Cache a row that is committed (call it only after the commit)."""
        if row.id is None or row.left_at is not None:
            return
        key = (row.community_id, row.external_id)
        self._rows[key] = KnownMember(row.id, row.external_id, row.name, row.role, row.is_bot)
        self._rows.move_to_end(key)
        self._seen[key] = self._monotonic()
        while len(self._rows) > self._limit:
            oldest, _ = self._rows.popitem(last=False)
            self._seen.pop(oldest, None)

    def watch(self, session_class: type) -> None:
        """Forget every member a session of this class changes, at its flush and its commit."""
        event.listen(session_class, "after_flush", self._after_flush)
        event.listen(session_class, "after_commit", self._after_commit)

    def _after_flush(self, session: Any, _context: Any) -> None:
        # Forgotten at the flush and again at the commit: a command that reads the row in
        # between (from the old committed state) can't leave a stale copy behind.
        changed: set[Key] = set()
        for row in chain(session.dirty, session.deleted):
            if isinstance(row, MemberRow):
                # The id it was cached under too: a forgotten member's platform id is replaced.
                was = inspect(row).attrs.external_id.history.deleted
                changed.update((row.community_id, ext) for ext in [row.external_id, *was])
        for key in changed:
            self._drop(key)
        session.info.setdefault("copbot_changed_members", set()).update(changed)

    def _after_commit(self, session: Any) -> None:
        for key in session.info.pop("copbot_changed_members", ()):
            self._drop(key)
