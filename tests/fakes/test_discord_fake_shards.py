"""The stand-in's gateway shards as Discord does: IDENTIFY's shard is checked and routes events."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from tests.fakes import discord as fd

TOKEN = "MTAxMjM0NTY3ODkwMTIzNDU2.GhIjKl.abcdefghijklmnopqrstuvwxyz0123"


async def identify(ws: aiohttp.ClientWebSocketResponse, shard: Any) -> None:
    """Read HELLO, then IDENTIFY with the guilds intent and the given shard field."""
    hello = json.loads((await ws.receive()).data)
    assert hello["op"] == 10
    data = {"token": TOKEN, "intents": 1, "properties": {}, "shard": shard}
    await ws.send_str(json.dumps({"op": 2, "d": data}))


async def test_a_shard_that_is_not_id_below_count_is_refused() -> None:
    async with fd.FakeDiscord(token=TOKEN) as fake, aiohttp.ClientSession() as http:
        for shard in ([2, 2], [-1, 2], [0], "0,1", [0, True]):
            async with http.ws_connect(f"{fake.gateway_url}?v=10&encoding=json") as ws:
                await identify(ws, shard)
                closed = await ws.receive()
                assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == 4010, shard


async def test_guilds_are_routed_by_shard_and_dms_go_to_shard_0() -> None:
    async with fd.FakeDiscord(token=TOKEN) as fake, aiohttp.ClientSession() as http:
        guild = await fake.add_guild("Sharded")
        mine = (guild.id >> 22) % 2
        url = f"{fake.gateway_url}?v=10&encoding=json"
        async with http.ws_connect(url) as first, http.ws_connect(url) as second:
            sockets = {mine: first, 1 - mine: second}
            for shard, ws in sockets.items():
                await identify(ws, [shard, 2])
            for shard, ws in sockets.items():
                ready = json.loads((await ws.receive()).data)["d"]
                assert ready["shard"] == [shard, 2]
                listed = [int(g["id"]) for g in ready["guilds"]]
                assert listed == ([guild.id] if shard == mine else [])
            await fake.add_channel(guild.id, "news")  # CHANNEL_CREATE, guild events
            sessions = {s.shard[0]: s for s in fake.gateway.sessions.values()}
            assert [f["t"] for f in sessions[mine].backlog][-1] == "CHANNEL_CREATE"
            assert "CHANNEL_CREATE" not in [f["t"] for f in sessions[1 - mine].backlog]
            assert sessions[0].carries(None) and not sessions[1].carries(None)
