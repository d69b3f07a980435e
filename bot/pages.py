"""Pages copbot writes for reading outside chat (the digest, an impact report): one model, three
renderings: chat text, Markdown, and one self-contained HTML page.

Text in a page is kept as it was written (a member's words, a title); each rendering escapes it
its own way, so nothing is escaped twice and nothing member-written is ever trusted as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from bot import render
from bot.commands import Member

_WEB = re.compile(r"https?://[^\s<>\"']+$", re.IGNORECASE)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


@dataclass(frozen=True)
class Line:
    """One item of a section: words as written, and a web link if it has one."""

    text: str
    link: str | None = None  # http or https only; anything else is dropped
    members: tuple[int, ...] = ()  # the members the line names or credits (for /privacy credit)

    @property
    def web_link(self) -> str | None:
        """The link, if it is a web address."""
        return self.link if self.link and _WEB.match(self.link) else None


@dataclass
class Section:
    """A titled list of lines (a feature's part of the page)."""

    title: str
    lines: list[Line] = field(default_factory=list)
    summary: str = ""  # one sentence above the lines, as written


@dataclass
class Page:
    """A digest or a report: a title, what it covers, and each feature's section."""

    title: str
    subtitle: str
    sections: list[Section] = field(default_factory=list)
    footer: str = ""


@dataclass
class Gathering:
    """Handed to `digest` and `impact` listeners: the period, whose page (None: everyone's)."""

    since: datetime  # aware UTC, inclusive
    until: datetime  # aware UTC, exclusive
    member: Member | None = None
    sections: list[Section] = field(default_factory=list)
    # Members who paused their public credit: a line naming several leaves them out by name.
    paused: frozenset[int] = frozenset()

    def add(self, title: str, lines: list[Line], summary: str = "") -> None:
        """One feature's section; an empty one is left out."""
        if lines or summary:
            self.sections.append(Section(title, lines, summary))


def to_chat(page: Page, *, most: int = 5) -> str:
    """The page as a chat message in the neutral Markdown subset (member text neutralised)."""
    out = [f"**{render.safe(page.title)}**", render.safe(page.subtitle)]
    for section in page.sections:
        out.append(f"**{render.safe(section.title)}**")
        if section.summary:
            out.append(render.safe(section.summary))
        for line in section.lines[:most]:
            link = line.web_link
            out.append(f"- {render.safe(line.text)}" + (f" ({link})" if link else ""))
        if len(section.lines) > most:
            out.append(f"- and {len(section.lines) - most} more")
    if page.footer:
        out.append(render.safe(page.footer))
    return "\n".join(out)


def to_markdown(page: Page) -> str:
    """The page as a Markdown document, every written word escaped."""
    out = [f"# {_md(page.title)}", "", _md(page.subtitle), ""]
    for section in page.sections:
        out += [f"## {_md(section.title)}", ""]
        if section.summary:
            out += [_md(section.summary), ""]
        for line in section.lines:
            link = line.web_link
            out.append(f"- [{_md(line.text)}](<{link}>)" if link else f"- {_md(line.text)}")
        out.append("")
    if page.footer:
        out.append(_md(page.footer))
    return "\n".join(out).rstrip() + "\n"


def to_html(page: Page) -> str:
    """The page as one self-contained HTML document (no external assets), autoescaped."""
    return _environment().get_template("page.html.j2").render(page=page)


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("bot", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
