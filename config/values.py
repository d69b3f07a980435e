"""How typed values are read, by command options and settings alike: one rule for each kind."""

from __future__ import annotations

import re
import unicodedata

TRUE_WORDS = frozenset({"yes", "true", "on", "1", "y"})
FALSE_WORDS = frozenset({"no", "false", "off", "0", "n"})
# ASCII digits only: str.isdigit() and int() also take "²", "٣" and "1_000".
_WHOLE = re.compile(r"[+-]?[0-9]+")
_MAX_DIGITS = 18  # beyond any bound copbot uses, and far below Python's int-parsing limit


class ValueRuleError(ValueError):
    """A typed value broke its rule; the message says what is allowed, in plain words."""


def whole_number(text: object, *, name: str, low: int | None, high: int | None) -> int:
    """Read a whole number: ASCII digits with an optional sign, within [low, high]."""
    raw = str(text).strip()
    number = None
    if _WHOLE.fullmatch(raw) and len(raw.lstrip("+-")) <= _MAX_DIGITS:
        number = int(raw)
    if number is None or (low is not None and number < low) or (high is not None and number > high):
        raise ValueRuleError(f"`{name}` takes {describe_range(low, high)}")
    return number


def describe_range(low: int | None, high: int | None) -> str:
    """The allowed whole numbers in words: "a whole number from 3 to 25"."""
    if low is not None and high is not None:
        return f"a whole number from {low} to {high}"
    if low is not None:
        return f"a whole number of at least {low}"
    if high is not None:
        return f"a whole number of at most {high}"
    return "a whole number"


def yes_no(text: object, *, name: str) -> bool:
    """Read yes/no words (yes, no, on, off, true, false, 1, 0, y, n), in any case."""
    word = str(text).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueRuleError(f"`{name}` takes yes or no")


def shown(value: object) -> str:
    """A stored value as a member reads it: yes/no for booleans, `;` between list items."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


def is_hidden(ch: str) -> bool:
    """Control characters, and the bidi overrides that can make text read backwards."""
    return (
        unicodedata.category(ch) == "Cc" or "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069"
    )


def printable(text: str) -> str:
    """Text in NFC without hidden characters (line breaks and tabs stay)."""
    return "".join(
        ch for ch in unicodedata.normalize("NFC", text) if ch in "\n\t" or not is_hidden(ch)
    )


_CLOCK_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def clock_time(text: object, *, name: str) -> str:
    """A 24-hour time of day, `HH:MM`, in its canonical spelling ("9:05" → "09:05")."""
    found = _CLOCK_TIME.fullmatch(str(text).strip())
    if not found:
        raise ValueRuleError(f"`{name}` takes a 24-hour time such as 15:00")
    return f"{int(found.group(1)):02d}:{found.group(2)}"


def weekday(text: object, *, name: str) -> str:
    """A day of the week by its English name or first three letters, stored as `mon`…`sun`."""
    typed = str(text).strip().lower()
    if typed in DAYS:
        return typed
    if typed in _DAY_NAMES:
        return DAYS[_DAY_NAMES.index(typed)]
    raise ValueRuleError(f"`{name}` takes a day: {', '.join(DAYS)}")
