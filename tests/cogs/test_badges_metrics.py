"""Badge metrics come from the features: a new one works in rules with no badge-code change."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, func, select

from bot import render
from bot.metrics import Metric
from bot.runtime import Runtime
from storage import communities
from storage.models import BadgeAwardRow, MemberRow
from tests.cogs.test_badges import MOD, PEOPLE, Nudge, awards
from tests.conftest import PLACE, START, Driver

README = Path(__file__).resolve().parents[2] / "README.md"


def held_tally(community: Any, only: Callable[[Any], Any]) -> Any:
    """Per member: the badges they hold, grouped as standings join it."""
    return (
        select(col(BadgeAwardRow.member_id).label("member_id"), func.count().label("held"))
        .where(col(BadgeAwardRow.community_id) == community, only(BadgeAwardRow.member_id))
        .group_by(BadgeAwardRow.member_id)
    )


@pytest.fixture
async def people(driver: Driver, runtime: Runtime) -> Driver:
    """Members have been seen, /nudge exists, and jobs reach the test platform."""
    runtime.registry.add_cog(Nudge())
    runtime.dispatcher.transports[PLACE.platform] = lambda place: driver.transport
    for name in PEOPLE:
        await driver.run(name, "/ping")
    driver.transport.clear()
    return driver


class Collector:
    """A feature of the tests' own that counts the badges a member holds."""

    metrics = (
        Metric(
            "badges_held",
            "badges the member holds",
            held_tally,
            "held",
            ("badge held", "badges held"),
        ),
    )


async def test_a_cogs_own_metric_is_usable_in_a_rule(people: Driver, runtime: Runtime) -> None:
    await people.run("mod", "/config set badges.spotlight.rule badges_held >= 1", MOD)
    assert "unknown metric; the metrics are: intros, " in people.transport.last()
    runtime.registry.add_cog(Collector())
    await people.run("mod", "/config set badges.spotlight.rule badges_held >= 1", MOD)
    assert people.transport.last().startswith("Saved: `badges.spotlight.rule`")
    await people.run("mod", "/badge grant @ana Advocate Spoke about us at a conference", MOD)
    await people.run("ana", "/nudge")
    assert await awards(runtime) == [("ana", "advocate"), ("ana", "spotlight")]
    await people.run("bob", "/badges list")
    assert "How: at least 1 badge held." in people.transport.last()


async def test_an_unknown_metric_is_refused_naming_every_known_one(
    people: Driver, runtime: Runtime
) -> None:
    runtime.registry.add_cog(Collector())
    await people.run("mod", "/config set badges.hello.rule karma >= 2", MOD)
    assert render.to_plain(people.transport.last()) == (
        "`badges.hello.rule`: unknown metric; the metrics are: intros, kudos_received, "
        "kudos_given, distinct_givers, distinct_receivers, spotlights, needs_met, needs_helped, "
        "outcomes_contributed, badges_held, active_days, days_since_join, role, not “karma”."
    )


async def test_a_stored_rule_whose_metric_is_gone_awards_nothing(
    people: Driver, runtime: Runtime
) -> None:
    async with runtime.db.session() as session, session.begin():
        community_id = (await session.exec(select(MemberRow.community_id))).first()
        assert community_id is not None
        await communities.set_override(
            session,
            community_id=community_id,
            key="badges.hello.rule",
            value=json.dumps("badges_held >= 0"),
            member_id=None,
            now=START,
        )
    runtime.dispatcher.configs.forget(community_id)
    await people.run("ana", "/nudge")
    assert await awards(runtime) == []
    await people.run("ana", "/badges list")
    assert "How: at least 0 badges_held." in people.transport.last()


def test_the_readme_describes_every_registered_metric(runtime: Runtime) -> None:
    table = README.read_text(encoding="utf-8")
    for metric in runtime.registry.metrics.values():
        assert re.search(rf"\| `{metric.name}` \| {re.escape(metric.description)} \|", table)
