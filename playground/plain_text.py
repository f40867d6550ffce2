"""Text from users (URL values, experiment files, CSV column names, class labels, file
names, and any message that quotes them) made plain for the two renderers that would
otherwise read it as markup: Streamlit's Markdown and Plotly's text.

A shared link is opened by a whole class, so nothing in it may put a link, an image (a
request to a foreign host), a colour, a formula or a styled word on the page: what the
user wrote is shown character for character.

- ``plain_markdown(text)``: for ``st.error``/``st.warning``/``st.info``/``st.caption``/
  ``st.markdown`` and ``st.table`` cells, which all render GitHub-flavoured Markdown with
  Streamlit's extras (``:red[...]`` directives, ``$...$`` KaTeX, ``:emoji:`` and
  ``:material/icon:`` shortcodes). Every ASCII punctuation character is backslash-escaped
  (CommonMark lets any of them be escaped, and the escape shows the character itself), so
  no link, image, HTML tag, emphasis, table, heading, list, formula or directive can
  start. Streamlit then rewrites the parsed text once more, where the escapes are gone
  (shortcodes, bare URLs and e-mail addresses become links, "->" becomes an arrow); an
  invisible WORD JOINER (U+2060) between the two characters that would start such a
  rewrite keeps them apart without changing what is seen.
- ``plain_plotly(text)``: for trace names, hover text, tick labels, titles, annotations
  and table cells of a Plotly figure, which read a subset of HTML (``<b>``, ``<br>``,
  ``<a href>``, ``<span style>``), HTML entities and ``%{...}`` templates. ``&``, ``<``,
  ``>`` and ``%`` become character references, which Plotly decodes for display only.
"""
from __future__ import annotations

import re

WORD_JOINER = "\u2060"

# Every ASCII punctuation character: ! " # $ % & ' ( ) * + , - . / : ; < = > ? @ [ \ ] ^ _ `
# { | } ~ (CommonMark 2.4: any of them may be backslash-escaped and then shows as itself).
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Where Streamlit's renderer rewrites parsed text (after the escapes are gone):
#   ":" then a word character or "/": emoji, :material_icon:, :streamlit:, "https://"
#   "@": e-mail addresses become mailto: links
#   "www" then ".": bare www. addresses become links
#   "->", "<-", "<->", "--", ">=", "<=", "~=": arrows, dashes and relation signs
_TEXT_REWRITE_STARTS = re.compile(r"(?<=:)(?=[\w+/-])|(?=@)|(?<=www)(?=\.)|(?<=[<>~-])(?=[->=])",
                                  re.IGNORECASE)

# Plotly reads these in text: tags (<b>, <a href>), entities (&lt;), templates (%{x}).
_PLOTLY_REFERENCES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;"})


def plain_markdown(text: object) -> str:
    """``text`` (any object, as ``str``) as Markdown that Streamlit shows as exactly these
    characters: no link, image, HTML, formula, colour, emoji or other formatting."""
    joined = _TEXT_REWRITE_STARTS.sub(WORD_JOINER, str(text))
    return _ASCII_PUNCTUATION.sub(r"\\\1", joined)


def plain_plotly(text: object) -> str:
    """``text`` (any object, as ``str``) as Plotly text that is drawn as exactly these
    characters: no tag, link, line break, entity or template is read from it."""
    return str(text).translate(_PLOTLY_REFERENCES)


def plain_plotly_list(texts) -> list[str]:
    """``plain_plotly`` of each item (class names, feature names, ...)."""
    return [plain_plotly(text) for text in texts]
