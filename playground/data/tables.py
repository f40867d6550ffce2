"""Built-in tables shipped with plotly (offline): iris and tips, preprocessed like a CSV."""
from __future__ import annotations

from .dataset import Dataset

# plotly.data and pandas (with narwhals) are imported when a table is first used: the
# app's first page (built-in points) should not wait for them.


def iris() -> Dataset:
    """Fisher's iris: 150 flowers, 4 measurements (cm), 3 species to classify."""
    import plotly.data

    from .tabular import frame_to_dataset
    frame = plotly.data.iris().drop(columns=["species_id"])   # species_id is the answer
    report = ["Loaded Fisher's iris table (150 flowers, 4 measurements in cm) from plotly."]
    return frame_to_dataset(frame, target="species", name="iris", report=report)


def tips() -> Dataset:
    """Restaurant tips: 244 bills; predict the tip from bill, party size and the rest."""
    import plotly.data

    from .tabular import frame_to_dataset
    report = ["Loaded the restaurant tips table (244 bills) from plotly."]
    return frame_to_dataset(plotly.data.tips(), target="tip", name="tips", report=report)
