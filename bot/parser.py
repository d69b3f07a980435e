"""The text parser shared by the console and Slack: a line becomes a command's arguments."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import render
from bot.commands import CommandSpec, Member, MemberRef, Param
from bot.errors import ParseError

_QUOTES = {'"': '"', "“": "”", "„": "“", "'": "'"}
_KEY = re.compile(r"([a-z_][a-z0-9_]*)=", re.IGNORECASE)
# Slack: <@U123|name> or <@U123>; Discord: <@123> or <@!123>.
_PLATFORM_MENTION = re.compile(r"<@!?([A-Z0-9]+)(?:\|([^>]*))?>", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    """One word or quoted phrase, with where it starts in the line."""

    text: str
    start: int
    raw: str
    key: str | None = None
    quoted: bool = False


def tokenize(line: str) -> list[Token]:
    """Split a line into words, "quoted phrases" and key=value pairs."""
    tokens: list[Token] = []
    position = 0
    while position < len(line):
        if line[position].isspace():
            position += 1
            continue
        start, key = position, None
        key_match = _KEY.match(line, position)
        if key_match:
            key, position = key_match.group(1).lower(), key_match.end()
        text, position, quoted = _read_value(line, position)
        tokens.append(Token(text, start, line[start:position], key, quoted))
    return tokens


def _read_value(line: str, position: int) -> tuple[str, int, bool]:
    if position < len(line) and line[position] in _QUOTES:
        closing = _QUOTES[line[position]]
        end = line.find(closing, position + 1)
        if end == -1 and line[position] == "'":
            pass  # an apostrophe that opens no phrase is just a letter
        elif end == -1:
            raise ParseError("A quote is not closed: add the closing quote mark.")
        else:
            return line[position + 1 : end], end + 1, True
    end = position
    while end < len(line) and not line[end].isspace():
        end += 1
    return line[position:end], end, False


def split_command(line: str, known: set[tuple[str, ...]]) -> tuple[tuple[str, ...], str]:
    """Find the longest known command path at the start of a line; return it and the rest."""
    words = line.split()
    for size in range(min(len(words), 3), 0, -1):
        path = tuple(word.lower() for word in words[:size])
        if path in known:
            rest = line
            for word in words[:size]:
                rest = rest[rest.index(word) + len(word) :]
            return path, rest.strip()
    return (), line


def parse_args(spec: CommandSpec, text: str) -> dict[str, object]:
    """Bind the text after a command's name to its parameters (values still raw)."""
    tokens = tokenize(text)
    values: dict[str, object] = {}
    positional = [p for p in spec.params if not p.rest and not p.form_field]
    rest = next((p for p in spec.params if p.rest), None)
    words: list[Token] = []  # unkeyed words a form command's first open field takes
    words_field: Param | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        param = spec.param(token.key) if token.key else None
        if param is not None and param.many:
            # `member=@bob` names one of a list: the list goes on with any mentions after it.
            listed = values.setdefault(param.name, [])
            assert isinstance(listed, list)
            listed.append(parse_member(token.text))
            index = _read_members(tokens, index + 1, listed, first=False)
            continue
        if param is not None and not param.rest:
            if param.name in values:
                raise ParseError(f"`{param.name}` is given twice.")
            values[param.name] = _raw_value(param.kind, token)
            index += 1
            continue
        if token.key is not None:
            token = Token(token.raw, token.start, token.raw)  # not one of ours: plain text
        target = _choice_for(positional, values, token) or next(
            (p for p in positional if _takes(p, values, token)), None
        )
        if target is not None and target.many:
            index = _read_members(tokens, index, values.setdefault(target.name, []))
            continue
        if target is not None:
            values[target.name] = _raw_value(target.kind, token)
            index += 1
            continue
        if rest is not None:
            values[rest.name] = _rest_of_line(text, tokens[index:])
            break
        words_field = words_field or _words_field(spec, values)
        if words_field is not None:
            words.append(token)
            index += 1
            continue
        raise ParseError(f"I don't know what to do with “{render.echo(token.text)}”.")
    if words_field is not None:
        if words_field.name in values:
            raise ParseError(f"`{words_field.name}` is given twice.")
        values[words_field.name] = _joined(words)
    return values


def _words_field(spec: CommandSpec, values: dict[str, object]) -> Param | None:
    """The form field plain words fill: the first not given by key (`/poll ask Which day?`)."""
    return next((p for p in spec.params if p.form_field and p.name not in values), None)


def _joined(words: list[Token]) -> str:
    if len(words) == 1 and words[0].quoted:
        return words[0].text
    return " ".join(token.raw for token in words)


def _choice_for(positional: list[Param], values: dict[str, object], token: Token) -> Param | None:
    """The unfilled choice parameter this word is one of, so choices may come in any order."""
    word = token.text.lower()
    for param in positional:
        free = param.choices and param.name not in values
        if free and word in (choice.lower() for choice in param.choices):
            return param
    return None


# Words that join names in a list of members: "@bob and @carol", "@bob & @carol", "@bob, @carol".
_JOINERS = {"and", "&", ",", "+", "und", "et", "y"}


def _read_members(tokens: list[Token], index: int, listed: object, *, first: bool = True) -> int:
    """Take member names from `index` on, across joiners and commas; return where text resumes."""
    assert isinstance(listed, list)
    while index < len(tokens):
        token = tokens[index]
        if not first and token.text.lower() in _JOINERS and not token.quoted:
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is None or not _looks_like_mention(following):
                break  # "… and thanks": the joiner starts the text
            index += 1
            continue
        if not first and not _looks_like_mention(token):
            break
        pieces = [p for p in token.text.split(",") if p.strip()] if not token.quoted else []
        names = pieces if pieces and all(_mention_like(p) for p in pieces[1:]) else [token.text]
        for name in names:
            listed.append(parse_member(name.strip().rstrip("&+")))
        first = False
        index += 1
    return index


def _takes(param: Param, values: dict[str, object], token: Token) -> bool:
    """Whether a positional parameter takes this word (a list of members takes mentions)."""
    if not param.many:
        return param.name not in values
    # Every mention is taken, even past the maximum, so the member hears "5 at most" rather
    # than finding the extra names swallowed into the text that follows.
    return not values.get(param.name) or _looks_like_mention(token)


def _looks_like_mention(token: Token) -> bool:
    return not token.quoted and _mention_like(token.text)


def _mention_like(text: str) -> bool:
    text = text.strip()
    return text.startswith("@") or bool(_PLATFORM_MENTION.match(text))


def _raw_value(kind: type, token: Token) -> object:
    if kind is Member:
        return parse_member(token.text)
    return token.text


def _rest_of_line(text: str, tokens: list[Token]) -> str:
    if len(tokens) == 1 and tokens[0].quoted and tokens[0].key is None:
        return tokens[0].text
    return text[tokens[0].start :].strip()


def parse_member(text: str) -> MemberRef:
    """Read a member written as @name, <@U123|name>, <@123> or a bare name."""
    match = _PLATFORM_MENTION.fullmatch(text.strip())
    if match:
        return MemberRef(external_id=match.group(1), name=match.group(2) or None)
    name = text.strip().lstrip("@")
    if not name:
        raise ParseError("Name a member, like @alice.")
    return MemberRef(name=name)


def mentions_of(ids: list[str]) -> str:
    """Picked members as a command would get them typed: <@id> mentions joined by ", "."""
    return ", ".join(f"<@{external_id}>" for external_id in ids if external_id)


def mentioned_ids(text: str) -> list[str]:
    """The platform ids of the <@id> mentions in text, in order (names typed as @ana have none)."""
    return list(dict.fromkeys(match.group(1) for match in _PLATFORM_MENTION.finditer(text)))
