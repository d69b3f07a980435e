"""Slack: slash commands, Block Kit buttons and modals, the Home tab and events, over slack-bolt."""

from __future__ import annotations

import asyncio

from bot.adapters.slack.app import SlackFrontEnd
from bot.runtime import Runtime

__all__ = ["SlackFrontEnd", "serve"]


async def serve(runtime: Runtime) -> None:
    """Serve Slack until cancelled, then disconnect and let in-flight work finish."""
    front = SlackFrontEnd(runtime)
    await front.start()
    try:
        await asyncio.Event().wait()
    finally:
        await front.close()
