"""Badge rules: small expressions over named metrics, such as `kudos_received >= 10 and …`."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

# Every metric a rule may name; `role` compares text, the others whole numbers.
NUMERIC_METRICS = (
    "intros",
    "kudos_received",
    "kudos_given",
    "distinct_givers",
    "distinct_receivers",
    "spotlights",
    "active_days",
    "days_since_join",
)
TEXT_METRICS = ("role",)
METRICS = NUMERIC_METRICS + TEXT_METRICS
_OPERATORS: dict[str, Callable[[object, object], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
_CLAUSE = re.compile(
    r"""^\s*(?P<metric>[a-z_]+)\s*(?P<op>>=|<=|==|!=|>|<)\s*
        (?:(?P<number>-?\d+)|"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')\s*$""",
    re.VERBOSE,
)

Metrics = Mapping[str, int | str]


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


@cache
def parse_rule(text: str) -> Rule:
    """Parse a rule, or raise ValueError saying what is wrong and what is allowed."""
    parts = re.split(r"\s+and\s+", text.strip())
    if not text.strip():
        raise ValueError("a rule can't be empty")
    return Rule(text.strip(), tuple(_clause(part) for part in parts))


def _clause(part: str) -> Clause:
    match = _CLAUSE.match(part)
    if match is None:
        raise ValueError(
            f'“{part}” is not a comparison like `kudos_received >= 10` or `role == "leader"`'
        )
    metric, op = match["metric"], match["op"]
    if metric not in METRICS:
        raise ValueError(f"unknown metric `{metric}`; the metrics are: {', '.join(METRICS)}")
    if match["number"] is not None:
        if metric in TEXT_METRICS:
            raise ValueError(f'`{metric}` compares with text in quotes, like {metric} == "leader"')
        return Clause(metric, op, int(match["number"]))
    if metric not in TEXT_METRICS or op not in ("==", "!="):
        raise ValueError(f"`{metric}` compares with a whole number, like {metric} >= 3")
    return Clause(metric, op, match["dq"] if match["dq"] is not None else match["sq"])
