"""Screenshots of the page as a lecturer's projector shows it, for looking at by eye.

    python tools/screenshots.py http://localhost:8501 screens/

Takes the default page and a few presets at 1280x720, 1600x1000 and 1280x720 at 125 %
browser zoom (a 1024x576 CSS viewport drawn at 1.25 device pixels per CSS pixel), each
after a few epochs of training (Step epoch), and prints what the browser console said and
which parts of the page lie below the fold.
"""
from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGES = {"default": "", "sigmoid_deep": "preset=sigmoid_deep",
         "overfitting": "preset=overfitting", "cnn_digits": "preset=cnn_digits",
         # a shared link with values the page had to change: its warnings stay folded
         "link_warnings": "preset=overfitting&learning_rate=50&hidden_layers=8,500"}
SCREENS = {"1280x720": ({"width": 1280, "height": 720}, 1.0),
           "1600x1000": ({"width": 1600, "height": 1000}, 1.0),
           "1280x720_zoom125": ({"width": 1024, "height": 576}, 1.25)}
STEPS = 3                     # Step epoch presses before the picture


def _below_fold(page) -> list[str]:
    """Chart keys and buttons whose bottom edge is below the viewport."""
    return page.evaluate("""() => {
      const h = window.innerHeight, out = [];
      document.querySelectorAll('.np-chart').forEach((d) => {
        const bottom = Math.round(d.getBoundingClientRect().bottom);
        if (bottom > h + 1) out.push(d.dataset.key + ' (bottom ' + bottom + ')');
      });
      document.querySelectorAll('[data-testid="stBaseButton-secondary"],'
                                + '[data-testid="stBaseButton-primary"]').forEach((b) => {
        const r = b.getBoundingClientRect();
        if (r.bottom > h + 1 && r.left > 300) out.push('button ' + b.innerText);
      });
      return out;
    }""")


def shoot(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, query in PAGES.items():
            for screen, (viewport, scale) in SCREENS.items():
                page = browser.new_page(viewport=viewport, device_scale_factor=scale)
                messages = []
                page.on("console", lambda m, messages=messages: messages.append(
                    f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
                page.on("pageerror", lambda e, messages=messages: messages.append(
                    f"pageerror: {e}"))
                page.goto(f"{base}/?{query}")
                page.wait_for_selector('[data-testid="stSidebar"] .stSelectbox',
                                       timeout=60_000)
                page.wait_for_selector(".np-chart .main-svg", timeout=60_000)
                for _ in range(STEPS):
                    page.get_by_role("button", name="Step epoch").click()
                    page.wait_for_timeout(700)
                page.mouse.move(5, 700 if viewport["height"] > 700 else 570)   # no tooltip
                page.wait_for_timeout(1500)
                path = out / f"{name}_{screen}.png"
                page.screenshot(path=str(path))
                print(path, "below the fold:", _below_fold(page) or "nothing")
                for message in messages:
                    print("   ", message[:300])
                page.close()
        browser.close()


if __name__ == "__main__":
    shoot(sys.argv[1].rstrip("/"), Path(sys.argv[2]))
