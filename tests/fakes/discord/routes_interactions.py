"""Interaction callbacks and the interaction webhook (follow-ups, @original)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .errors import (
    ALREADY_ACKNOWLEDGED,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    DiscordHTTPError,
    FormErrors,
    json_response,
    not_found,
)
from .models import RecordedMessage
from .routes_core import as_int, body_of
from .state import InteractionRecord
from .validate_messages import EPHEMERAL, INTERACTION_FLAGS, LOADING, validate_message
from .validate_modals import validate_modal

if TYPE_CHECKING:
    from .server import FakeDiscord

MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL = 4, 5, 6, 7, 9
AUTOCOMPLETE_RESULT = 8
# Which callback types Discord accepts for each interaction type.
ALLOWED_CALLBACKS = {
    2: {MESSAGE, DEFERRED_MESSAGE, MODAL},  # APPLICATION_COMMAND
    3: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},  # MESSAGE_COMPONENT
    4: {AUTOCOMPLETE_RESULT},  # APPLICATION_COMMAND_AUTOCOMPLETE
    5: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},  # MODAL_SUBMIT
}


def add_routes(app: web.Application, fake: FakeDiscord) -> None:
    """Register /interactions and /webhooks routes (token-authenticated, no bot auth)."""
    state = fake.state
    api = "/api/v10"

    async def callback(request: web.Request) -> web.Response:
        record = state.interactions.get(as_int(request.match_info["interaction_id"]))
        if record is None or record.token != request.match_info["token"]:
            raise not_found("interaction", UNKNOWN_INTERACTION)
        # The initial response must arrive within 3 seconds of the interaction.
        if time.monotonic() - record.dispatched_at > fake.interaction_timeout:
            raise not_found("interaction", UNKNOWN_INTERACTION)
        if record.response_type is not None:
            raise DiscordHTTPError(
                400, ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged."
            )
        body = body_of(request)
        kind = body.get("type") if isinstance(body, dict) else None
        if kind not in ALLOWED_CALLBACKS[record.type]:
            errors = FormErrors()
            errors.add(
                ("type",),
                "INTERACTION_CALLBACK_TYPE_INVALID",
                f"Interaction callback type {kind} is not valid for this interaction",
            )
            errors.raise_if_any()
        message = _apply_callback(fake, record, kind, body.get("data"))
        record.response_type = kind
        record.answered_at = time.monotonic()
        if record.callback is not None and not record.callback.done():
            record.callback.set_result(body)
        if request.query.get("with_response") not in ("1", "true", "True"):
            return web.Response(status=204)
        return json_response(_callback_response(fake, record, kind, message))

    def webhook_record(request: web.Request) -> InteractionRecord:
        token = request.match_info["token"]
        record = next((r for r in state.interactions.values() if r.token == token), None)
        if (
            as_int(request.match_info["app_id"]) != state.app_id
            or record is None
            or record.response_type is None
        ):
            # Until the interaction is acknowledged its webhook does not exist.
            raise not_found("Webhook", UNKNOWN_WEBHOOK)
        return record

    def target(request: web.Request, record: InteractionRecord) -> RecordedMessage:
        wanted = request.match_info["message_id"]
        message_id = record.original_message_id if wanted == "@original" else as_int(wanted)
        if message_id is None or (
            message_id != record.original_message_id and message_id not in record.followup_ids
        ):
            raise not_found("Message", UNKNOWN_MESSAGE)
        return state.message(message_id)

    async def followup(request: web.Request) -> web.Response:
        record = webhook_record(request)
        body = body_of(request)
        validate_message(body, creating=True, allowed_flags=INTERACTION_FLAGS)
        original = state.messages.get(record.original_message_id or 0)
        if record.response_type == DEFERRED_MESSAGE and original and original.flags & LOADING:
            # The first follow-up after a "thinking" defer replaces the loading message;
            # its ephemerality was fixed by the defer.
            state.edit_message(original, {**body, "flags": (body.get("flags") or 0) & ~EPHEMERAL})
            original.flags &= ~LOADING
            message = original
        else:
            message = state.add_message(
                record.channel_id, body, state.bot.id, "followup", record.id
            )
            record.followup_ids.append(message.id)
        if request.query.get("wait") in ("1", "true", "True"):
            return json_response(state.message_payload(message))
        return web.Response(status=204)

    async def get_message(request: web.Request) -> web.Response:
        return json_response(state.message_payload(target(request, webhook_record(request))))

    async def edit_message(request: web.Request) -> web.Response:
        message = target(request, webhook_record(request))
        body = body_of(request)
        validate_message(body, creating=False, allowed_flags=INTERACTION_FLAGS)
        state.edit_message(message, body)
        message.flags &= ~LOADING
        return json_response(state.message_payload(message))

    async def delete_message(request: web.Request) -> web.Response:
        target(request, webhook_record(request)).deleted = True
        return web.Response(status=204)

    hook = f"{api}/webhooks/{{app_id}}/{{token}}"
    app.router.add_post(f"{api}/interactions/{{interaction_id}}/{{token}}/callback", callback)
    app.router.add_post(hook, followup)
    app.router.add_get(hook + "/messages/{message_id}", get_message)
    app.router.add_patch(hook + "/messages/{message_id}", edit_message)
    app.router.add_delete(hook + "/messages/{message_id}", delete_message)


def _apply_callback(
    fake: FakeDiscord, record: InteractionRecord, kind: int, data: Any
) -> RecordedMessage | None:
    """Validate the callback data and apply its effect; return the affected message."""
    state = fake.state
    if kind == MESSAGE:
        validate_message(data, creating=True, allowed_flags=INTERACTION_FLAGS, prefix=("data",))
        message = state.add_message(record.channel_id, data, state.bot.id, "interaction", record.id)
        record.original_message_id = message.id
        return message
    if kind == DEFERRED_MESSAGE:
        flags = (data or {}).get("flags") or 0
        if flags & ~EPHEMERAL:
            errors = FormErrors(("data",))
            errors.add(("flags",), "MESSAGE_FLAGS_INVALID", "Invalid message flags.")
            errors.raise_if_any()
        # A deferred response shows a "thinking" message (LOADING) until edited.
        message = state.add_message(
            record.channel_id,
            {"flags": (flags & EPHEMERAL) | LOADING},
            state.bot.id,
            "interaction",
            record.id,
        )
        record.original_message_id = message.id
        return message
    if kind == DEFERRED_UPDATE and record.source_message_id is None:
        return None  # e.g. a modal submitted from a slash command: just closes the modal
    if kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
        if record.source_message_id is None:
            # UPDATE_MESSAGE needs a message the interaction came from.
            errors = FormErrors()
            errors.add(
                ("type",),
                "INTERACTION_CALLBACK_TYPE_INVALID",
                "This interaction has no message to update",
            )
            errors.raise_if_any()
        message = state.message(record.source_message_id or 0)
        if kind == UPDATE_MESSAGE:
            validate_message(
                data or {}, creating=False, allowed_flags=INTERACTION_FLAGS, prefix=("data",)
            )
            state.edit_message(message, data or {})
        record.original_message_id = message.id
        return message if kind == UPDATE_MESSAGE else None
    if kind == AUTOCOMPLETE_RESULT:
        _validate_choices(data or {})
        return None
    validate_modal(data)
    record.modal = data
    return None


def _validate_choices(data: dict[str, Any]) -> None:
    # Discord allows at most 25 suggestions, each named with 1 to 100 characters.
    errors = FormErrors(("data",))
    choices = data.get("choices")
    if not isinstance(choices, list) or len(choices) > 25:
        errors.add(("choices",), "BASE_TYPE_MAX_LENGTH", "Must be a list of 25 or fewer.")
    for index, choice in enumerate(choices or []):
        if not 1 <= len(str(choice.get("name", ""))) <= 100:
            errors.add(("choices", index, "name"), "BASE_TYPE_BAD_LENGTH", "Must be 1-100.")
    errors.raise_if_any()


def _callback_response(
    fake: FakeDiscord, record: InteractionRecord, kind: int, message: RecordedMessage | None
) -> dict[str, Any]:
    """The `?with_response=true` body: {interaction: {...}, resource: {...}}."""
    interaction: dict[str, Any] = {
        "id": str(record.id),
        "type": record.type,
        "channel_id": str(record.channel_id),
        **({"guild_id": str(record.guild_id)} if record.guild_id else {}),
    }
    body: dict[str, Any] = {"interaction": interaction}
    if message is not None:
        interaction["response_message_id"] = str(message.id)
        interaction["response_message_loading"] = bool(message.flags & LOADING)
        interaction["response_message_ephemeral"] = bool(message.flags & EPHEMERAL)
        body["resource"] = {"type": kind, "message": fake.state.message_payload(message)}
    return body
