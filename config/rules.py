"""Badge rules: small expressions over named metrics, such as `kudos_received >= 10 and …`."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from config.values import ValueRuleError, whole_number

_OPERATORS: dict[str, Callable[[object, object], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
# Any signed run of digits reads as a number here, so a bad one is refused with the range.
_CLAUSE = re.compile(
    r"""^\s*(?P<metric>[a-z_]+)\s*(?P<op>>=|<=|==|!=|>|<)\s*
        (?:(?P<number>[+-]?[0-9]+)|"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')\s*$""",
    re.VERBOSE,
)
THRESHOLD_LOW, THRESHOLD_HIGH = 0, 1_000_000

Metrics = Mapping[str, int | str]


@dataclass(frozen=True)
class Known:
    """The metrics rules may name (the features register them): numbers, and text ones."""

    numbers: tuple[str, ...]
    texts: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name, numbers first."""
        return self.numbers + self.texts


class RuleError(ValueError):
    """A rule that does not parse: what is wrong, and the part of the rule it is about."""

    def __init__(self, problem: str, given: str | None = None) -> None:
        super().__init__(problem if given is None else f"{problem}, not “{given}”")
        self.problem = problem  # never contains the rule's text, so it is safe to show as is
        self.given = given


@dataclass(frozen=True)
class Clause:
    """One comparison: a metric, an operator and a value."""

    metric: str
    op: str
    value: int | str

    def holds(self, metrics: Metrics) -> bool:
        """Whether the member's metrics satisfy the comparison."""
        return _OPERATORS[self.op](metrics[self.metric], self.value)


@dataclass(frozen=True)
class Rule:
    """Clauses joined by `and`."""

    text: str
    clauses: tuple[Clause, ...]

    def holds(self, metrics: Metrics) -> bool:
        """Whether every clause holds."""
        return all(clause.holds(metrics) for clause in self.clauses)

    def progress(self, metrics: Metrics) -> list[tuple[str, int, int]]:
        """For each `metric >= n` (or `> n`) clause: the metric, where the member is, the need."""
        return [
            (c.metric, int(metrics[c.metric]), int(c.value) + (1 if c.op == ">" else 0))
            for c in self.clauses
            if c.op in (">=", ">") and isinstance(c.value, int)
        ]

    @property
    def metrics(self) -> set[str]:
        """The metrics the rule reads."""
        return {clause.metric for clause in self.clauses}


@lru_cache(maxsize=512)  # bounded: rules typed in chat are parsed too, not only stored ones
def parse_rule(text: str, metrics: Known | None = None) -> Rule:
    """Parse a rule, or raise RuleError saying what is wrong (None: check no metric names)."""
    parts = re.split(r"\s+and\s+", text.strip())
    if not text.strip():
        raise RuleError("a rule can't be empty")
    return Rule(text.strip(), tuple(_clause(part, metrics) for part in parts))


def _clause(part: str, known: Known | None) -> Clause:
    match = _CLAUSE.match(part)
    if match is None:
        raise RuleError(
            'each part of a rule is a comparison like `kudos_received >= 10` or `role == "leader"`',
            part.strip(),
        )
    metric, op = match["metric"], match["op"]
    if known is not None and metric not in known.names:
        raise RuleError(f"unknown metric; the metrics are: {', '.join(known.names)}", metric)
    texts = known.texts if known is not None else ()
    if match["number"] is not None:
        if metric in texts:
            raise RuleError(f'`{metric}` compares with text in quotes, like {metric} == "leader"')
        return Clause(metric, op, _threshold(match["number"]))
    # Unchecked (no metrics given), a quoted value is taken as a text metric's.
    if (known is not None and metric not in texts) or op not in ("==", "!="):
        raise RuleError(f"`{metric}` compares with a whole number, like {metric} >= 3")
    return Clause(metric, op, match["dq"] if match["dq"] is not None else match["sq"])


def _threshold(text: str) -> int:
    try:
        return whole_number(text, name="threshold", low=THRESHOLD_LOW, high=THRESHOLD_HIGH)
    except ValueRuleError:
        raise RuleError(
            f"a rule compares with whole numbers from {THRESHOLD_LOW:,} to {THRESHOLD_HIGH:,}",
            text,
        ) from None
