"""Screenshots of every detail view of the lecture presets at 1280x720, playing and paused.

    python tools/view_screenshots.py http://localhost:8501 screens/ [--presets a,b] [--size WxH]

For each preset (default: the teaching ones and the default page) and each detail view the
picker offers for its model (``views.detail_groups``), opens ``?preset=KEY&view=NAME``,
presses Step epoch, then Play: one picture about 3 s into playing, one after Pause. Prints,
per picture, what lies below the fold or past the right edge (charts, buttons, numbers, the
picker's segments) and whether the picker took more than one line; look at each PNG too.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from anywhere

from playwright.sync_api import sync_playwright  # noqa: E402

from playground.config import ExperimentConfig  # noqa: E402
from playground.presets import PRESETS  # noqa: E402
from playground.training import TrainingSession  # noqa: E402
from playground.viz import views  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PRESET_KEYS = ("", "backprop_by_hand", "optimizer_race", "cnn_filters", "latent_digits",
               "memory_lstm")            # "": the default page
PLAY_S = 3.0

# what a picture must not cut: the picker's rows, buttons, numbers and chart edges
_LAYOUT_JS = """() => {
  const h = window.innerHeight, w = window.innerWidth, out = [];
  const tops = new Set();
  document.querySelectorAll('[data-testid="stMainBlockContainer"] [data-testid="stButtonGroup"] button')
    .forEach((b) => tops.add(Math.round(b.getBoundingClientRect().top)));
  if (tops.size > 1) out.push('picker on ' + tops.size + ' lines');
  document.querySelectorAll('.np-chart').forEach((d) => {
    const r = d.getBoundingClientRect();
    if (r.bottom > h + 1) out.push(d.dataset.key + ' bottom ' + Math.round(r.bottom));
    if (r.right > w + 1) out.push(d.dataset.key + ' right ' + Math.round(r.right));
    d.querySelectorAll('.gtitle, .annotation-text').forEach((t) => {
      const b = t.getBoundingClientRect();
      if (b.top < r.top - 1 || b.right > r.right + 1)
        out.push(d.dataset.key + ' text cut: ' + t.textContent.slice(0, 40));
    });
  });
  document.querySelectorAll('[data-testid="stMain"] button p, .np-stat-value').forEach((e) => {
    if (e.scrollWidth > e.clientWidth + 1) out.push('cut: ' + e.innerText);
  });
  return out;
}"""


def offered_views(key: str) -> list[str]:
    """The detail views the picker lists for the preset's model, in picker order."""
    cfg = PRESETS[key].config if key else ExperimentConfig()
    snap = TrainingSession(cfg).step_epochs(1)
    return [view.name for _, _, members in views.detail_groups(snap) for view in members]


def shoot(base: str, out: Path, keys, size: tuple[int, int]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    width, height = size
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for key in keys:
            for view in offered_views(key):
                page = browser.new_page(viewport={"width": width, "height": height})
                errors = []
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                query = "&".join(part for part in (f"preset={key}" if key else "",
                                                   f"view={view}") if part)
                page.goto(f"{base}/?{query}")
                page.wait_for_selector('[data-testid="stSidebar"] .stSelectbox',
                                       timeout=90_000)
                page.wait_for_selector('.np-chart[data-key="detail_chart"] .main-svg',
                                       timeout=90_000)
                page.get_by_role("button", name="Step epoch").click()
                page.wait_for_timeout(1500)
                page.get_by_role("button", name="Play").click()
                page.wait_for_timeout(PLAY_S * 1000)
                page.mouse.move(5, height - 10)
                for state in ("playing", "paused"):
                    if state == "paused":
                        page.get_by_role("button", name="Pause").click()
                        page.wait_for_timeout(2000)
                    path = out / f"{key or 'default'}_{view}_{state}_{width}x{height}.png"
                    page.screenshot(path=str(path))
                    print(path.name, page.evaluate(_LAYOUT_JS) or "ok", *errors)
                page.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("out", type=Path)
    parser.add_argument("--presets", default=",".join(PRESET_KEYS),
                        help="preset keys, comma separated (an empty entry: the default)")
    parser.add_argument("--size", default="1280x720")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.lower().split("x"))
    shoot(args.base.rstrip("/"), args.out, args.presets.split(","), size)


if __name__ == "__main__":
    main()
