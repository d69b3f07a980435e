"""`copbot impact verify` and `copbot credentials verify`: exit 0 genuine, 1 not."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import select

from bot.clock import ManualClock
from bot.reply import ToMember
from bot.runtime import build_runtime
from config.settings import Settings
from storage.models import BadgeAwardRow, MemberRow
from tests.bot.test_cli import copbot
from tests.conftest import START, Driver


async def issued(tmp_path: Path) -> tuple[Path, str, bytes]:
    """A database file where ana got a report and exported a badge: its path, code and file."""
    path = tmp_path / "copbot.db"
    settings = Settings(database_url=f"sqlite+aiosqlite:///{path}")
    runtime = await build_runtime(settings, clock=ManualClock(START, frozen=True))
    try:
        driver = Driver(runtime)
        await driver.run("ana", "/ping")
        async with runtime.db.session() as session:
            [ana] = (await session.exec(select(MemberRow))).all()
            session.add(
                BadgeAwardRow(community_id=1, member_id=ana.id, badge="x", awarded_at=START)
            )
            await session.commit()
        await driver.run("ana", "/impact")
        await driver.run("ana", "/badges export")
        report, badges = [i for i in driver.transport.sent if isinstance(i, ToMember)]
    finally:
        await runtime.close()
    code = report.reply.text.split("Verification code: ")[1].split(".")[0]
    return path, code, badges.reply.files[0].data


async def test_cli_verify_commands(tmp_path: Path) -> None:
    db, code, exported = await issued(tmp_path)
    genuine = copbot("impact", "verify", code, "--db", str(db))
    assert (
        genuine.returncode == 0 and "Genuine: an impact report for ana in Testers" in genuine.stdout
    )
    here = copbot("impact", "verify", code, "--community", "Testers", "--db", str(db))
    assert here.returncode == 0
    elsewhere = copbot("impact", "verify", code, "--community", "Others", "--db", str(db))
    assert elsewhere.returncode == 1 and "isn't genuine" in elsewhere.stdout
    altered = copbot(
        "impact", "verify", ("Q" if code[0] != "Q" else "R") + code[1:], "--db", str(db)
    )
    assert altered.returncode == 1 and "Traceback" not in altered.stderr

    file = tmp_path / "badges.json"
    file.write_bytes(exported)
    checked = copbot("credentials", "verify", str(file), "--db", str(db))
    assert checked.returncode == 0 and "Genuine: 1 credential" in checked.stdout
    document = json.loads(exported)
    document["credentials"][0]["credential"]["name"] = "Forged"
    file.write_text(json.dumps(document))
    forged = copbot("credentials", "verify", str(file), "--db", str(db))
    assert forged.returncode == 1 and "altered" in forged.stdout
