"""The registry: every cog's commands, actions, listeners, jobs, metrics and data hooks."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot import timetable
from bot.commands import MARK, CommandSpec, Level, Marker, Schedule, build_spec
from bot.memberdata import DataHook
from bot.metrics import CORE, Metric, known
from bot.timetable import When
from config.rules import Known


@dataclass(frozen=True)
class ActionSpec:
    """A button's handler."""

    name: str
    level: Level
    callback: Callable[..., Any]
    activity: bool = True  # whether a press counts as the member's activity


@dataclass(frozen=True)
class JobSpec:
    """A scheduled job: in each community's time (daily, weekly, cron), or every N seconds."""

    name: str
    callback: Callable[..., Any]
    help: str
    every: float | None = None
    kind: str | None = None  # daily, weekly or cron
    schedule: Schedule | None = None
    due: Callable[..., Any] | None = None

    def when(self, config: object) -> When | None:
        """When it runs in a community with these settings (None: not there, or turned off)."""
        if self.kind is None or self.schedule is None:
            return None
        text = self.schedule(config) if callable(self.schedule) else self.schedule
        if not text:
            return None
        return {"daily": timetable.daily, "weekly": timetable.weekly, "cron": timetable.cron}[
            self.kind
        ](text)


class Registry:
    """Collects declarations from cog instances and finds them by name."""

    def __init__(self, cogs: Iterable[object] = ()) -> None:
        self.cogs: list[object] = []
        self.commands: dict[tuple[str, ...], CommandSpec] = {}
        self.actions: dict[str, ActionSpec] = {}
        self.listeners: dict[str, list[Callable[..., Any]]] = {}
        self.jobs: dict[str, JobSpec] = {}
        self.data_hooks: dict[str, DataHook] = {}  # each cog's part of a member's data
        self._metrics: dict[str, Metric] = {}  # the cogs' own; the core's come after them
        self._aliases: dict[tuple[str, ...], CommandSpec] | None = None  # built on first use
        # Former names of commands that moved (`was=`): typing one is answered with the new name.
        self.moved: dict[tuple[str, ...], CommandSpec] = {}
        for cog in cogs:
            self.add_cog(cog)

    def add_cog(self, cog: object) -> None:
        """Register everything a cog declares; a clash is a programming error."""
        self.cogs.append(cog)
        self._aliases = None
        for _, method in inspect.getmembers(cog, inspect.ismethod):
            marker: Marker | None = getattr(method, MARK, None)
            if marker is not None:
                self._add(cog, method, marker)
        for metric in getattr(cog, "metrics", ()):
            if metric.name in self.metrics:
                raise ValueError(f"badge metric {metric.name!r} is declared twice")
            self._metrics[metric.name] = metric
        hook = getattr(cog, "data", None)
        if isinstance(hook, DataHook):
            self.data_hooks[type(cog).__name__] = hook

    @property
    def metrics(self) -> dict[str, Metric]:
        """Every badge metric: the cogs' (in the order they were added), then the core's."""
        return {**self._metrics, **{metric.name: metric for metric in CORE}}

    @property
    def known_metrics(self) -> Known:
        """The metric names badge rules may use, for the rule parser."""
        return known(self.metrics.values())

    def _add(self, cog: object, method: Callable[..., Any], marker: Marker) -> None:
        if marker.kind == "command":
            spec = build_spec(method.__func__, marker)  # type: ignore[attr-defined]
            self._check_names(spec)
            if spec.form is not None:
                _check_form(spec, cog)
            for param in spec.params:
                if param.suggest and not callable(getattr(cog, param.suggest, None)):
                    raise ValueError(f"/{spec.name}: no suggestion method {param.suggest!r}")
            spec.callback, spec.cog = method, cog
            self.commands[spec.path] = spec
            self.moved.update((tuple(old.split()), spec) for old in spec.was)
        elif marker.kind == "action":
            name = marker.name or method.__name__
            if name in self.actions or ":" in name:
                raise ValueError(f"button action {name!r} is declared twice or has a colon")
            options = marker.options
            self.actions[name] = ActionSpec(name, options["level"], method, options["activity"])
        elif marker.kind == "listener":
            self.listeners.setdefault(marker.name or "", []).append(method)
        elif marker.kind == "job":
            name = marker.name or method.__name__
            doc = (inspect.getdoc(method) or "").splitlines()
            options = marker.options
            kind, schedule = next(iter(options["schedule"].items()), (None, None))
            if kind and not callable(schedule):
                JobSpec(name, method, "", kind=kind, schedule=schedule).when(None)  # fail early
            due = getattr(cog, options["due"]) if options["due"] else None
            self.jobs[name] = JobSpec(
                name, method, doc[0] if doc else "", options["every"], kind, schedule, due
            )

    def _check_names(self, spec: CommandSpec) -> None:
        taken = self.commands.keys() | self.moved.keys()
        if spec.path in taken:
            raise ValueError(f"/{spec.name} is declared twice, or is another command's old name")
        for old in spec.was:
            if tuple(old.split()) in taken | {spec.path}:
                raise ValueError(f"/{spec.name}: its old name /{old} is taken")

    def command(self, name: str) -> CommandSpec | None:
        """A command by its typed name, "role set" (or a group root's subcommand name)."""
        return self.find(tuple(name.lower().split()))

    def find(self, path: tuple[str, ...]) -> CommandSpec | None:
        """A command by its path; a group root also answers to its subcommand name."""
        return self.commands.get(path) or self.aliases().get(path)

    def aliases(self) -> dict[tuple[str, ...], CommandSpec]:
        """Discord's spellings of group roots (`/intro write`), so every front-end takes them."""
        # Every typed line looks here, so the map is built once, not per command.
        if self._aliases is None:
            self._aliases = {
                (*path, spec.root_name): spec
                for path, spec in self.commands.items()
                if self.children(path) and (*path, spec.root_name) not in self.commands
            }
        return self._aliases

    def paths(self) -> set[tuple[str, ...]]:
        """Every path a typed line may start with: the commands and their aliases."""
        return self.commands.keys() | self.aliases().keys()

    def children(self, prefix: tuple[str, ...]) -> list[CommandSpec]:
        """Commands under a group, "badge" → /badge grant, /badge revoke."""
        return [
            spec
            for path, spec in sorted(self.commands.items())
            if len(path) > len(prefix) and path[: len(prefix)] == prefix
        ]

    def visible_to(self, level: Level) -> list[CommandSpec]:
        """The commands a member at this level may run, in name order."""
        return [spec for _, spec in sorted(self.commands.items()) if spec.level <= level]

    def cog_of(self, spec: CommandSpec) -> str:
        """The name of the cog a command belongs to, for grouping help."""
        return type(spec.cog).__name__


def _check_form(spec: CommandSpec, cog: object) -> None:
    assert spec.form is not None
    fields = {field.name for field in spec.form.fields} | {name for name, _ in spec.form.hidden}
    params = {param.name for param in spec.params if param.form_field}
    if spec.form.command != spec.name or fields != params:
        raise ValueError(f"/{spec.name}: its form must run it and have its keyword-only fields")
    if spec.prefill and not callable(getattr(cog, spec.prefill, None)):
        raise ValueError(f"/{spec.name}: no prefill method {spec.prefill!r} on the cog")
