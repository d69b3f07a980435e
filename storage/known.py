"""Who each community's members are, cached, so a command needn't read its author's row."""

from __future__ import annotations

from collections import OrderedDict
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

    def __init__(self, limit: int = 100_000) -> None:
        self._limit = limit
        self._rows: OrderedDict[Key, KnownMember] = OrderedDict()

    def get(self, community_id: int, external_id: str) -> KnownMember | None:
        """The cached member, if any."""
        found = self._rows.get((community_id, external_id))
        if found is not None:
            self._rows.move_to_end((community_id, external_id))
        return found

    def remember(self, row: MemberRow) -> None:
        """Cache a row that is committed (call it only after the commit)."""
        if row.id is None or row.left_at is not None:
            return
        key = (row.community_id, row.external_id)
        self._rows[key] = KnownMember(row.id, row.external_id, row.name, row.role, row.is_bot)
        self._rows.move_to_end(key)
        while len(self._rows) > self._limit:
            self._rows.popitem(last=False)

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
            self._rows.pop(key, None)
        session.info.setdefault("copbot_changed_members", set()).update(changed)

    def _after_commit(self, session: Any) -> None:
        for key in session.info.pop("copbot_changed_members", ()):
            self._rows.pop(key, None)
