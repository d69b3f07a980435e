"""The features. Each cog is one class; add yours to `default_cogs` to switch it on."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from bot.configstore import ConfigStore
from bot.registry import Registry
from cogs.badges import Badges
from cogs.digest import Digest
from cogs.groups import Groups
from cogs.impact import Impact
from cogs.intro import Intro
from cogs.kudos import Kudos
from cogs.matching import Matching
from cogs.meta import Meta
from cogs.needs import Needs
from cogs.outcomes import Outcomes
from cogs.polls import Polls
from cogs.preferences import Preferences
from cogs.roles import Roles
from cogs.welcome_back import WelcomeBack
from cogs.yourdata import YourData


def copbot_version() -> str:
    """The installed version, for /ping."""
    try:
        return version("copbot")
    except PackageNotFoundError:
        return "dev"


def build_registry(configs: ConfigStore) -> Registry:
    """A registry holding every cog copbot ships."""
    registry = Registry()
    for cog in (
        Intro(),
        Roles(),
        Kudos(),
        Badges(),
        Polls(),
        Needs(),
        Outcomes(),
        Groups(),
        Matching(),
        Digest(),
        Preferences(),
        WelcomeBack(),
        Impact(),
        YourData(),
        Meta(registry, configs, copbot_version()),
    ):
        registry.add_cog(cog)
    return registry
