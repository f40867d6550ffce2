"""Every message, caption and table the page shows, as plain text.

Messages quote what users wrote (URL values, experiment and CSV file names, column names,
class labels), and Streamlit renders Markdown in all of these elements, so each one goes
through ``plain_markdown`` here: a link, image, colour or formula written into a shared
link shows as its characters and loads nothing. No other module of ``playground.ui`` calls
``st.error``/``st.warning``/``st.info``/``st.success``/``st.caption``/``st.markdown``/
``st.table`` (tests/ui/test_plain_text.py checks).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from playground.plain_text import plain_markdown

if TYPE_CHECKING:
    import pandas as pd


class Bold(str):
    """A part of a message shown in bold (its characters are still shown as written)."""


def markdown_of(parts: tuple[str, ...]) -> str:
    """Message parts -> Markdown: each part plain, a ``Bold`` part inside ``**``."""
    return "".join(f"**{plain_markdown(part)}**" if isinstance(part, Bold)
                   else plain_markdown(part) for part in parts)


def show_error(*parts: str) -> None:
    st.error(markdown_of(parts))


def show_warning(*parts: str) -> None:
    st.warning(markdown_of(parts))


def show_folded_warnings(warnings: list[str]) -> None:
    """Warnings about values a link or a file had to change, folded into one line (read on
    demand)."""
    count = len(warnings)
    label = (f":material/warning: {count} value{'s' if count != 1 else ''} from the link "
             "or file had to change (open to read)")
    with st.expander(label, expanded=False):
        for warning in warnings:
            show_warning(warning)


def show_info(*parts: str) -> None:
    st.info(markdown_of(parts))


def show_success(*parts: str) -> None:
    st.success(markdown_of(parts))


def show_caption(*parts: str) -> None:
    st.caption(markdown_of(parts))


def show_formula(latex: str) -> None:
    """A formula written by ``playground.viz`` (neuron.py, landscape.py): LaTeX whose
    names from the data went through ``viz.neuron.TEXT_ESCAPES``, numbers formatted there."""
    st.latex(latex)


def show_heading(text: str, level: int = 2) -> None:
    st.markdown(f"{'#' * level} {plain_markdown(text)}")


def show_bullets(lines: list[str]) -> None:
    """One bullet per line (e.g. the preprocessing report, which names columns and classes)."""
    for line in lines:
        st.markdown(f"- {plain_markdown(line)}")


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its column names and text cells made plain (``st.table`` renders
    Markdown in both); numeric columns are left as they are."""
    from pandas.api.types import is_numeric_dtype
    shown = frame.copy()
    shown.columns = [plain_markdown(name) for name in frame.columns]
    for j in range(shown.shape[1]):
        column = shown.iloc[:, j]
        if not is_numeric_dtype(column):
            shown.iloc[:, j] = [v if v is None else plain_markdown(v) for v in column]
    return shown


def show_table(frame: pd.DataFrame) -> None:
    st.table(plain_frame(frame))
