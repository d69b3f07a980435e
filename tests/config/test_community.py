"""Community values: defaults, overrides and validation."""

from __future__ import annotations

import json

import pytest

from bot.errors import UserError
from config.community import build_config, default_values, parse_override, settable_keys


def test_defaults_ship_the_four_roles_with_meaning_commitments_and_entry() -> None:
    config = build_config({})
    assert list(config.roles) == ["member", "contributor", "leader", "moderator"]
    for role in config.roles.values():
        assert role.meaning and role.commitments and role.entry
    assert config.default_role == "member" and config.welcome_text


def test_overrides_apply_without_touching_the_defaults() -> None:
    config = build_config({"roles.leader.meaning": json.dumps("Steers"), "page_size": "5"})
    assert config.roles["leader"].meaning == "Steers"
    assert config.page_size == 5
    assert default_values()["roles"]["leader"]["meaning"] != "Steers"


def test_parse_override_types_values() -> None:
    config = build_config({})
    assert parse_override(config, "Page_Size", " 7 ") == ("page_size", "7")
    _, value = parse_override(config, "roles.member.entry", "a; b ;; c")
    assert json.loads(value) == ["a", "b", "c"]
    assert parse_override(config, "intro_channel", "#intros")[1] == '"intros"'


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("nope", "x", "There is no setting `nope`"),
        ("page_size", "x", "takes a whole number"),
        ("page_size", "1", "can't be “1”"),
        ("welcome_text", " ", "can't be"),
        ("timezone", "Nowhere/Else", "IANA"),
        ("roles.wizard.meaning", "x", "There is no setting"),
    ],
)
def test_parse_override_refuses_with_what_is_allowed(key: str, value: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_override(build_config({}), key, value)


def test_settable_keys_cover_roles() -> None:
    keys = settable_keys(build_config({}))
    assert "roles.contributor.commitments" in keys and "welcome_text" in keys
