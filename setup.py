"""Packaging beyond what pyproject.toml can say.

- The repository's top-level assets/ folder ships inside the package as
  ``playground/assets`` (playground/resources.py finds it there, or in a checkout).
- Every file under playground/ that is not a module (the board's JS and CSS, the export
  templates, ...) ships too, found by walking the tree, so a new one cannot be forgotten.
"""
from pathlib import Path

from setuptools import find_packages, setup


def package_files() -> dict[str, list[str]]:
    """package name -> its data files, relative to the package's folder."""
    data: dict[str, list[str]] = {}
    for path in sorted(Path("playground").rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        package = path.parent
        while not (package / "__init__.py").exists():
            package = package.parent
        if package == path.parent and path.suffix == ".py":
            continue                       # a module: setuptools ships it already
        data.setdefault(".".join(package.parts), []).append(
            path.relative_to(package).as_posix())
    return data


setup(
    packages=find_packages(include=["playground", "playground.*"])
    + ["playground.assets", "playground.assets.plotly"],
    package_dir={"playground.assets": "assets"},
    package_data={**package_files(), "playground.assets": ["*.gz"],
                  "playground.assets.plotly": ["*"]},
)
