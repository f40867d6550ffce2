"""Markup through every door of the app (URL values, experiment files, CSV column names,
class labels, file names) is shown as its characters: in messages, captions, the report,
the preview table and the charts. AppTest gives each element's Markdown source; it is read
back with markdown-it-py (tests/shown_text.py). tests/e2e/test_no_injected_markup.py opens
the same in a real browser.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from playground.config import to_json
from playground.plain_text import plain_plotly
from tests.shown_text import read, shown
from tests.test_plain_text import unescaped_punctuation

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")

LINK = "[Click here to log in](https://evil.example/login)"
PIXEL = "![px](http://evil.example/t.png)"
COLOUR_AND_KATEX = ":red[alarm] $x^2$"
HTML = "<a href='https://evil.example'>a</a>"
MARKDOWN_ELEMENTS = ("error", "warning", "info", "success", "caption", "markdown")


def new_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at.run()    # the board's "first chart shown" request, which AppTest cannot send


def page_markdown(at: AppTest) -> list[str]:
    return [element.value for kind in MARKDOWN_ELEMENTS for element in getattr(at, kind)]


def assert_shown_as_written(at: AppTest, texts: list[str]) -> None:
    """Each text is on the page as its characters, in an element with no markup."""
    assert not at.exception, [e.value for e in at.exception]
    sources = page_markdown(at)
    for source in sources:
        assert not [tag for tag, _ in read(source)[1] if tag in ("a", "img")], source
    for text in texts:
        holding = [s for s in sources if " ".join(text.split()) in shown(s)]
        assert holding, f"{text!r} is not shown; the page says {[shown(s) for s in sources]}"
        for source in holding:     # (a report line is a list item: "- " then the text)
            assert unescaped_punctuation(source.removeprefix("- ")) == [], source


def chart_strings(at: AppTest) -> list[str]:
    """Every string of every figure the live board sent."""
    from playground.ui.live_board import board_data
    element = next(e for e in at.get("bidi_component")
                   if e.proto.component_name.endswith("live_board"))
    found: list[str] = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    for row in board_data(element)["rows"]:
        for chart in row["charts"]:
            walk(json.loads(chart["figure"]))
    return found


def test_url_values_are_shown_as_written():
    at = new_app(noise=LINK, learning_rate=PIXEL, dataset=COLOUR_AND_KATEX, activation=HTML)
    assert_shown_as_written(at, [LINK, PIXEL, COLOUR_AND_KATEX, HTML])


def test_a_preset_name_in_the_link_is_shown_as_written():
    at = new_app(preset=LINK)
    assert_shown_as_written(at, [LINK])


def test_experiment_file_values_and_its_name_are_shown_as_written():
    at = new_app()
    values = json.loads(to_json(at.session_state["np_page_state"].config))
    values.update(dataset=LINK, optimizer=COLOUR_AND_KATEX)
    at.file_uploader(key="w_json_upload").upload(f"{PIXEL}.json", json.dumps(values).encode(),
                                                 "application/json").run()
    assert_shown_as_written(at, [LINK, COLOUR_AND_KATEX, f"{PIXEL}.json"])
    broken = new_app()
    broken.file_uploader(key="w_json_upload").upload(f"{HTML}.json", b"{not json",
                                                     "application/json").run()
    assert_shown_as_written(broken, [f"{HTML}.json"])


BOLD = "<b>x</b>" + HTML          # Plotly markup: bold, and a link
CSV = (f"{LINK},{BOLD},label\n".encode() + b"".join(
    f"{i % 7},{(i * 3) % 5},{'$k$' if i % 2 else ':red[r]'}\n".encode() for i in range(60)))


def test_csv_columns_class_labels_and_file_name_are_shown_as_written():
    at = new_app()
    name = f"{PIXEL}.csv"
    at.file_uploader(key="w_csv_upload").upload(name, CSV, "text/csv").run()
    state = at.session_state["np_page_state"]
    assert state.csv_name == name and state.session.prepared.dataset.class_names == \
        ["$k$", ":red[r]"]
    assert_shown_as_written(at, [name, "$k$", ":red[r]"])
    table = at.table[0].value
    assert [shown(c) for c in table.columns] == [LINK, BOLD, "target"]
    assert {shown(v) for v in table["target"]} == {"$k$", ":red[r]"}
    for column in table.columns:
        assert unescaped_punctuation(column) == []
    charts = chart_strings(at)
    for text in (LINK, BOLD, "$k$", ":red[r]"):
        assert any(plain_plotly(text) in s for s in charts), f"{text!r} is not in a chart"
    assert not [s for s in charts if BOLD in s or HTML in s]     # never as Plotly markup


def test_a_bad_csv_file_name_is_shown_as_written():
    at = new_app()
    at.file_uploader(key="w_csv_upload").upload(f"{LINK}.csv", b"", "text/csv").run()
    assert_shown_as_written(at, [f"{LINK}.csv"])


# The elements that render Markdown; only playground/ui/messages.py may call them.
MARKDOWN_CALLS = {"error", "warning", "info", "success", "caption", "markdown", "table",
                  "write", "toast", "title", "header", "subheader", "latex", "exception",
                  "help", "badge"}


def test_only_the_messages_module_draws_markdown():
    offenders = []
    for path in sorted((ROOT / "playground" / "ui").glob("*.py")):
        if path.name == "messages.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in MARKDOWN_CALLS:
                offenders.append(f"{path.name}:{node.lineno} .{node.func.attr}(")
    assert not offenders, offenders


# Ways a script turns a string into markup; the board draws the page's text (status
# labels and values, the note line, error text) with textContent only.
HTML_SINKS = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
              "createContextualFragment", "DOMParser", "srcdoc")


def test_the_board_scripts_set_text_never_markup():
    scripts = sorted((ROOT / "playground" / "ui" / "board").glob("*.js"))
    assert scripts
    offenders = [f"{path.name}:{number} {sink}" for path in scripts
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 for sink in HTML_SINKS if sink in line]
    assert not offenders, offenders
