"""`pip install .` gives a package that works from any folder, shipped data included.

The checkout is copied first (pip builds in the source tree and would leave build/ behind),
installed with --no-deps into a temporary target (the dependencies are this venv's), and
then used from another folder with only that target on the path.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("playground", "assets", "pyproject.toml", "setup.py", "README.md",
           "requirements.txt")
CHECK = """
import pathlib, sys
import playground
from playground import nn
from playground.data import make_dataset
from playground.export import TEMPLATES
from playground.resources import ASSETS_DIR
target = pathlib.Path(sys.argv[1]).resolve()
for path in (pathlib.Path(playground.__file__), ASSETS_DIR, TEMPLATES):
    assert target in path.resolve().parents, f"{path} is not in the installed copy"
assert (ASSETS_DIR / "plotly" / "plotly-playground.min.js").stat().st_size > 100_000
assert sorted(p.name for p in TEMPLATES.glob("*.py")) == ["common.py", "keras.py", "pytorch.py"]
print(make_dataset("digits").X.shape, nn.Dense(2).units)
"""


def _run(command, cwd, env):
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def test_pip_install_works_from_another_folder(tmp_path):
    source, target, elsewhere = tmp_path / "source", tmp_path / "site", tmp_path / "elsewhere"
    source.mkdir()
    elsewhere.mkdir()
    for name in SHIPPED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    _run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
          "--no-build-isolation", "--target", str(target), str(source)], tmp_path, env)
    env["PYTHONPATH"] = str(target)

    listed = _run([sys.executable, "-m", "playground", "datasets"], elsewhere, env)
    assert "digits" in listed and "spiral" in listed
    presets = _run([str(target / "bin" / "playground"), "presets"], elsewhere, env)
    assert "cnn_digits" in presets
    assert _run([sys.executable, "-c", CHECK, str(target)], elsewhere, env).split() == \
        ["(1797,", "8,", "8,", "1)", "2"]
    # every file of the package (the board's JS and CSS, templates, ...) and of assets/
    for folder, installed in (("playground", "playground"), ("assets", "playground/assets")):
        shipped = {p.relative_to(source / folder) for p in (source / folder).rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts}
        missing = [str(p) for p in shipped if not (target / installed / p).is_file()]
        assert not missing, f"not installed: {missing}"
