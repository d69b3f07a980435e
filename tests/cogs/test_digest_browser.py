"""The digest page in a real browser: it renders, member text stays text, no console errors."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.pages import to_html
from bot.runtime import Runtime
from tests.cogs.digesting import busy_week, page_now
from tests.cogs.polling import polling_on
from tests.conftest import PLACE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# A browser only where one is installed; CI (.ci/run sets CI=1) installs it, so there it must run.
if not Path(CHROMIUM).exists() and os.environ.get("CI") != "1":
    pytest.skip(
        "chromium is not installed (apt-get install -y chromium); CI runs this test",
        allow_module_level=True,
    )


def browse(page: Path) -> tuple[str, str]:
    """The DOM headless Chromium built from a file, and what it logged."""
    done = subprocess.run(
        [
            CHROMIUM,
            *("--headless=new", "--disable-gpu", "--no-sandbox", "--no-first-run"),
            *("--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


async def test_the_digest_page_renders_with_member_text_as_text(
    runtime: Runtime, clock: ManualClock, tmp_path: Path
) -> None:
    await busy_week(await polling_on(runtime, clock))
    page = await page_now(runtime, PLACE)
    written = tmp_path / "digest.html"
    written.write_text(to_html(page), encoding="utf-8")
    dom, log = browse(written)
    assert "<h1>Testers digest</h1>" in dom
    titles = re.findall(r"<h2>(.*?)</h2>", dom)
    assert titles == [section.title for section in page.sections] and len(titles) == 6
    assert "Made with copbot" in dom
    # The hostile name and reason are shown as words, never parsed into an element.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<script" not in dom.lower()
    # The page runs no script and loads nothing: any console message is a fault.
    console = [line for line in log.splitlines() if ":CONSOLE" in line]
    assert console == []
