"""The `copbot` command: run the bot, the console playground, or database upgrades."""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from bot.clock import ManualClock
from config.errors import ConfigError
from config.settings import Settings, load_settings

app = typer.Typer(
    help="copbot: a chat bot for communities of practice.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Look after copbot's database.", add_completion=False)
app.add_typer(db_app, name="db")
discord_app = typer.Typer(help="Set copbot up on Discord.", add_completion=False)
app.add_typer(discord_app, name="discord")
slack_app = typer.Typer(help="Set copbot up on Slack.", add_completion=False)
app.add_typer(slack_app, name="slack")

impact_app = typer.Typer(help="Check impact reports.", add_completion=False)
app.add_typer(impact_app, name="impact")
credentials_app = typer.Typer(help="Check exported Open Badges credentials.", add_completion=False)
app.add_typer(credentials_app, name="credentials")

T = TypeVar("T")
DbOption = Annotated[
    Path | None, typer.Option("--db", help="Use this SQLite file instead of the configured one.")
]


def main() -> None:
    """Entry point of the `copbot` console script and `python -m bot`."""
    app()


@app.callback(invoke_without_command=True)
def _default(ctx: typer.Context) -> None:
    """With no command, `copbot` does what `copbot run` does."""
    if ctx.invoked_subcommand is None:
        run(db=None)


@app.command()
def run(db: DbOption = None) -> None:
    """Serve every platform whose token is set; with none, start the console playground."""
    settings = _settings(db)
    if not settings.platforms:
        _exit(_guarded(lambda: _console(settings)))
    _exit(_guarded(lambda: _serve(settings)))


@app.command()
def console(
    db: DbOption = None,
    fresh: Annotated[bool, typer.Option(help="Start on a new, empty, temporary database.")] = False,
) -> None:
    """Start the console playground, whatever tokens are set."""
    if fresh:
        db = Path(tempfile.mkdtemp(prefix="copbot-")) / "playground.db"
    settings = _settings(db)
    _exit(_guarded(lambda: _console(settings)))


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Bring the database schema up to date (the bot also does this at start-up)."""
    from storage.db import Database

    settings = _settings(db)

    async def upgrade() -> int:
        database = Database(settings.database_url)
        try:
            await database.check()
            await database.upgrade()
        finally:
            await database.close()
        typer.echo("The database schema is up to date.")
        return 0

    _exit(_guarded(upgrade))


@app.command("digest")
def digest(
    community: Annotated[str, typer.Option(help="The community's name, as copbot knows it.")],
    out: Annotated[Path, typer.Option(help="The file to write.")],
    period: Annotated[str, typer.Option(help="week (the last 7 days) or month (30).")] = "week",
    format: Annotated[str, typer.Option("--format", help="md (Markdown) or html.")] = "md",
    db: DbOption = None,
) -> None:
    """Write a community's digest of the last week or month as Markdown or an HTML page."""
    from bot.digest_export import PERIODS, RENDERERS, write_digest

    if period not in PERIODS:
        _fail(f"--period must be week or month, not {period!r}.")
    if format not in RENDERERS:
        _fail(f"--format must be md or html, not {format!r}.")
    settings = _settings(db)
    _exit(_guarded(lambda: write_digest(settings, community, period, format, out)))


@discord_app.command("invite")
def discord_invite(
    client_id: Annotated[
        str | None, typer.Option(help="Your application's id (read from DISCORD_TOKEN if unset).")
    ] = None,
) -> None:
    """Print the invite link with the scopes and permissions copbot needs, in words too."""
    from bot.adapters.discord.invite import describe_invite

    try:
        typer.echo(describe_invite(_settings(None), client_id))
    except ConfigError as error:
        _fail(str(error))


@slack_app.command("manifest")
def slack_manifest(
    request_url: Annotated[
        str | None,
        typer.Option(help="HTTP mode: your public https URL ending in /slack/events."),
    ] = None,
) -> None:
    """Print the Slack app manifest (YAML) generated from copbot's commands."""
    from bot.adapters.slack.manifest import render_manifest
    from bot.configstore import ConfigStore
    from cogs import build_registry

    typer.echo(render_manifest(build_registry(ConfigStore()), request_url=request_url))


@impact_app.command("verify")
def impact_verify(
    code: Annotated[str, typer.Argument(help="The code printed in the report.")],
    community: Annotated[str | None, typer.Option(help="The community's name.")] = None,
    db: DbOption = None,
) -> None:
    """Say whether an impact report's code is genuine (exit 0) or not (exit 1)."""
    from bot.checks import verify_code

    _exit(_guarded(lambda: verify_code(_settings(db), code, community)))


@credentials_app.command("verify")
def credentials_verify(
    file: Annotated[Path, typer.Argument(help="A file /badges export sent.")],
    db: DbOption = None,
) -> None:
    """Check an exported badges file: signatures hold, nothing altered, the community's key."""
    from bot.checks import verify_credentials

    _exit(_guarded(lambda: verify_credentials(_settings(db), file)))


def _settings(db: Path | None) -> Settings:
    try:
        settings = load_settings()
    except ConfigError as error:
        _fail(str(error))
    if db is not None:
        settings = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{db}"})
    logging.basicConfig(
        level=settings.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for chatty in ("alembic", "apscheduler"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    return settings


async def _console(settings: Settings) -> int:
    from bot.adapters.console import run_console
    from bot.runtime import build_runtime

    # The playground is for trying things: keep the transcript free of routine logs.
    logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    clock = ManualClock()
    runtime = await build_runtime(settings, clock=clock)
    return await run_console(runtime, clock)


async def _serve(settings: Settings) -> int:
    from bot.runtime import build_runtime
    from bot.serve import serve, servers_for

    servers_for(settings)  # a missing front-end is a start-up error, before anything runs
    return await serve(await build_runtime(settings))


def _guarded(start: Callable[[], Awaitable[T]]) -> T:
    try:
        return asyncio.run(start())  # type: ignore[arg-type]
    except ConfigError as error:
        _fail(str(error))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


def _exit(code: object) -> None:
    raise typer.Exit(code if isinstance(code, int) else 0)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"copbot: {message}", err=True)
    raise typer.Exit(2)
