"""Hostile playground input, seeded: junk for every command, parameter, setting and meta-command."""

from __future__ import annotations

import random

from bot.adapters.console_meta import QUIT
from bot.commands import CommandSpec, Param
from bot.configstore import ConfigStore
from cogs import build_registry
from config.community import build_config, settable_keys

MEMBERS = ("owner", "alice", "bob", "carol", "dee")
MODERATORS = ("bob",)
# Lines of bytes that are not UTF-8, as a pipe may carry them.
UNDECODABLE = (b"/kudos @alice \xff\xfe thanks", b"\xc3(", b":as \xed\xa0\x80", b":say \x80")
# What a line may hold. No "\r" or "\n": the console reads a line per one, so they would only
# split a line in two (and might make a bare :quit out of the halves).
UNICODE = (
    "\u202e",  # right-to-left override
    "\u2066x\u2069",
    "\u200f",
    "\u061c",
    "\x00",
    "\x07",
    "\x1b[31mred\x1b[0m",
    "\x7f",
    "\x85",
    "\u2028",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2060",
    "e\u0301",
    "Z\u0337\u0322\u034e\u0353\u0301\u0300",
    "\u0301",
    "🙂",
    "👩‍👩‍👧",
    "🏳️‍🌈",
    "漢字",
    "مرحبا",
    "＠everyone",
    "\ue000U1\ue001alice\ue002",  # the bot's own mention markers, typed by a member
    "\ue001",
    "\U0010ffff",
    "\ufffd",
    "Ⅻ",
    "ß",
    "İ",
    "\t",
)
MENTIONS = (
    "@everyone",
    "@here",
    "@channel",
    "@everyone_",
    "@here1",
    "@EVERYONE",
    "@@here",
    "`@everyone`",
    "**@here**",
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S1>",
    "<!subteam^S1|@team>",
    "<!date^1^{date}|x>",
    "<@U123|x>",
    "<@U123|@everyone>",
    "<@123>",
    "<@!123>",
    "<@&123>",
    "<#C123>",
    "<#C123|general>",
    "<#123>",
    "<t:1:R>",
    "<a:x:1>",
    "\\<#C1>",
    "\\\\<!here>",
    "<<@&1>>",
)
MARKDOWN = (
    "[x](https://evil)",
    "[@everyone](http://e)",
    "[x](javascript:alert(1))",
    "[<!here>](https://e)",
    "](",
    "[[x]]",
    "**",
    "__x__",
    "~~",
    "||spoiler||",
    "> quote",
    "# heading",
    "```code```",
    "`",
    "\\",
    "\\\\",
    "- item",
    "1. item",
    "&amp;",
    "<b>",
)
QUOTES = (
    '"balanced"',
    '"unbalanced',
    "'single",
    "“curly”",
    "„low“",
    "“open",
    "'",
    '""',
    '"',
    "”close",
    '"@everyone"',
    "'it's'",
)
NUMBERS = (
    "9" * 5000,
    "--5",
    "²",
    "١٢",
    "1e9",
    "0x10",
    "-0",
    "+5",
    "0",
    "-1",
    "99999999999999999999",
    "1_000",
    "٣",
    "½",
    "NaN",
    "inf",
    "3",
    "5",
)
KEY_VALUES = (
    "key=value",
    "about=",
    "page_size=9",
    "=x",
    "a=b=c",
    'x="y',
    "member=@everyone",
    'reason="@here"',
    "_=1",
    "ABOUT=x",
    "can_help=" + "h" * 400,
)
NAMES = ("@alice", "@bob", "@owner", "@ghost", "@Alice", "@alice,", "@", "@@", "@" + "a" * 200)
PIECES = (UNICODE, MENTIONS, MARKDOWN, QUOTES, NUMBERS, KEY_VALUES, NAMES)
SETTING_VALUES = ("5", "yes", "no", "UTC", "Europe/Paris", "general", "#general", "@everyone hi")


class Hostile:
    """Builds command lines from the real registry, filled with junk, from a fixed seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.registry = build_registry(ConfigStore())
        self.keys = settable_keys(build_config({}))

    def junk(self, most: int = 4) -> str:
        """A few pieces of hostile text, mostly with spaces between them."""
        count = self.rng.randint(1, most)
        pieces = [self.rng.choice(self.rng.choice(PIECES)) for _ in range(count)]
        glue = self.rng.choice((" ", " ", " ", ""))
        return glue.join(pieces)

    def value(self, param: Param) -> str:
        """A value for a parameter: sometimes right, mostly the wrong type or junk."""
        fits: list[str] = []
        if param.kind.__name__ == "Member":
            fits = list(NAMES[:4])
        elif param.choices:
            fits = list(param.choices)
        elif param.kind is int:
            fits = ["3"]
        pick = self.rng.random()
        if fits and pick < 0.4:
            return self.rng.choice(fits)
        if pick < 0.55:
            return self.rng.choice(NUMBERS)
        return self.junk()

    def command(self, spec: CommandSpec) -> str:
        """The command with each parameter given junk, positionally or as key=value."""
        words = [f"/{spec.name}"]
        for param in spec.params:
            if self.rng.random() < 0.15:
                continue  # a missing argument
            given = self.value(param)
            if param.form_field or self.rng.random() < 0.15:
                quoted = self.rng.random() < 0.5
                given = f'{param.name}="{given}"' if quoted else f"{param.name}={given}"
            words.append(given)
        if self.rng.random() < 0.2:
            words.append(self.junk(2))  # junk after the arguments
        return " ".join(words)

    def meta(self) -> str:
        """A meta-command with a good, odd or junk argument."""
        verb = self.rng.choice(
            ("as", "join", "leave", "say", "mod", "unmod", "click", "clock", "run", "home", "help")
        )
        good = {
            "as": MEMBERS,
            "join": MEMBERS,
            "leave": ("carol", "dee"),
            "say": ("hello",),
            "mod": MODERATORS,
            "unmod": ("dee",),
            "click": ("1", "2", "3"),
            "clock": ("+1h", "+2m", "+1d", "-1h", "2026-12-01T09:00"),
            "run": ("flush_activity", "badge_recheck", ""),
            "home": ("",),
            "help": ("",),
        }[verb]
        arg = self.rng.choice(good) if self.rng.random() < 0.5 else self.junk(3)
        case = verb.upper() if self.rng.random() < 0.05 else verb
        return f":{case} {arg}".rstrip()

    def form_answers(self) -> list[str]:
        """Answers to a form that may be open: junk, empty lines, or a line that moves on."""
        answers = [
            "" if self.rng.random() < 0.2 else self.junk().lstrip("/:")
            for _ in range(self.rng.randint(0, 4))
        ]
        return answers

    def lines(self, count: int) -> list[str]:
        """About `count` lines: set-up, then a random mix, then every setting given junk."""
        script = [":join alice", ":join bob", ":mod bob", ":join carol"]
        specs = list(self.registry.commands.values())
        script.append(":as bob")
        for spec in specs:  # every parameter of every command gets junk, then the mix
            script.extend(self.command(spec) for _ in range(5))
        for key in self.keys:
            script.append(f":as {self.rng.choice(('owner', 'bob'))}")
            script.append(f"/config set {key} {self.rng.choice((*SETTING_VALUES, self.junk()))}")
        while len(script) < count:
            pick = self.rng.random()
            if pick < 0.55:
                script.append(self.command(self.rng.choice(specs)))
                script.extend(self.form_answers())
            elif pick < 0.85:
                script.append(self.meta())
                script.extend(self.form_answers() if script[-1].startswith(":click") else [])
            elif pick < 0.95:
                script.append(self.junk())  # a line that is neither a command nor meta
            else:
                script.append(f"/config set {self.rng.choice(self.keys)} {self.junk()}")
        return [line for line in script if not _quits(line)]


def _quits(line: str) -> bool:
    """Whether the playground would stop reading at this line."""
    parts = line.strip()[1:].split(maxsplit=1) if line.strip().startswith(":") else []
    return len(parts) == 1 and parts[0].lower() in QUIT
