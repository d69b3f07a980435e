"""Alembic: the migrations build exactly the models' schema, and upgrades keep every row."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlmodel import SQLModel

from storage.db import Database, alembic_config
from tests.conftest import START
from tests.postgres import PostgresServer


def _revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
async def test_migrations_match_the_models(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    await database.upgrade()

    def differences(connection):  # type: ignore[no-untyped-def]
        return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

    async with database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []
        # The one index autogenerate can't compare is checked by hand.
        if connection.dialect.name == "sqlite":
            found = await connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type='index'"
            )
        else:
            found = await connection.exec_driver_sql("SELECT indexname FROM pg_indexes")
        assert "ix_member_community_lower_name" in set(found.scalars())
    await database.close()


async def test_upgrading_from_each_revision_keeps_every_row(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    revisions = _revisions()
    assert revisions[0] == "0001_baseline"
    for start in revisions:
        if backend == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp_path / f'{start}.db'}"
        else:
            server: PostgresServer = request.getfixturevalue("postgres_server")
            url = await server.create(migrated=False)
        database = Database(url)
        await database.upgrade(start)
        async with database.engine.begin() as connection:
            await _seed(connection)
            before = await _counts(connection)
        await database.upgrade("head")
        async with database.engine.connect() as connection:
            after = await _counts(connection)
        assert {table: after[table] for table in before} == before
        assert all(count > 0 for count in before.values())  # every table there had rows
        await database.close()
        if backend == "postgres":
            await server.drop(url)


async def test_the_bot_upgrades_an_empty_database_and_downgrade_works(
    empty_database_url: str,
) -> None:
    database = Database(empty_database_url)
    await database.upgrade()
    async with database.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {"community", "member", "intro", "interest", "community_setting"} <= tables
    await database.downgrade("base")
    async with database.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert tables == {"alembic_version"}
    await database.close()


WHY = '[{"pair":[2,3],"needs":[[3,2,"grants"]],"shared":[],"newcomer":null,"repeat":null}]'
WHY_IN_SQL = WHY.replace(":", "\\:")  # text() would read ":null" as a parameter


async def test_reasons_about_members_forgotten_before_0015_go(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = await server.create(migrated=False)
    database = Database(url)
    await database.upgrade("0014_poll_unlinkable")
    async with database.engine.begin() as connection:
        await _seed(connection)
    await database.upgrade("head")
    async with database.engine.connect() as connection:
        why = (await connection.execute(text("SELECT why FROM match_group WHERE id = 2"))).one()
        body = (await connection.execute(text("SELECT body FROM outbox WHERE handle = 'h2'"))).one()
    assert why[0] == "[]"
    assert "grants" not in body[0] and "cat" not in body[0] and "forgotten" in body[0]
    await database.close()
    if backend == "postgres":
        await server.drop(url)


async def _seed(connection) -> None:  # type: ignore[no-untyped-def]
    # A datetime, not its text: asyncpg binds a timestamp parameter only from a datetime.
    when = START
    blob = "X'00112233'"
    if connection.dialect.name == "postgresql":
        blob = "'\\x00112233'::bytea"
        # The rows are written as SQLite takes them, 0 and 1 for booleans; this scratch
        # database alone lets Postgres assign an integer to a boolean column as well.
        await connection.exec_driver_sql(
            "UPDATE pg_cast SET castcontext = 'a' "
            "WHERE castsource = 'integer'::regtype AND casttarget = 'boolean'::regtype"
        )
    await connection.execute(
        text(
            "INSERT INTO community (id, platform, external_id, name, created_at) "
            "VALUES (1, 'console', 'playground', 'playground', :when)"
        ),
        {"when": when},
    )
    await connection.execute(
        text(
            "INSERT INTO member (id, community_id, external_id, name, role, is_bot, active_days) "
            "VALUES (1, 1, 'ann', 'ann', 'member', 0, 3)"
        )
    )
    await connection.execute(
        text(
            "INSERT INTO intro (community_id, member_id, about, goals, interests, can_help, "
            "is_current, created_at) VALUES (1, 1, 'a', 'g', 'oer', '', 1, :when)"
        ),
        {"when": when},
    )
    await connection.execute(
        text("INSERT INTO interest (community_id, tag, member_id, since) VALUES (1,'oer',1,:w)"),
        {"w": when},
    )
    await connection.execute(
        text(
            "INSERT INTO community_setting (community_id, key, value, updated_at) "
            "VALUES (1, 'page_size', '5', :when)"
        ),
        {"when": when},
    )
    present = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    if "kudos" in present:  # 0002 and later
        await connection.execute(
            text(
                "INSERT INTO member (id, community_id, external_id, name, role, is_bot, "
                "active_days) VALUES (2, 1, 'bob', 'bob', 'member', 0, 1)"
            )
        )
        for statement in (
            "INSERT INTO kudos_group (id, community_id, giver_id, reason, spotlight, created_at)"
            " VALUES (1, 1, 1, 'for the slides', 0, :when)",
            "INSERT INTO kudos (community_id, group_id, giver_id, receiver_id, spotlight, "
            "created_at) VALUES (1, 1, 1, 2, 0, :when)",
            "INSERT INTO kudos_tally (community_id, period, start, member_id, received, given)"
            " VALUES (1, 'all', '1970-01-01', 2, 1, 0)",
            "INSERT INTO badge_award (community_id, member_id, badge, awarded_at, reason) "
            "VALUES (1, 1, 'hello', :when, '')",
            "INSERT INTO badge_event (community_id, member_id, badge, action, reason, at) "
            "VALUES (1, 1, 'hello', 'award', '', :when)",
        ):
            await connection.execute(text(statement), {"when": when})
    if "outbox" in present:  # 0003 and later
        for statement in (
            "INSERT INTO outbox (community_id, handle, kind, member_id, unsolicited, body, "
            "status, attempts, not_before, outcome, created_at) "
            "VALUES (1, 'h1', 'dm', 1, 1, '{}', 'sent', 1, :when, '', :when)",
            "INSERT INTO job_run (community_id, job, period, started_at) "
            "VALUES (1, 'weekly_poll', '2026-11-02T15:00', :when)",
        ):
            await connection.execute(text(statement), {"when": when})
    if "poll" in present:  # 0004 and later
        for statement in (
            "INSERT INTO poll (id, community_id, number, period, question, open_question, "
            "options, anonymous, channel, post, opened_at, closes_at, closed_at, shown, "
            "edited_at) VALUES (1, 1, 1, '2026-11-02T15:00', 'How valuable?', 'More of?', 2, 1, "
            "'general', 'k1', :when, :when, :when, 1, :when)",
            "INSERT INTO poll_option (poll_id, position, label, votes) VALUES (1, 1, 'Low', 1)",
            "INSERT INTO poll_voter (poll_id, member_id, part) VALUES (1, 1, 'choice')",
            "INSERT INTO poll_answer (id, poll_id, text) VALUES (8190134531, 1, 'more demos')",
            "INSERT INTO poll_vote (poll_id, member_id, position) VALUES (1, 2, 1)",
            "INSERT INTO poll_response (community_id, poll_id, text, by_id, created_at) "
            "VALUES (1, 1, 'We hold a demo each Friday', 1, :when)",
        ):
            await connection.execute(text(statement), {"when": when})
    if "lapse" in present:  # 0005 and later
        for statement in (
            "INSERT INTO active_day (community_id, member_id, day) VALUES (1, 1, '2026-11-02')",
            "INSERT INTO lapse (community_id, member_id, since_day, since_at, noticed_at, "
            "welcome_due) VALUES (1, 1, '2026-10-01', :when, :when, 0)",
        ):
            await connection.execute(text(statement), {"when": when})
    if "need" in present:  # 0006 and later
        for statement in (
            "INSERT INTO need (id, community_id, number, kind, member_id, what, tags, status, "
            "created_at, renewed_at, checkins, thanked) VALUES (1, 1, 1, 'need', 1, 'a grant', "
            "'grants', 'open', :when, :when, 0, 0)",
            "INSERT INTO need_tag (need_id, tag, community_id) VALUES (1, 'grants', 1)",
            "INSERT INTO need_intro (need_id, helper_id, community_id, asked_at) "
            "VALUES (1, 2, 1, :when)",
        ):
            await connection.execute(text(statement), {"when": when})
    if "match_round" in present:  # 0007 and later
        for statement in (
            "INSERT INTO match_member (member_id, community_id, status, changed_at) "
            "VALUES (1, 1, 'in', :when)",
            "INSERT INTO match_avoid (member_id, avoided_id, community_id, created_at) "
            "VALUES (1, 2, 1, :when)",
            "INSERT INTO match_round (id, community_id, number, period, started_at, "
            "follow_up_at, pool, unpaired) VALUES (1, 1, 1, '2026-11-02T10:00', :when, :when, "
            "2, 0)",
            "INSERT INTO match_group (id, round_id, position, community_id, score, why, needs_met) "
            "VALUES (1, 1, 0, 1, 1, '[]', 0)",
            # A member forgotten before 0015, whose group still gave the reasons.
            "INSERT INTO member (id, community_id, external_id, name, role, is_bot, active_days) "
            "VALUES (3, 1, 'forgotten:3', 'a former member', 'member', 0, 0)",
            "INSERT INTO match_group (id, round_id, position, community_id, score, why, needs_met) "
            f"VALUES (2, 1, 1, 1, 1, '{WHY_IN_SQL}', 1)",
            "INSERT INTO outbox (community_id, key, handle, kind, member_id, unsolicited, body, "
            "status, attempts, not_before, outcome, created_at) VALUES (1, 'match:2:2', 'h2', "
            '\'dm\', 2, 1, \'{"text": "meet cat: she needs grants", "buttons": []}\', '
            "'sent', 1, :when, '', :when)",
            "INSERT INTO match_seat (group_id, member_id, answer, followed_up) "
            "VALUES (1, 1, 'met', 0)",
        ):
            await connection.execute(text(statement), {"when": when})
    if "outcome" in present:  # 0008 and later
        for statement in (
            "INSERT INTO outcome (id, community_id, number, title, type, link, license, "
            "description, added_by, created_at, removed_reason) VALUES (1, 1, 1, 'Lab manual', "
            "'guide', 'https://example.org', 'CC BY 4.0', '', 1, :when, '')",
            "INSERT INTO outcome_credit (outcome_id, member_id, community_id, role, added_at) "
            "VALUES (1, 1, 1, 'author', :when)",
            "INSERT INTO work_group (id, community_id, name, name_key, purpose, produces, "
            "capacity, ends_on, roles, lead_id, status, created_at, checkins, flagged) VALUES "
            "(1, 1, 'Open labs', 'open labs', 'p', 'guide', 4, '2027-03-01', '', 1, 'active', "
            ":when, 0, 0)",
            "INSERT INTO work_group_member (group_id, member_id, community_id, role, joined_at) "
            "VALUES (1, 1, 1, '', :when)",
            "INSERT INTO work_group_update (id, group_id, community_id, member_id, text, "
            "created_at) VALUES (1, 1, 1, 1, 'going well', :when)",
        ):
            await connection.execute(text(statement), {"when": when})
    if "community_key" in present:  # 0009 and later
        for statement in (
            "INSERT INTO community_key (id, community_id, purpose, key, created_at) "
            f"VALUES (1, 1, 'report-hmac', {blob}, :when)",
            "INSERT INTO issued_report (id, community_id, member_id, code, since, until, "
            "issued_at, digest, summary) VALUES (1, 1, 1, 'ABCDEFGHIJKLMNOP', :when, :when, "
            ":when, 'ab', 'the last 12 months')",
        ):
            await connection.execute(text(statement), {"when": when})
    if "member_privacy" in present:  # 0010 and later
        await connection.execute(
            text(
                "INSERT INTO member_privacy (member_id, community_id, credit_off, changed_at) "
                "VALUES (1, 1, 1, :when)"
            ),
            {"when": when},
        )
    if "slack_delivery" in present:  # 0011 and later
        await connection.execute(
            text("INSERT INTO slack_delivery (event_id, received_at) VALUES ('Ev0SEED', :when)"),
            {"when": when},
        )
    if "pace" in present:  # 0016 and later
        await connection.execute(
            text("INSERT INTO pace (key, community_id, due) VALUES ('discord:dm:1', 1, :when)"),
            {"when": when},
        )
    if "erased_member" in present:  # 0013 and later
        await connection.execute(
            text(
                "INSERT INTO erased_member (community_id, digest, erased_at) "
                "VALUES (1, 'ab12', :when)"
            ),
            {"when": when},
        )


async def _counts(connection) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Row counts of the tables this revision has."""
    present = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    counts = {}
    for table in SQLModel.metadata.sorted_tables:
        if table.name in present:
            query = select(func.count()).select_from(table)
            counts[table.name] = (await connection.execute(query)).scalar()
    return counts
