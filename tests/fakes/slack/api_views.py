"""views.* methods: modals (open, push, update) and the App Home tab (publish)."""

from __future__ import annotations

import time
from typing import Any

from .blockkit import check_view
from .errors import SlackError, invalid_blocks
from .state import Trigger, ViewRecord
from .workspace import Workspace


def open_view(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """views.open"""
    trigger = _valid_trigger(ws, args)
    check_view_or_raise(args.get("view"), ("modal",))
    trigger.used = True
    record = _store(ws, trigger.user, args["view"], "views.open")
    return {"ok": True, "view": full_view(ws, record)}


def push_view(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """views.push"""
    trigger = _valid_trigger(ws, args)
    root = ws.current_modal(trigger.user)
    # Slack can only push onto a modal that is already open.
    if root is None:
        raise SlackError("not_found")
    check_view_or_raise(args.get("view"), ("modal",))
    trigger.used = True
    record = _store(ws, trigger.user, args["view"], "views.push", root.root_view_id or root.id)
    return {"ok": True, "view": full_view(ws, record)}


def update_view(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """views.update"""
    record = ws.views.get(str(args.get("view_id")))
    if record is None and args.get("external_id"):
        record = next(
            (r for r in ws.views.values() if r.view.get("external_id") == args["external_id"]), None
        )
    if record is None:
        raise SlackError("not_found")
    _check_hash(record, args.get("hash"))
    check_view_or_raise(args.get("view"), (record.view.get("type", "modal"),))
    replace(ws, record, args["view"], "views.update")
    return {"ok": True, "view": full_view(ws, record)}


def publish_view(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """views.publish"""
    user = ws.users.get(str(args.get("user_id")))
    if user is None:
        raise SlackError("user_not_found")
    check_view_or_raise(args.get("view"), ("home",))
    record = next(
        (r for r in ws.views.values() if r.user == user.id and r.view.get("type") == "home"), None
    )
    if record is None:
        record = _store(ws, user.id, args["view"], "views.publish")
    else:
        _check_hash(record, args.get("hash"))
        replace(ws, record, args["view"], "views.publish")
    return {"ok": True, "view": full_view(ws, record)}


def replace(ws: Workspace, record: ViewRecord, view: dict[str, Any], via: str) -> None:
    """Swap a stored view's content, as views.update or response_action=update do."""
    record.view, record.hash = view, _hash(ws)
    ws.view_log.append(
        ViewRecord(record.id, record.user, view, via, record.hash, record.root_view_id)
    )


def full_view(ws: Workspace, record: ViewRecord) -> dict[str, Any]:
    """The view object Slack returns and puts in view_submission payloads."""
    view = record.view
    return {
        "id": record.id,
        "team_id": ws.team_id,
        "type": view.get("type"),
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": {}},
        "hash": record.hash,
        "title": view.get("title"),
        "close": view.get("close"),
        "submit": view.get("submit"),
        "clear_on_close": bool(view.get("clear_on_close")),
        "notify_on_close": bool(view.get("notify_on_close")),
        "previous_view_id": None,
        "root_view_id": record.root_view_id or record.id,
        "app_id": ws.app_id,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": ws.team_id,
        "bot_id": ws.bot_id,
    }


def check_view_or_raise(view: Any, types: tuple[str, ...]) -> None:
    """Raise invalid_blocks when Slack could not render the view."""
    problems = check_view(view, types)
    if problems:
        raise invalid_blocks(problems)


def _valid_trigger(ws: Workspace, args: dict[str, Any]) -> Trigger:
    """The trigger an open/push names; Slack honours each trigger once, within 3 s."""
    trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
    trigger = ws.triggers.get(str(trigger_id))
    if trigger is None:
        raise SlackError("invalid_trigger_id")
    if trigger.used:
        raise SlackError("exchanged_trigger_id")
    if time.monotonic() - trigger.issued_at > ws.trigger_ttl:
        raise SlackError("expired_trigger_id")
    return trigger


def _check_hash(record: ViewRecord, given: Any) -> None:
    """Slack refuses an update whose hash is not the view's latest (a lost race)."""
    if given and given != record.hash:
        raise SlackError("hash_conflict")


def _store(
    ws: Workspace, user: str, view: dict[str, Any], via: str, root_view_id: str | None = None
) -> ViewRecord:
    external_id = view.get("external_id")
    if external_id and any(r.view.get("external_id") == external_id for r in ws.views.values()):
        raise SlackError("duplicate_external_id")
    record = ViewRecord(ws.ids.new("V"), user, view, via, _hash(ws), root_view_id)
    ws.views[record.id] = record
    ws.view_log.append(record)
    return record


def _hash(ws: Workspace) -> str:
    """A fresh view hash; each change gets a new one."""
    return f"{int(time.time())}.{ws.ids.new('')}"


HANDLERS = {
    "views.open": open_view,
    "views.push": push_view,
    "views.update": update_view,
    "views.publish": publish_view,
}
