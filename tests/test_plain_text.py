"""plain_markdown and plain_plotly: user text is shown as its characters and never read as
markup (links, images, HTML, KaTeX, colours, shortcodes; Plotly tags, entities, templates).

Markdown is read back with markdown-it-py (an independent CommonMark renderer); what only
Streamlit does (KaTeX, directives, shortcodes, bare links, arrows) is checked against the
patterns Streamlit 1.67's renderer uses, and in a real browser by tests/e2e.
"""
from __future__ import annotations

import re

import pytest

from playground.plain_text import WORD_JOINER, plain_markdown, plain_plotly
from tests.shown_text import markup_tags, read, shown

# Every kind of markup a link, a file or a column name could carry.
PAYLOADS = [
    "[Click here to log in](https://evil.example/login)",
    "![px](http://evil.example/t.png)",
    "<img src=http://evil.example/i.png> <b>bold</b> <a href='https://evil.example'>a</a>",
    "<https://evil.example/auto> https://evil.example/x www.evil.example me@evil.example",
    ":red[alarm] :blue-background[x] :orange-badge[b] :small[s] :help[tip]",
    ":material/home: :material_home: :smile: :streamlit: :+1:",
    "$x^2$ and $$y$$ and \\$z\\$",
    "**strong** _em_ ~~del~~ `code` # not a heading",
    "a -> b <- c <-> d -- e >= f <= g ~= h",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "&amp; &lt;b&gt; &#x41; \\ one backslash \\\\ two",
    "1. list\n- item\n> quote\n    indented",
    "[ref]: https://evil.example\n[ref]",
    "%{x} %s {0} <br> &nbsp;",
    "# heading\n===\n---",
    "plain words, with a comma; nothing else",
]
ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def unescaped_punctuation(source: str) -> list[str]:
    """ASCII punctuation in ``source`` that no backslash escapes (each could start
    markup: a link, a formula, a directive...)."""
    found, i = [], 0
    while i < len(source):
        if source[i] == "\\" and i + 1 < len(source) and source[i + 1] in ASCII_PUNCTUATION:
            i += 2
            continue
        if source[i] in ASCII_PUNCTUATION:
            found.append(source[i])
        i += 1
    return found


# What Streamlit 1.67's Markdown renderer rewrites in the parsed text, where escapes are
# gone (static/js/StreamlitMarkdown.*.js and the remark plugins it loads).
STREAMLIT_TEXT_REWRITES = {
    "emoji shortcode": re.compile(r":[\w+-][\w_+-]*:"),
    "material icon": re.compile(r":material_\w+:"),
    "Streamlit logo": re.compile(r":streamlit:"),
    "bare link": re.compile(r"(https?://|www(?=\.))", re.IGNORECASE),
    "e-mail link": re.compile(r"[-.\w+]+@[-\w]+"),
    "arrow or sign": re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),
}


@pytest.mark.parametrize("text", PAYLOADS)
def test_markdown_shows_the_characters_and_makes_no_markup(text):
    source = plain_markdown(text)
    assert shown(source) == " ".join(text.split())
    assert markup_tags(source) == []
    assert unescaped_punctuation(source) == []


@pytest.mark.parametrize("text", PAYLOADS)
def test_markdown_text_is_safe_from_streamlits_rewrites(text):
    parsed = read(plain_markdown(text), keep_joiners=True)[0]
    for what, pattern in STREAMLIT_TEXT_REWRITES.items():
        assert not pattern.search(parsed), f"{what} in {parsed!r}"
    assert shown(plain_markdown(text)) == parsed.replace(WORD_JOINER, "")


# Streamlit-only syntax in the Markdown source (markdown-it does not know it).
STREAMLIT_SYNTAX = {"directive": re.compile(r":[a-z][a-z0-9-]*\["),
                    "KaTeX": re.compile(r"(?<!\\)\$[^$\s][^$]*\$")}


@pytest.mark.parametrize("text", PAYLOADS[:-1])
def test_each_payload_is_markup_without_the_helper(text):
    """Sent as it is, each payload (but the plain words) is read as markup: else the tests
    above prove nothing."""
    read_as_markup = (markup_tags(text) or shown(text) != " ".join(text.split())
                      or any(p.search(text) for p in STREAMLIT_TEXT_REWRITES.values())
                      or any(p.search(text) for p in STREAMLIT_SYNTAX.values()))
    assert read_as_markup
    assert unescaped_punctuation(text)


def test_markdown_takes_any_object_and_keeps_plain_words():
    assert plain_markdown(3.5) == "3\\.5"
    assert plain_markdown("just words") == "just words"
    assert shown(plain_markdown("naïve café → ü")) == "naïve café → ü"


# ----- Plotly ----------------------------------------------------------------------------
# plotly.js (src/lib/svg_text_utils.js) reads entities like this before drawing text.
PLOTLY_ENTITIES = {"mu": "μ", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0",
                   "times": "×", "plusmn": "±", "deg": "°"}
PLOTLY_ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")


def plotly_shows(text: str) -> str:
    def decode(match):
        ref = match.group(1)
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
        return PLOTLY_ENTITIES.get(ref, match.group(0))
    return PLOTLY_ENTITY.sub(decode, text)


PLOTLY_PAYLOADS = ["<b>x</b>", "<a href='https://evil.example'>y</a>", "a<br>b",
                   "%{x} %{text}", "&lt;b&gt; &amp;amp; &#60;", "<span style='color:red'>r</span>",
                   "5 < 6 > 4 & 100%"]


@pytest.mark.parametrize("text", PLOTLY_PAYLOADS)
def test_plotly_text_is_drawn_as_written(text):
    escaped = plain_plotly(text)
    assert plotly_shows(escaped) == text
    assert "<" not in escaped and ">" not in escaped and "%" not in escaped
    assert re.sub(PLOTLY_ENTITY, "", escaped).count("&") == 0   # every & starts an entity
