"""Packaging beyond what pyproject.toml can say: the repository's top-level assets/ folder
ships inside the package as ``playground/assets`` (found by playground/resources.py)."""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["playground", "playground.*"])
    + ["playground.assets", "playground.assets.plotly"],
    package_dir={"playground.assets": "assets"},
    package_data={"playground.assets": ["*.gz"], "playground.assets.plotly": ["*"],
                  "playground.export": ["templates/*.py"]},
)
