"""What to say to a line that names no command, or a near miss of one: "Did you mean …?"."""

from __future__ import annotations

import difflib

from bot import render
from bot.errors import UserError
from bot.registry import Registry

_CLOSE = 0.8  # difflib's ratio for "badges" and "badge" is 0.91; for "intro" and "into", 0.89


def unknown_command(registry: Registry, line: str) -> UserError:
    """A line that names no command: a near command, the group's commands, or a near name."""
    moved = _moved(registry, line)
    if moved:
        return moved
    words = [word.lower() for word in line.split()]
    near = _near_path(registry, tuple(words[:3]))
    if near:
        return UserError(
            f"I don't know /{render.echo(' '.join(words[: len(near)]))}. "
            f"Did you mean /{' '.join(near)}?"
        )
    word = words[0] if words else ""
    group = registry.children((word,)) if word else []
    if group:
        names = ", ".join(f"/{spec.name}" for spec in group)
        return UserError(f"/{render.echo(word)} needs one more word: {names}.")
    names = sorted({spec.path[0] for spec in registry.commands.values()})
    close = difflib.get_close_matches(word, names, n=1)
    hint = f" Did you mean /{close[0]}?" if close else ""
    shown = render.echo(word, 32) or "that"
    return UserError(f"I don't know /{shown}.{hint} Type /help to see what I can do.")


def misspelt_subcommand(registry: Registry, path: tuple[str, ...], rest: str) -> UserError | None:
    """`/badges grant @bob …` runs /badges on "grant": point to /badge grant instead."""
    # An old name that runs on past a live command, as /role list would past a root /role.
    moved = _moved(registry, f"{' '.join(path)} {rest}", longer_than=len(path))
    if moved:
        return moved
    following = rest.split()[0].lower() if rest.split() else ""
    if not following or following[0] in "@<\"'“" or "=" in following:
        return None  # a mention, a quote or `name=` is an argument, not a misspelt subcommand
    near = _near_path(registry, (*path, following), longer_than=len(path))
    if near is None:
        return None
    shown = render.echo(" ".join(path))
    return UserError(
        f"Did you mean /{' '.join(near)}? (/{shown} doesn't take “{render.echo(following)}”; "
        f"see /help {shown}.)"
    )


def _moved(registry: Registry, line: str, *, longer_than: int = 0) -> UserError | None:
    """A line starting with a command's old name (`was=`): its new name, and the line retyped."""
    words = line.split()
    for size in range(min(len(words), 3), longer_than, -1):
        spec = registry.moved.get(tuple(word.lower() for word in words[:size]))
        if spec is None:
            continue
        old = " ".join(words[:size]).lower()
        rest = " ".join(words[size:])
        again = f": try {render.echo(f'/{spec.name} {rest}')}." if rest else "."
        return UserError(f"/{old} is now /{spec.name}{again}")
    return None


def _near_path(
    registry: Registry, typed: tuple[str, ...], *, longer_than: int = 1
) -> tuple[str, ...] | None:
    """The longest command path the typed words nearly spell, one word exact, none far off."""
    best: tuple[str, ...] | None = None
    for path in registry.paths():
        fits = longer_than < len(path) <= len(typed)
        if not fits or path == typed[: len(path)]:
            continue
        pairs = list(zip(typed, path, strict=False))
        if not any(t == p for t, p in pairs):
            continue  # one word must be right: the cheap test first, difflib only after
        close = all(
            t == p or difflib.SequenceMatcher(None, t, p).ratio() >= _CLOSE for t, p in pairs
        )
        if close and (best is None or len(path) > len(best)):
            best = path
    return best
