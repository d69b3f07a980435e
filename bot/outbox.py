"""What a command or job queues to say: kept in the outbox table, in the feature's transaction."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import render
from bot.commands import Member
from bot.reply import (
    Attachment,
    Button,
    EditMessage,
    Image,
    Outgoing,
    Reply,
    ToChannel,
    ToMember,
)
from storage import outbox
from storage.models import MemberRow, OutboxRow

# The way out every unsolicited DM carries; the preferences cog handles these presses.
PAUSE_ACTION, STOP_ACTION = "prefs_pause", "prefs_stop"
WAY_OUT = (
    Button("Pause for a month", PAUSE_ACTION, "30"),
    Button("Stop these messages", STOP_ACTION, "", style="danger"),
)


@dataclass(frozen=True)
class Handle:
    """A message copbot queued; a later command or job edits it through this."""

    id: str

    @staticmethod
    def new(key: str | None = None) -> Handle:
        """A fresh handle; a keyed message's handle comes from its key, so it is the same twice."""
        if key:
            return Handle("k" + hashlib.blake2b(key.encode(), digest_size=10).hexdigest())
        return Handle("h" + secrets.token_hex(10))


@dataclass(frozen=True)
class Edit:
    """A new text and buttons for a message queued earlier (no buttons removes them)."""

    target: Handle
    reply: Reply


@dataclass(frozen=True)
class Queued:
    """A post, DM or edit on its way to the outbox table."""

    item: ToChannel | ToMember | Edit
    handle: Handle
    key: str | None = None
    unsolicited: bool = False


def away_reason(member: MemberRow | Any, now: datetime) -> str | None:
    """Why an unsolicited DM must not reach this member now, or None: the one such check."""
    if member.left_at is not None:
        return "they left the community"
    if member.is_bot:
        return "they are a bot"
    if member.dms_off:
        return "they turned unsolicited DMs off"
    if member.away_until is not None and member.away_until > now:
        return f"they are away until {member.away_until:%Y-%m-%d}"
    return None


async def store(
    session: AsyncSession,
    *,
    community_id: int,
    here: str | None,
    entries: list[Queued],
    now: datetime,
    claim: dict[str, Any] | None = None,
) -> list[tuple[OutboxRow, Queued]]:
    """Write queued messages into the outbox in the caller's transaction; the rows to send."""
    dm_ids = [e.item.member.id for e in entries if isinstance(e.item, ToMember) and e.unsolicited]
    people = await outbox.standings_of(session, ids=dm_ids)
    # Claimed as they are written (`claim`): the sender that will deliver them is named.
    values = [
        {**_values(entry, community_id, here, now, people), **(claim or {})} for entry in entries
    ]
    rows = await outbox.queue_values(session, rows=values)
    return [
        (row, entry)
        for row, entry in zip(rows, entries, strict=True)
        if row is not None and row.status == outbox.PENDING
    ]


def _values(
    entry: Queued, community_id: int, here: str | None, now: datetime, people: dict[int, Any]
) -> dict[str, Any]:
    item = entry.item
    row: dict[str, Any] = {
        "community_id": community_id,
        "key": entry.key,
        "handle": entry.handle.id,
        "kind": "post",
        "channel": None,
        "here": here,
        "member_id": None,
        "fallback_channel": None,
        "unsolicited": entry.unsolicited,
        "target": None,
        "status": outbox.PENDING,
        "attempts": 0,
        "not_before": now,
        "outcome": "",
        "created_at": now,
        "sent_at": None,
    }
    reply = item.reply
    if isinstance(item, ToChannel):
        row["channel"] = item.channel
    elif isinstance(item, ToMember):
        row.update(kind="dm", member_id=item.member.id, fallback_channel=item.fallback_channel)
        if entry.unsolicited:
            reply = dataclasses.replace(reply, buttons=reply.buttons + WAY_OUT)
            person = people.get(item.member.id)
            reason = away_reason(person, now) if person else "they are not a member"
            if reason:
                row.update(status=outbox.SKIPPED, outcome=reason, sent_at=now)
    else:
        row.update(kind="edit", target=item.target.id)
    row["body"] = dump(reply)
    row["image"] = blob(reply)
    return row


def blob(reply: Reply) -> bytes | None:
    """The bytes a reply carries, for the row's one binary column: its image, then its files."""
    # Files ride after the picture in the same column, their lengths in the body, so a reply
    # with only a picture is stored exactly as before and no migration was needed.
    parts = ([reply.image.png] if reply.image else []) + [f.data for f in reply.files]
    return b"".join(parts) if parts else None


def dump(reply: Reply) -> str:
    """A reply as the outbox keeps it (the image's and files' bytes go in their own column)."""
    image = reply.image
    body: dict[str, Any] = {
        "text": reply.text,
        "buttons": [[b.label, b.action, b.arg, b.style] for b in reply.buttons],
        "image": [image.alt, image.filename] if image else None,
    }
    if reply.files:
        body["files"] = [[f.filename, f.description, f.mime, len(f.data)] for f in reply.files]
    return json.dumps(body)


def load(row: OutboxRow) -> Reply:
    """The reply a row keeps."""
    data = json.loads(row.body)
    buttons = tuple(
        Button(label, action, arg, style) for label, action, arg, style in data["buttons"]
    )
    stored = row.image or b""
    files: list[Attachment] = []
    end = len(stored)
    for filename, description, mime, length in reversed(data.get("files") or []):
        files.insert(0, Attachment(stored[end - length : end], filename, description, mime))
        end -= length
    image = None
    if data.get("image") and row.image is not None:
        alt, filename = data["image"]
        image = Image(stored[:end], alt, filename)
    return Reply(data["text"], buttons, image=image, files=tuple(files))


def member_of(row: MemberRow) -> Member:
    """The member a DM row is for, as transports see them."""
    assert row.id is not None
    return Member(row.id, row.external_id, row.name, role=row.role, is_bot=row.is_bot)


def item_of(
    row: OutboxRow,
    member: Member | None,
    target: OutboxRow | None,
    settled: dict[str, tuple[str, str | None]],
) -> Outgoing | str | None:
    """The item a row sends; a reason to skip it; or None to try again soon (an unsent target).

    `settled` has the status and reference of messages whose outcome is newer than `target`.
    """
    reply = load(row)
    if row.kind == "post":
        return ToChannel(row.channel, reply, nonce=row.handle)
    if row.kind == "dm":
        if member is None:
            return "the member is gone"
        return ToMember(member, reply, row.fallback_channel, nonce=row.handle)
    if target is None:
        return "the message to edit was never queued"
    status, ref = settled.get(target.handle, (target.status, target.ref))
    if status == outbox.PENDING:
        return None
    if status != outbox.SENT:
        return f"the message to edit was not sent ({status})"
    if not ref:
        return "the platform gave no reference to edit it by"
    where = f"#{target.channel or target.here}" if target.kind == "post" else "DM"
    return EditMessage(ref, reply, where)


def fallback_for(row: OutboxRow, member: Member, now: datetime) -> OutboxRow:
    """The post a refused DM becomes in its fallback channel, pinging only its member."""
    reply = load(row)
    text = f"{render.mention(member)} {reply.text}"
    # The way out is the member's own: in a channel anyone could press it.
    buttons = tuple(button for button in reply.buttons if button not in WAY_OUT)
    return OutboxRow(
        community_id=row.community_id,
        handle=Handle.new().id,
        kind="post",
        channel=row.fallback_channel,
        here=row.here,
        body=dump(dataclasses.replace(reply, text=text, buttons=buttons)),
        image=row.image,
        not_before=now,
        created_at=now,
    )
