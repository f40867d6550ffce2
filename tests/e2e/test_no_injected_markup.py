"""A malicious link and a malicious CSV file in a real browser: the page shows their
characters and puts no foreign link, image or request on the page.

Every request the page makes is routed through Playwright: one to any host but the app's
is recorded and refused. The checks: no <a href> and no src/href of any element (HTML or
the charts' SVG) pointing to another host, no request to another host, and the literal
characters visible in the page's text and in the charts' SVG text.
"""
from __future__ import annotations

import os
from urllib.parse import quote, urlsplit

import pytest

from playground.plain_text import WORD_JOINER
from tests.e2e.app_server import CHROMIUM, CHROMIUM_ARGS, running_app

PORT = 8603
APP_HOST = f"127.0.0.1:{PORT}"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                       reason=f"{CHROMIUM} is missing (in CI this test must run)"),
]

LINK = "[Click here to log in](https://evil.example/login)"
PIXEL = "![px](http://evil.example/t.png)"
COLOUR_AND_KATEX = ":red[alarm] $x^2$ :smile:"
HTML = "<a href='https://evil.example/'>a</a><img src='http://evil.example/i.png'>"
BARE = "www.evil.example me@evil.example"

# Every URL-valued attribute anywhere in the document (HTML and SVG), resolved.
FOREIGN_URLS_JS = """(appHost) => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const name of ['href', 'xlink:href', 'src', 'srcset', 'poster', 'data', 'action']) {
      const value = el.getAttribute(name);
      if (!value || value.startsWith('data:') || value.startsWith('blob:')
          || value.startsWith('#')) continue;
      let url;
      try { url = new URL(value, window.location.href); } catch (e) { continue; }
      if (url.host !== appHost) found.push(`<${el.tagName} ${name}="${value}">`);
    }
  }
  return found;
}"""


BOARD_SHOWN = "window.neuralPlayground && window.neuralPlayground.stats.refreshes >= 1"


@pytest.fixture(scope="module")
def app_url():
    with running_app(PORT) as url:
        yield url


@pytest.fixture()
def page():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1600, "height": 900})
        page.foreign_requests = []

        def route(request_route):
            url = request_route.request.url
            if urlsplit(url).netloc != APP_HOST:
                page.foreign_requests.append(url)
                request_route.abort()
            else:
                request_route.continue_()
        page.route("**/*", route)
        page.on("websocket", lambda ws: urlsplit(ws.url).netloc != APP_HOST
                and page.foreign_requests.append(ws.url))
        yield page
        chromium.close()


def page_text(page) -> str:
    text = page.evaluate("document.body.innerText").replace(WORD_JOINER, "")
    return " ".join(text.split())


def chart_text(page) -> str:
    return page.evaluate(
        "[...document.querySelectorAll('.np-board svg text')].map(t => t.textContent)"
        ".join(' ')")


def assert_nothing_foreign(page) -> None:
    assert page.evaluate(FOREIGN_URLS_JS, APP_HOST) == []
    assert page.foreign_requests == []


def test_a_malicious_link_shows_its_characters_and_loads_nothing(app_url, page):
    query = {"noise": LINK, "learning_rate": PIXEL, "dataset": COLOUR_AND_KATEX,
             "activation": HTML, "optimizer": BARE}
    page.goto(app_url + "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items()))
    page.wait_for_function(BOARD_SHOWN, timeout=60_000)
    # the warnings are folded into one closed expander in the sidebar: open it, as a reader
    page.get_by_text("from the link or file had to change").click(timeout=30_000)
    page.locator('[data-testid="stAlertContentWarning"]').nth(len(query) - 1).wait_for(
        timeout=30_000)
    page.wait_for_timeout(1500)          # time for any image or stylesheet to be fetched
    assert_nothing_foreign(page)
    shown = page_text(page)
    for value in query.values():
        assert value in shown, f"{value!r} is not shown as written"
    assert not page.locator(".katex, [data-testid='stMarkdownContainer'] img").count()


BOLD = "<b>x</b>" + HTML
CSV = (f"{LINK},{BOLD},label\n" + "".join(
    f"{i % 7},{(i * 3) % 5},{'$k$' if i % 2 else ':red[r]'}\n" for i in range(60))).encode()
FILE_NAME = "[f](https:evil.example) $x$.csv"


def test_a_malicious_csv_shows_its_characters_and_loads_nothing(app_url, page):
    page.goto(app_url)
    page.wait_for_function(BOARD_SHOWN, timeout=60_000)
    upload = page.locator('.st-key-w_csv_upload [data-testid="stFileUploaderDropzoneInput"]')
    upload.set_input_files(files=[{"name": FILE_NAME, "mimeType": "text/csv", "buffer": CSV}])
    page.get_by_text("Current file:").wait_for(timeout=40_000)
    page.wait_for_function("document.querySelectorAll('.np-board svg text').length > 0",
                           timeout=30_000)
    page.wait_for_timeout(1500)
    assert_nothing_foreign(page)
    shown = page_text(page)
    for text in (FILE_NAME, LINK, BOLD, "$k$", ":red[r]"):
        assert text in shown, f"{text!r} is not shown as written"
    charts = chart_text(page)
    for text in ("<b>x</b>", "$k$", ":red[r]", LINK):
        assert text in charts, f"{text!r} is not drawn as written in the charts"
    assert not page.locator(".np-board svg a, .katex").count()
