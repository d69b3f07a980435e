"""Acks: what the driver hands back, and what Slack does with an ack's body."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .api_views import replace
from .blockkit import check_view
from .responses import show_reply
from .state import ViewRecord
from .workspace import Workspace

ACK_DEADLINE = 3.0  # Slack shows the user an error when the ack takes longer


@dataclass
class Ack:
    """The app's answer to one delivered request, in either transport."""

    kind: str  # slash_commands, interactive, events_api or url_verification
    status: int | None  # HTTP status; Socket Mode: 200 once acked, None if no ack came
    payload: dict[str, Any] | None  # the ack body as JSON (plain text becomes {"text": ...})
    body: str = ""  # raw HTTP body (HTTP mode only)
    elapsed: float = 0.0
    envelope_id: str | None = None
    problems: list[str] = field(default_factory=list)  # what Slack would refuse in the ack

    @property
    def ok(self) -> bool:
        """Acked with 200 inside Slack's 3-second window."""
        return self.status == 200 and self.elapsed <= ACK_DEADLINE

    @property
    def response_action(self) -> str | None:
        """The view_submission response_action, if any."""
        return (self.payload or {}).get("response_action")


def apply_ack(ws: Workspace, request: dict[str, Any], ack: Ack) -> None:
    """Do what Slack does with an ack body; note in ack.problems what it would refuse."""
    if not ack.ok:
        return
    if ack.kind == "slash_commands" and ack.payload:
        # A slash command's ack body is shown to the invoking user like a response_url post.
        ack.problems += show_reply(
            ws, request["user_id"], request["channel_id"], ack.payload, "ack"
        )
    elif request.get("type") == "view_submission":
        ack.problems += _apply_response_action(ws, request, ack.payload or {})


def _apply_response_action(
    ws: Workspace, request: dict[str, Any], body: dict[str, Any]
) -> list[str]:
    record = ws.views.get(request["view"]["id"])
    action = body.get("response_action")
    if action == "errors":
        return _error_problems(request["view"], body.get("errors"))
    if action in ("update", "push"):
        problems = check_view(body.get("view"), ("modal",))
        if problems or record is None:
            return problems
        if action == "update":
            replace(ws, record, body["view"], "response_action")
        else:
            pushed = ViewRecord(
                ws.ids.new("V"),
                record.user,
                body["view"],
                "views.push",
                record.hash,
                record.root_view_id or record.id,
            )
            ws.views[pushed.id] = pushed
            ws.view_log.append(pushed)
        return []
    if action == "clear":
        for view in ws.views.values():
            if view.user == request["user"]["id"]:
                view.closed = True
        return []
    if action is not None:
        return [f"unknown response_action {action!r}"]
    # An ack without response_action closes the modal.
    if record is not None:
        record.closed = True
    return []


def _error_problems(view: dict[str, Any], errors: Any) -> list[str]:
    """Slack maps each error to an input block by block_id and rejects anything else."""
    if not isinstance(errors, dict) or not errors:
        return ["response_action=errors needs a non-empty errors object"]
    input_ids = {b.get("block_id") for b in view.get("blocks", []) if b.get("type") == "input"}
    problems = [
        f"errors key {key!r} is not an input block_id of the view"
        for key in errors
        if key not in input_ids
    ]
    problems += [
        f"errors[{key!r}] must be a string"
        for key, message in errors.items()
        if not isinstance(message, str)
    ]
    return problems
