"""Pages: the same model as chat text, Markdown and HTML, with written words escaped in each."""

from __future__ import annotations

from bot.digest import without_paused
from bot.pages import Line, Page, Section, to_chat, to_html, to_markdown

HOSTILE = "ana <script>alert(1)</script> @everyone **bold**"


def page() -> Page:
    """A page with a hostile line, a web link and a link that is not one."""
    return Page(
        "Digest <b>",
        "the week",
        [
            Section(
                "Kudos",
                [Line(HOSTILE, "https://example.org/a"), Line("bob", "javascript:alert(1)")],
            )
        ],
        footer="made by copbot",
    )


def test_html_escapes_written_words_and_links_only_the_web() -> None:
    html = to_html(page())
    assert html.startswith("<!DOCTYPE html>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://example.org/a">' in html
    assert "javascript:" not in html
    assert "<link" not in html and "src=" not in html  # self-contained: no external assets


def test_markdown_escapes_markup() -> None:
    text = to_markdown(page())
    assert "- [ana \\<script\\>alert\\(1\\)\\</script\\> @everyone \\*\\*bold\\*\\*]" in text
    assert "javascript" not in text


def test_chat_neutralises_mentions_and_clips_long_sections() -> None:
    long = Page("T", "s", [Section("Many", [Line(f"item {n}") for n in range(8)])])
    assert "@everyone" not in to_chat(page())
    assert to_chat(long).splitlines()[-1] == "- and 3 more"


def test_the_digest_drops_lines_crediting_a_paused_member_and_empty_sections() -> None:
    kept = Section(
        "Kept", [Line("ana", members=(1,)), Line("quill", members=(2,)), Line("a count")]
    )
    counted = Section("Counted", [Line("quill and ana", members=(2, 1))], "2 things")
    emptied = Section("Emptied", [Line("quill", members=(2,))])
    sections = without_paused([kept, counted, emptied], frozenset({2}))
    assert [(s.title, [line.text for line in s.lines], s.summary) for s in sections] == [
        ("Kept", ["ana", "a count"], ""),
        ("Counted", [], "2 things"),  # a summary is a count, not credit: it stays
    ]
    assert without_paused([kept], frozenset()) == [kept]
