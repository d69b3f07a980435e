"""Badge rules: parsing, evaluating, progress, and a bad rule stopping start-up."""

from __future__ import annotations

import copy

import pytest

from bot.configstore import ConfigStore
from bot.runtime import check_defaults
from cogs import build_registry
from config import community
from config.errors import ConfigError, SettingError
from config.rules import Known, RuleError, parse_rule

SHIPPED = build_registry(ConfigStore()).known_metrics  # the metrics copbot's features register

METRICS = {
    "intros": 1,
    "kudos_received": 7,
    "kudos_given": 0,
    "distinct_givers": 3,
    "distinct_receivers": 0,
    "spotlights": 0,
    "active_days": 20,
    "days_since_join": 40,
    "role": "leader",
}


def test_rules_combine_comparisons_with_and() -> None:
    rule = parse_rule("kudos_received >= 5 and distinct_givers >= 3 and role == 'leader'")
    assert rule.holds(METRICS)
    assert not parse_rule('kudos_received > 7 and role != "leader"').holds(METRICS)
    assert parse_rule("active_days>=20").holds(METRICS)  # spaces are optional


def test_progress_toward_each_threshold() -> None:
    rule = parse_rule("kudos_received >= 10 and distinct_givers > 4")
    assert rule.progress(METRICS) == [("kudos_received", 7, 10), ("distinct_givers", 3, 5)]
    assert rule.metrics == {"kudos_received", "distinct_givers"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "can't be empty"),
        ("karma >= 3", "unknown metric; the metrics are: intros, .*, not “karma”"),
        ("kudos_received => 3", "is a comparison like"),
        ("kudos_received >= 3 or intros >= 1", "is a comparison like"),
        ("intros >= -5", "whole numbers from 0 to 1,000,000, not “-5”"),
        ("intros >= " + "9" * 30, "whole numbers from 0 to 1,000,000"),
        ("intros >= ٣", "is a comparison like"),
        ("role >= 3", "compares with text"),
        ('intros == "one"', "compares with a whole number"),
        ('role > "leader"', "compares with a whole number"),
    ],
)
def test_bad_rules_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_rule(text, SHIPPED)


def test_a_bad_rule_in_the_defaults_stops_start_up_naming_the_badge(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = copy.deepcopy(community.default_values())
    broken["badges"]["appreciated"]["rule"] = "karma >= 10"
    monkeypatch.setattr(community, "default_values", lambda: broken)
    with pytest.raises(ConfigError, match=r"badges\.appreciated.*unknown metric.*“karma”"):
        check_defaults(SHIPPED)


def test_a_badge_needs_a_rule_or_manual(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = copy.deepcopy(community.default_values())
    broken["badges"]["advocate"]["rule"] = "intros >= 1"  # and manual = true
    monkeypatch.setattr(community, "default_values", lambda: broken)
    with pytest.raises(ConfigError, match="either a rule or manual"):
        check_defaults(SHIPPED)


def test_a_community_can_change_a_rule_but_not_break_it() -> None:
    config = community.build_config({})
    key, value = community.parse_override(
        config, "badges.hello.rule", "intros >= 2", metrics=SHIPPED
    )
    assert community.build_config({key: value}).badges["hello"].parsed.holds(METRICS) is False
    with pytest.raises(SettingError, match="unknown metric"):
        community.parse_override(config, "badges.hello.rule", "karma >= 1", metrics=SHIPPED)
    with pytest.raises(SettingError, match="is a comparison like") as caught:
        community.parse_override(config, "badges.hello.rule", "@everyone >= 1")
    assert "@everyone" not in caught.value.message and caught.value.given == "@everyone >= 1"
    with pytest.raises(SettingError, match="can't be empty"):
        community.parse_override(config, "badges.hello.rule", "  ")


def test_rule_errors_keep_what_was_typed_apart_from_the_problem() -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule("intros >= 1 and karma >= 2", SHIPPED)
    assert caught.value.given == "karma" and "karma" not in caught.value.problem


def test_the_metrics_a_rule_may_name_are_the_ones_passed_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    extended = Known(numbers=(*SHIPPED.numbers, "talks_given"), texts=SHIPPED.texts)
    assert parse_rule("talks_given >= 3", extended).holds({"talks_given": 4})
    with pytest.raises(RuleError, match=r"the metrics are: intros, .*, role, not “talks_given”"):
        parse_rule("talks_given >= 3", SHIPPED)
    changed = copy.deepcopy(community.default_values())
    changed["badges"]["appreciated"]["rule"] = "talks_given >= 3"
    monkeypatch.setattr(community, "default_values", lambda: changed)
    check_defaults(extended)  # a registered metric starts
    with pytest.raises(ConfigError, match=r"badges\.appreciated.*unknown metric.*“talks_given”"):
        check_defaults(SHIPPED)
