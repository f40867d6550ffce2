"""What a reader sees of the Markdown the page sends, read independently of our escaping:
markdown-it-py (CommonMark, with GitHub's tables and strikethrough) renders it to HTML.

For tests that check user text is shown as written (AppTest gives an element's Markdown
source, not what the browser draws). The browser test checks Streamlit's own renderer.
"""
from __future__ import annotations

from html.parser import HTMLParser

from markdown_it import MarkdownIt

from playground.plain_text import WORD_JOINER

_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


class _Reader(HTMLParser):
    """The text and the tags (with their attributes) of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def read(markdown: str, keep_joiners: bool = False) -> tuple[str, list[tuple[str, dict]]]:
    """(text as shown with whitespace runs as one space, [(tag, attributes), ...]).

    keep_joiners: keep the invisible word joiners (the text as Streamlit's plugins see it).
    """
    reader = _Reader()
    reader.feed(_MARKDOWN.render(markdown))
    text = "".join(reader.text)
    if not keep_joiners:
        text = text.replace(WORD_JOINER, "")
    return " ".join(text.split()), reader.tags


def shown(markdown: str) -> str:
    """The characters a reader sees (whitespace runs as one space)."""
    return read(markdown)[0]


def markup_tags(markdown: str) -> list[str]:
    """Every tag the Markdown makes besides the paragraph around it (links, images,
    emphasis, code, headings, lists, tables, raw HTML...)."""
    return [tag for tag, _ in read(markdown)[1] if tag != "p"]
