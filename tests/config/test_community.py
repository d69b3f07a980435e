"""Community values: defaults, overrides and validation."""

from __future__ import annotations

import json

import pytest

from config.community import (
    admin_reason,
    build_config,
    canonical_timezone,
    default_values,
    needs_admin,
    parse_override,
    settable_keys,
    setting_key,
)
from config.errors import SettingError


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
        ("page_size", "x", "`page_size` takes a whole number from 3 to 25, not"),
        ("page_size", "1", "from 3 to 25"),
        ("page_size", "--5", "from 3 to 25"),
        ("page_size", "²", "from 3 to 25"),
        ("page_size", "9" * 5000, "from 3 to 25"),
        ("kudos_daily_allowance", "0", "from 1 to 100"),
        ("leaderboards", "maybe", "`leaderboards` takes yes or no"),
        ("welcome_text", " ", "`welcome_text` can't be empty; /config reset welcome_text"),
        ("welcome_text", "x" * 1501, "`welcome_text` takes at most 1500 characters"),
        ("moderator_role", "x" * 101, "takes at most 100 characters"),
        ("roles.member.commitments", ";".join("abcdefghijk"), "at most 10 items"),
        ("roles.member.entry", "x" * 201, "Each item of `roles.member.entry` takes at most 200"),
        ("timezone", "Nowhere/Else", "IANA"),
        ("default_role", "wizard", "`default_role` takes one of member, contributor"),
        ("roles.wizard.meaning", "x", "There is no setting"),
        ("intro_channel", "", "`intro_channel` can't be empty"),
        ("intro_channel", "two words", "`intro_channel` takes a channel name"),
    ],
)
def test_parse_override_refuses_with_what_is_allowed(key: str, value: str, message: str) -> None:
    with pytest.raises(SettingError, match=message) as caught:
        parse_override(build_config({}), key, value)
    assert (
        "Input should" not in caught.value.message and "String should" not in caught.value.message
    )


def test_refusals_quote_the_value_only_where_the_caller_neutralises_it() -> None:
    with pytest.raises(SettingError) as caught:
        parse_override(build_config({}), "page_size", "@everyone")
    assert "@everyone" not in caught.value.message
    assert caught.value.worded(lambda text: f"<{len(text)}>") == (
        "`page_size` takes a whole number from 3 to 25, not “<9>”."
    )


def test_text_loses_hidden_characters_but_keeps_its_lines() -> None:
    _, value = parse_override(build_config({}), "welcome_text", "Hi\u202e there\x07\nand welcome")
    assert json.loads(value) == "Hi there\nand welcome"


def test_yes_no_numbers_and_time_zones_are_read_one_way() -> None:
    config = build_config({})
    assert parse_override(config, "leaderboards", "0") == ("leaderboards", "false")
    assert parse_override(config, "leaderboards", "YES") == ("leaderboards", "true")
    assert parse_override(config, "page_size", "+25") == ("page_size", "25")
    assert parse_override(config, "timezone", "utc") == ("timezone", '"UTC"')
    assert parse_override(config, "timezone", " europe/paris ") == ("timezone", '"Europe/Paris"')
    assert canonical_timezone("AMERICA/CHICAGO") == "America/Chicago"
    assert parse_override(config, "default_role", "Leader") == ("default_role", '"leader"')


def test_unknown_keys_get_the_closest_ones() -> None:
    config = build_config({})
    with pytest.raises(SettingError) as caught:
        setting_key(config, "page_sise")
    message = caught.value.message
    assert message.startswith("There is no setting `page_sise`. Did you mean `page_size`?")
    assert message.endswith("See every setting with /config show.")
    with pytest.raises(SettingError) as caught:
        setting_key(config, "`@everyone`")
    assert "@everyone" not in caught.value.message and "“{given}”" in caught.value.message


def test_settings_that_decide_who_moderates_need_an_admin() -> None:
    assert needs_admin("moderator_role")
    assert needs_admin("roles.moderator.meaning") and needs_admin("roles.moderator.entry")
    assert needs_admin("default_role", old="member", new="moderator")
    assert needs_admin("default_role", old="moderator", new="member")
    assert not needs_admin("default_role", old="member", new="leader")
    assert not needs_admin("roles.member.meaning") and not needs_admin("page_size")
    assert admin_reason("default_role", new="moderator") == (
        "Only admins can change `default_role` to moderator: it decides who moderates."
    )


def test_a_stored_value_that_no_longer_fits_is_skipped_not_fatal() -> None:
    stored = {
        "intro_channel": json.dumps("[x](javascript:alert(1)) @everyone!"),
        "page_size": "99",
        "roles.member.colour": json.dumps("blue"),
        "timezone": "not json",
        "welcome_channel": json.dumps("hello"),
    }
    config = build_config(stored)
    assert config.intro_channel == "introductions" and config.page_size == 10
    assert config.welcome_channel == "hello" and config.roles["member"].meaning


def test_settable_keys_cover_roles() -> None:
    keys = settable_keys(build_config({}))
    assert "roles.contributor.commitments" in keys and "welcome_text" in keys
