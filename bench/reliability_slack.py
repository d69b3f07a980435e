"""Slack over HTTP: requests with bad, missing or stale signatures are refused and do nothing."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import aiohttp

from bot.adapters.slack import SlackFrontEnd
from bot.clock import ManualClock
from bot.runtime import build_runtime
from config.settings import Settings
from tests.bot.adapters.slack.harness import ADA, BOB, GENERAL, populate
from tests.conftest import START
from tests.fakes.slack import Ack, FakeSlack, HttpDriver

Headers = Callable[[str, str], dict[str, str]]  # (body, secret) -> the request's headers


def sign(secret: str, timestamp: str, body: str) -> str:
    """Slack's v0 signature of a body at a timestamp."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return f"v0={digest.hexdigest()}"


def _signed(age: float = 0.0, secret: str | None = None, tweak: Callable[[str], str] = str):
    def headers(body: str, real: str) -> dict[str, str]:
        timestamp = str(int(time.time() - age))
        return {
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": tweak(sign(secret or real, timestamp, body)),
        }

    return headers


def _without(name: str) -> Headers:
    def headers(body: str, real: str) -> dict[str, str]:
        signed = _signed()(body, real)
        del signed[name]
        return signed

    return headers


def _other_body(body: str, real: str) -> dict[str, str]:
    return _signed()(body + "&user_id=U0OWNER", real)  # a signature for another request


def _odd_timestamp(body: str, real: str) -> dict[str, str]:
    return {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": sign(real, "soon", body)}


# Every way a request can fail Slack's check: forged, stale, missing, malformed or misused.
BAD: dict[str, Headers] = {
    "another secret": _signed(secret="not-the-signing-secret"),
    "stale (5.5 min old)": _signed(age=330),
    "from the future (+10 min)": _signed(age=-600),
    "no signature": _without("X-Slack-Signature"),
    "no timestamp": _without("X-Slack-Request-Timestamp"),
    "no headers": lambda body, real: {},
    "empty signature": _signed(tweak=lambda s: ""),
    "v1 scheme": _signed(tweak=lambda s: "v1=" + s[3:]),
    "truncated": _signed(tweak=lambda s: s[:-1]),
    "not hex": _signed(tweak=lambda s: "v0=" + "z" * 64),
    "upper-cased": _signed(tweak=str.upper),
    "another body's": _other_body,
    "timestamp not a number": _odd_timestamp,
}


class Signing(HttpDriver):
    """Posts as Slack does, with the headers a chosen variant makes."""

    def __init__(self, fake: FakeSlack, url: str, session: aiohttp.ClientSession) -> None:
        super().__init__(fake, url)
        self.session = session
        self.headers: Headers = _signed()

    async def _post(
        self, kind: str, body: str, content_type: str, retry: tuple[int, str] | None
    ) -> Ack:
        headers = {"Content-Type": content_type, **self.headers(body, self.signing.secret)}
        async with self.session.post(self.app_url, data=body.encode(), headers=headers) as r:
            return Ack(kind, r.status, None, body=await r.text())


@dataclass
class Signatures:
    """What the bot did with each kind of request."""

    sent: int = 0
    refused: int = 0  # answered 401
    handled: int = 0  # acks, Slack API calls or responses the bad requests caused
    by_variant: dict[str, int] = field(default_factory=dict)  # refusals of each variant
    good_sent: int = 0
    good_accepted: int = 0
    good_answered: int = 0


async def requests(driver: Signing, fake: FakeSlack, n: int) -> list[Ack]:
    """A slash command, an event and a button press, each `n` times."""
    acks = []
    for index in range(n):
        acks.append(await driver.slash("/ping", user_id=ADA, channel_id=GENERAL))
        acks.append(await driver.slash("/kudos", f"<@{BOB}> for run {index}", user_id=ADA))
        acks.append(await driver.event("team_join", user=fake.users[BOB].to_slack("T")))
        acks.append(await driver.event("message", channel=GENERAL, user=ADA, text="@here hi"))
        acks.append(await driver.block_action(ADA, "help.page", "2", channel_id=GENERAL))
    return acks


def effects(fake: FakeSlack) -> int:
    """Everything the bot has done to the workspace so far: Web API calls and responses."""
    return len(fake.call_log) + len(fake.response_posts)


async def run(rounds: int, good: int, folder: Path) -> Signatures:
    """Every bad variant `rounds` times over each kind of request, then `good` signed ones."""
    found = Signatures()
    async with FakeSlack() as fake:
        populate(fake)
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{folder / 'slack.db'}",
            slack_bot_token=fake.bot_token,
            slack_signing_secret=fake.signing_secret,
            slack_api_url=fake.api_url,
        )
        runtime = await build_runtime(settings, clock=ManualClock(START + timedelta(days=1)))
        front = SlackFrontEnd(runtime, host="127.0.0.1", port=0)
        try:
            await front.start()
            async with aiohttp.ClientSession() as session:
                driver = Signing(fake, front.url, session)
                await front.idle()
                before = effects(fake)
                for variant, headers in BAD.items():
                    driver.headers = headers
                    acks = await requests(driver, fake, rounds)
                    refused = sum(1 for ack in acks if ack.status == 401)
                    found.handled += sum(1 for ack in acks if ack.status == 200)
                    found.sent += len(acks)
                    found.refused += refused
                    found.by_variant[variant] = refused
                await front.idle()
                found.handled += effects(fake) - before
                driver.headers = _signed()
                for _ in range(good):
                    ack = await driver.slash("/ping", user_id=ADA, channel_id=GENERAL)
                    found.good_sent += 1
                    found.good_accepted += ack.status == 200
                await front.idle()
                found.good_answered = len(fake.ephemerals(ADA))
        finally:
            await front.close()
            await runtime.close()
    return found


def hits(found: Signatures) -> list[str]:
    """The variants not refused every time (empty when all were)."""
    per_variant = found.sent // len(BAD) if BAD else 0
    return [name for name, refused in found.by_variant.items() if refused != per_variant]
