"""Slack Web API method catalogue, read from the published OpenAPI 2 spec."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

SPEC_PATH = Path(
    os.environ.get("SLACK_OPENAPI_SPEC", "/work/shared/specs/slack-web-openapi-v2.json")
)

# The spec was last published in 2021; slack_sdk 3.48 names these newer arguments
# explicitly in its method signatures, so real Slack takes them today.
NEWER_ARGS: dict[str, frozenset[str]] = {
    "chat.postMessage": frozenset({"container_id", "markdown_text", "metadata"}),
    "chat.postEphemeral": frozenset({"markdown_text"}),
    "chat.update": frozenset({"file_ids", "markdown_text", "metadata", "reply_broadcast"}),
    "views.open": frozenset({"interactivity_pointer"}),
    "views.push": frozenset({"interactivity_pointer"}),
    "users.list": frozenset({"team_id"}),
    "team.info": frozenset({"domain", "include_slackbot_availability"}),
}

# Methods that came after the spec, as docs.slack.dev lists them: (arguments, required ones).
# Socket Mode's takes only the app-level token; the external upload pair replaced files.upload.
NEWER_METHODS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "apps.connections.open": (frozenset(), frozenset()),
    "files.getUploadURLExternal": (
        frozenset({"filename", "length", "alt_txt", "snippet_type"}),
        frozenset({"filename", "length"}),
    ),
    "files.completeUploadExternal": (
        frozenset({"files", "channel_id", "channels", "initial_comment", "thread_ts", "blocks"}),
        frozenset({"files"}),
    ),
}

# slack_sdk adds team_id to every call of a client built with team_id=... (bolt does so
# per request), and Slack accepts it everywhere for org-wide apps; token may ride in a form.
ALWAYS_ACCEPTED = frozenset({"team_id", "token"})


@dataclass(frozen=True)
class MethodSpec:
    """Argument names one Web API method takes, and which of them are required."""

    name: str
    args: frozenset[str]
    required: frozenset[str] = field(default_factory=frozenset)

    def unknown(self, given: set[str]) -> list[str]:
        """Argument names Slack would silently ignore."""
        return sorted(given - self.args - ALWAYS_ACCEPTED)

    def missing(self, given: set[str]) -> list[str]:
        """Required argument names that were not sent."""
        return sorted(self.required - given - {"token"})


@cache
def catalogue() -> dict[str, MethodSpec]:
    """Every method the spec (plus newer additions) defines, by name."""
    methods: dict[str, MethodSpec] = {}
    # Without the spec file there is nothing to check against; the fake then skips the check.
    paths = json.loads(SPEC_PATH.read_text())["paths"] if SPEC_PATH.exists() else {}
    for path, operations in paths.items():
        name = path.lstrip("/")
        args: set[str] = set()
        required: set[str] = set()
        for operation in operations.values():
            for param in operation.get("parameters", []):
                args.add(param["name"])
                if param.get("required"):
                    required.add(param["name"])
        args |= NEWER_ARGS.get(name, frozenset())
        methods[name] = MethodSpec(name, frozenset(args), frozenset(required))
    for name, (args, required) in NEWER_METHODS.items() if paths else ():
        methods[name] = MethodSpec(name, args, required)
    return methods


def method_spec(name: str) -> MethodSpec | None:
    """The spec of one method, or None when Slack has no such method."""
    return catalogue().get(name)
