"""Impact reports through Discord: the report's files in a DM, and its code verified by another."""

from __future__ import annotations

import re

from tests.bot.adapters.discord.conftest import EPHEMERAL, DiscordEnv, answer


async def test_a_report_reaches_the_dm_and_its_code_is_verified_by_someone_else(
    env: DiscordEnv,
) -> None:
    await env.slash(env.bob, "kudos give", member=env.alice, reason="for the lab guide")
    await env.settle()

    told = answer(await env.slash(env.alice, "impact report"))
    assert told is not None and told.flags & EPHEMERAL
    assert "is in your DMs, as Markdown and a web page" in told.content
    [dm] = await env.eventually(lambda: env.fake.dm_messages(env.alice))
    names = [a.filename for a in dm.attachments]
    assert [name.rsplit(".", 1)[1] for name in names] == ["md", "html"]
    assert b"Kudos received" in dm.attachments[0].data  # bob's thanks counted

    code = re.search(r"Its code: `?([^`]+?)`?\.$", told.content)
    assert code is not None
    verified = answer(await env.slash(env.bob, "impact verify", code=code.group(1)))
    assert verified is not None and verified.content.startswith("✅ Genuine: an impact report")
    forged = answer(await env.slash(env.bob, "impact verify", code="ABCD-EFGH-JKLM"))
    assert forged is not None and not forged.content.startswith("✅")
