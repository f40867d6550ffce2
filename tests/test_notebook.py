"""examples/quickstart.ipynb runs top to bottom in a real Jupyter kernel and draws the
app's figures (a Plotly figure is displayed for the loss curves and the confusion matrix)."""
import os
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"
PLOTLY = "application/vnd.plotly.v1+json"


def test_quickstart_notebook_runs_and_draws_the_figures(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code"
               for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    figures = [o.data[PLOTLY] for o in outputs if PLOTLY in o.get("data", {})]
    assert len(figures) == 2
    loss, confusion = figures
    assert {trace["name"] for trace in loss["data"]} >= {"train", "validation"}
    heatmap = confusion["data"][0]
    assert heatmap["type"] == "heatmap"
    assert heatmap["x"] == ["setosa", "versicolor", "virginica"]
    assert sum(int(count) for row in heatmap["text"] for count in row) == 30   # test rows
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    accuracy = float(re.search(r"test accuracy: ([0-9.]+)", printed).group(1))
    assert accuracy >= 0.85
