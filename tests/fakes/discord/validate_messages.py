"""Discord's limits on message bodies, embeds and components (modals: validate_modals)."""

from __future__ import annotations

from typing import Any

from .errors import EMPTY_MESSAGE, DiscordHTTPError, FormErrors

Path = tuple[str | int, ...]

# Message flags a bot may set (SUPPRESS_EMBEDS, EPHEMERAL, SUPPRESS_NOTIFICATIONS,
# IS_COMPONENTS_V2); EPHEMERAL only makes sense on interaction responses.
SUPPRESS_EMBEDS = 1 << 2
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15
CHANNEL_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
INTERACTION_FLAGS = CHANNEL_FLAGS | EPHEMERAL

BUTTON, STRING_SELECT, TEXT_INPUT = 2, 3, 4
SELECTS = {3, 5, 6, 7, 8}
LINK_STYLE, PREMIUM_STYLE = 5, 6


def validate_message(
    body: Any, *, creating: bool, allowed_flags: int, prefix: Path = (), files: int = 0
) -> None:
    """Raise like Discord for an invalid create/edit message body (`files`: parts uploaded)."""
    if not isinstance(body, dict):
        raise DiscordHTTPError(400, 50109, "The request body contains invalid JSON.")
    errors = FormErrors(prefix)
    content = body.get("content")
    if content is not None and not isinstance(content, str):
        errors.add(("content",), "BASE_TYPE_STRING", "Must be a string.")
    errors.max_length(("content",), content, 2000)
    embeds = body.get("embeds") or []
    errors.max_items(("embeds",), embeds, 10)
    _check_embeds(embeds[:10], errors)
    flags = body.get("flags") or 0
    if flags & ~allowed_flags:
        errors.add(("flags",), "MESSAGE_FLAGS_INVALID", "Invalid message flags.")
    components = body.get("components") or []
    if flags & IS_COMPONENTS_V2:
        # Components v2 messages may not carry content or embeds.
        if content or embeds:
            errors.add(
                ("content",),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "The 'content' and 'embeds' fields cannot be used with components v2.",
            )
        errors.max_items(("components",), components, 40)
    else:
        _check_action_rows(components, errors)
    _check_allowed_mentions(body.get("allowed_mentions"), errors)
    if creating:
        _check_nonce(body.get("nonce"), body.get("enforce_nonce"), errors)
    errors.raise_if_any()
    if creating and not (
        content
        or embeds
        or components
        or body.get("sticker_ids")
        or files
        or body.get("attachments")
        or body.get("poll")
    ):
        raise DiscordHTTPError(400, EMPTY_MESSAGE, "Cannot send an empty message")


def _check_nonce(nonce: Any, enforce: Any, errors: FormErrors) -> None:
    # A nonce is a 64-bit integer or a string of at most 25 characters.
    if nonce is None:
        pass
    elif isinstance(nonce, str):
        errors.max_length(("nonce",), nonce, 25)
    elif isinstance(nonce, bool) or not isinstance(nonce, int):
        errors.add(("nonce",), "NONCE_TYPE_INVALID", "Nonce must be an integer or a string.")
    elif not -(2**63) <= nonce < 2**63:
        errors.add(("nonce",), "NUMBER_TYPE_MAX", "int value should be <= 9223372036854775807.")
    if enforce is not None and not isinstance(enforce, bool):
        errors.add(("enforce_nonce",), "BASE_TYPE_BOOLEAN", "Must be either true or false.")


def _check_embeds(embeds: list[Any], errors: FormErrors) -> None:
    total = 0
    for i, embed in enumerate(embeds):
        at: Path = ("embeds", i)
        if not isinstance(embed, dict):
            errors.add(at, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        title, description = embed.get("title") or "", embed.get("description") or ""
        errors.max_length((*at, "title"), title, 256)
        errors.max_length((*at, "description"), description, 4096)
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        errors.max_length((*at, "footer", "text"), footer, 2048)
        errors.max_length((*at, "author", "name"), author, 256)
        total += len(title) + len(description) + len(footer) + len(author)
        fields = embed.get("fields") or []
        errors.max_items((*at, "fields"), fields, 25)
        for j, fld in enumerate(fields):
            name, value = fld.get("name"), fld.get("value")
            errors.length_between((*at, "fields", j, "name"), name, 1, 256)
            errors.length_between((*at, "fields", j, "value"), value, 1, 1024)
            total += len(name or "") + len(value or "")
    # The 6000-character cap counts every embed of the message together.
    if total > 6000:
        errors.add(
            ("embeds",), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
        )


def _check_action_rows(rows: list[Any], errors: FormErrors) -> None:
    errors.max_items(("components",), rows, 5)
    seen: set[str] = set()
    for i, row in enumerate(rows[:5]):
        at: Path = ("components", i)
        if not isinstance(row, dict) or row.get("type") != 1:
            # Top-level legacy components must be action rows.
            errors.add((*at, "type"), "UNION_TYPE_CHOICES", "Value must be one of {1}.")
            continue
        children = row.get("components") or []
        if not 1 <= len(children) <= 5:
            errors.add(
                (*at, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
            )
        if any(c.get("type") in SELECTS for c in children) and len(children) > 1:
            # A select menu takes a whole action row.
            errors.add(
                (*at, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for j, child in enumerate(children):
            _check_message_component(child, (*at, "components", j), seen, errors)


def _check_message_component(
    c: dict[str, Any], at: Path, seen: set[str], errors: FormErrors
) -> None:
    kind = c.get("type")
    custom_id = c.get("custom_id")
    if kind == BUTTON:
        errors.max_length((*at, "label"), c.get("label"), 80)
        style = c.get("style")
        if style == LINK_STYLE:
            # Link buttons open a URL and never send an interaction.
            if not c.get("url") or custom_id is not None:
                errors.add(
                    (*at, "url"),
                    "BUTTON_COMPONENT_URL_REQUIRED",
                    "A url is required, custom_id is not allowed",
                )
            return
        if style == PREMIUM_STYLE:
            return
        if not c.get("label") and not c.get("emoji"):
            errors.add(
                (*at, "label"),
                "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
                "A label or emoji is required",
            )
    elif kind in SELECTS:
        if kind == STRING_SELECT:
            options = c.get("options") or []
            if not 1 <= len(options) <= 25:
                errors.add(
                    (*at, "options"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length."
                )
        errors.max_length((*at, "placeholder"), c.get("placeholder"), 150)
    else:
        errors.add((*at, "type"), "UNION_TYPE_CHOICES", "Value must be one of {2, 3, 5, 6, 7, 8}.")
        return
    errors.length_between((*at, "custom_id"), custom_id, 1, 100)
    if isinstance(custom_id, str):
        if custom_id in seen:
            errors.add(
                (*at, "custom_id"),
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen.add(custom_id)


def _check_allowed_mentions(am: Any, errors: FormErrors) -> None:
    if not isinstance(am, dict):
        return
    parse = am.get("parse") or []
    for kind in parse:
        if kind not in ("roles", "users", "everyone"):
            errors.add(
                ("allowed_mentions", "parse"),
                "ENUM_TYPE_COERCE",
                f'Value "{kind}" is not a valid enum value.',
            )
    for key in ("users", "roles"):
        # Discord rejects a parse type combined with an explicit id list of the same kind.
        if key in parse and am.get(key):
            errors.add(
                ("allowed_mentions", key),
                "ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{key}"] and {key}: [ids...] are mutually exclusive.',
            )
        errors.max_items(("allowed_mentions", key), am.get(key), 100)
