"""Wiring: settings in, one database, registry, dispatcher, activity buffer and scheduler out."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from pydantic import ValidationError

from bot.activity import ActivityBuffer
from bot.clock import Clock, SystemClock
from bot.configstore import ConfigStore
from bot.dispatch import Dispatcher
from bot.jobs import Jobs, LocalJobs
from bot.pacing import Pacing
from bot.registry import Registry
from bot.scheduler import Job, Scheduler
from cogs import build_registry
from config.community import build_config, default_values
from config.errors import ConfigError
from config.rules import Known
from config.settings import Settings
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Everything one copbot process runs on, shared by every adapter."""

    settings: Settings
    db: Database
    clock: Clock
    registry: Registry
    dispatcher: Dispatcher
    activity: ActivityBuffer
    scheduler: Scheduler

    async def close(self) -> None:
        """Stop the scheduler, write pending activity, release the database."""
        await self.scheduler.stop()
        try:
            await self.activity.flush()
            await self.dispatcher.sender.flush()  # what was sent is not sent again at start
        finally:
            await self.db.close()


async def build_runtime(
    settings: Settings, *, clock: Clock | None = None, migrate: bool = True
) -> Runtime:
    """Open the database (upgrading its schema) and assemble the bot."""
    db = Database(settings.database_url)
    configs = ConfigStore(max_age=db.shared_max_age)
    registry = build_registry(configs)
    check_defaults(registry.known_metrics)
    clock = clock or SystemClock()
    await db.check()
    if migrate:
        await db.upgrade()
    else:
        await db.create_all()
    activity = ActivityBuffer(db, default_role=default_values()["default_role"], configs=configs)
    pacing = Pacing(
        discord_dm_seconds=settings.discord_dm_seconds,
        discord_dms_per_minute=settings.discord_dms_per_minute,
        discord_posts_per_second=settings.discord_posts_per_second,
        slack_posts_per_second=settings.slack_posts_per_second,
    )
    dispatcher = Dispatcher(
        registry=registry, db=db, clock=clock, activity=activity, configs=configs, pacing=pacing
    )
    scheduler = Scheduler(clock, LocalJobs(dispatcher, registry.jobs))
    scheduler.add(
        Job(
            "flush_activity",
            activity.flush,
            "Write buffered member activity to the database",
            every=settings.activity_flush_seconds,
            per_process=True,  # each process writes the activity it buffered itself
        )
    )
    jobs = Jobs(dispatcher)
    for spec in registry.jobs.values():
        if spec.every is not None:
            run = functools.partial(spec.callback, jobs)
            due = functools.partial(spec.due, jobs) if spec.due else None
            scheduler.add(Job(spec.name, run, spec.help, spec.every, due))
    return Runtime(settings, db, clock, registry, dispatcher, activity, scheduler)


def check_defaults(metrics: Known) -> None:
    """The shipped (or edited) defaults must make a valid community, badge rules included."""
    try:
        build_config({}, metrics=metrics)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
            for e in error.errors()
        )
        raise ConfigError(f"config/defaults.toml is not right: {problems}.") from None
