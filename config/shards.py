"""Discord sharding settings as written (a count or auto; ids like 0,1 or 0-3) made into values."""

from __future__ import annotations

import re

AUTO = "auto"
_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


def shard_count(text: str | None) -> int | None:
    """The shard count a COPBOT_DISCORD_SHARDS value gives; None for auto or unset."""
    if text is None or text.strip().lower() == AUTO:
        return None
    found = text.strip()
    if not found.isdigit() or int(found) < 1:
        raise ValueError(
            f'COPBOT_DISCORD_SHARDS is "{text}": give the total number of shards (1 or more) '
            "or auto to take the number Discord recommends."
        )
    return int(found)


def shard_ids(text: str | None) -> list[int] | None:
    """The shards a COPBOT_DISCORD_SHARD_IDS value names, sorted; None when unset."""
    if text is None or not text.strip():
        return None
    found: set[int] = set()
    for part in text.split(","):
        match = _RANGE.match(part.strip())
        first, last = (int(match[1]), int(match[2] or match[1])) if match else (0, -1)
        if last < first:
            raise ValueError(
                f'COPBOT_DISCORD_SHARD_IDS is "{text}": list the shards this process runs as '
                "numbers and ranges from low to high, like 0,1 or 0-3 or 0-3,8."
            )
        found.update(range(first, last + 1))
    return sorted(found)


def check(count_text: str | None, ids_text: str | None) -> None:
    """Refuse shard ids without a fixed count, or beyond it, saying what to set instead."""
    count, ids = shard_count(count_text), shard_ids(ids_text)
    if ids is None:
        return
    if count is None:
        raise ValueError(
            f"COPBOT_DISCORD_SHARD_IDS is {ids_text}, which needs COPBOT_DISCORD_SHARDS set to "
            "the total number of shards across every process (a number, not auto), so that "
            "each process knows which guilds are its share."
        )
    if ids[-1] >= count:
        raise ValueError(
            f"COPBOT_DISCORD_SHARD_IDS names shard {ids[-1]}, but COPBOT_DISCORD_SHARDS is "
            f"{count}: shards count from 0, so the ids go up to {count - 1}. Raise "
            "COPBOT_DISCORD_SHARDS or drop the ids beyond it."
        )
