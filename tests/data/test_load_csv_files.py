"""load_csv on every kind of nasty file: the right table and report, or a useful DataError."""
import io

import numpy as np
import pytest

from playground.data import DataError, TableImputer, csv_text, load_csv, make_dataset


def filled(ds, strategy="mean"):
    """ds.X with its gaps filled from all its rows (as if every row were training rows),
    and the imputer's report lines."""
    imputer = TableImputer(ds.columns, strategy).fit(ds.X)
    return imputer.transform(ds.X), imputer.report({"train": imputer.missing_counts(ds.X)})


def report_has(ds, *words):
    text = "\n".join(ds.report)
    for word in words:
        assert word in text, f"{word!r} not in report:\n{text}"


IRIS_HEAD = [("5.1", "3.5", "setosa"), ("7.0", "3.2", "versicolor"), ("6.3", "3.3", "virginica"),
             ("4.9", "3.0", "setosa"), ("6.4", "3.2", "versicolor"), ("5.8", "2.7", "virginica")]


def table(delimiter=",", header=("length", "width", "species"), rows=IRIS_HEAD):
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("delimiter, shown", [(",", "','"), (";", "';'"), ("\t", "tab"),
                                              ("|", "'|'")])
def test_delimiters(delimiter, shown):
    ds = load_csv(table(delimiter).encode())
    assert ds.X.shape == (6, 2) and ds.feature_names == ["length", "width"]
    np.testing.assert_allclose(ds.X[:, 0], [5.1, 7.0, 6.3, 4.9, 6.4, 5.8], rtol=1e-6)
    assert ds.class_names == ["setosa", "versicolor", "virginica"]
    assert ds.y.tolist() == [0, 1, 2, 0, 1, 2]
    report_has(ds, "Read 6 rows and 3 columns", f"delimiter {shown}")


@pytest.mark.parametrize("codec, label", [
    ("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("utf-16", "UTF-16 with BOM"),
    ("utf-16-be", "UTF-16 with BOM"), ("latin-1", "Latin-1")])
def test_encodings(codec, label):
    text = table(rows=[("1.5", "2", "café"), ("2.5", "3", "crème"), ("3.5", "1", "café"),
                       ("0.5", "4", "crème")])
    raw = text.encode(codec)
    if codec == "utf-16-be":
        raw = b"\xfe\xff" + raw
    ds = load_csv(raw)
    assert ds.class_names == ["café", "crème"]       # accents decoded correctly
    assert ds.feature_names[0] == "length"          # no BOM glued to the first name
    report_has(ds, f"encoding {label}")


def test_decimal_comma_with_semicolons_and_thousands_dots():
    raw = b"x;y;label\n1,5;2,25;a\n1.234,5;3,0;b\n-0,75;1.000.000,5;a\n2,0;0,5;b\n"
    ds = load_csv(raw)
    np.testing.assert_allclose(ds.X[:, 0], [1.5, 1234.5, -0.75, 2.0])
    np.testing.assert_allclose(ds.X[:, 1], [2.25, 3.0, 1000000.5, 0.5])
    report_has(ds, "delimiter ';'", "decimal comma")


def test_quoted_fields_with_delimiters_newlines_and_thousands():
    raw = (b'name,note,amount,size,kind\n'
           b'"Smith, Jo","line one\nline two",1.5,"1,234.5",a\n'
           b'"Doe, Al","plain",2.5,"2,000",b\n'
           b'"Roe, Bo","a ""quoted"" word",3.5,17,a\n'
           b'"Poe, Ed","x, y",4.5,"12,345,678.25",b\n')
    ds = load_csv(raw)
    assert len(ds.y) == 4
    assert "size" in ds.feature_names and "amount" in ds.feature_names
    size = ds.X[:, ds.feature_names.index("size")]
    np.testing.assert_allclose(size, [1234.5, 2000, 17, 12345678.25], rtol=1e-6)
    report_has(ds, "Dropped column 'name'", "removing ',' thousands separators")


def test_target_defaults_to_last_and_can_be_named():
    raw = table().encode()
    assert load_csv(raw).task == "classification"
    ds = load_csv(raw, target="length")
    assert ds.task == "regression" and ds.y.dtype == np.float32
    assert ds.feature_names == ["width", "species=setosa", "species=versicolor",
                                "species=virginica"]
    np.testing.assert_allclose(ds.y, [5.1, 7.0, 6.3, 4.9, 6.4, 5.8], rtol=1e-6)
    assert load_csv(raw, target=" WIDTH ").task == "regression"   # forgiving match
    with pytest.raises(DataError, match="no column named 'petal'.*'length', 'width'"):
        load_csv(raw, target="petal")


def test_task_inference_and_override():
    rows = "\n".join(f"{i * 0.37:.2f},{i % 3},{i * 1.5 + 0.25},{i % 2 == 0}" for i in range(30))
    raw = ("x,few_ints,continuous,flag\n" + rows + "\n").encode()
    assert load_csv(raw).task == "classification"                 # booleans
    assert load_csv(raw, target="flag").class_names == ["False", "True"]
    few = load_csv(raw, target="few_ints")
    assert few.task == "classification" and few.class_names == ["0", "1", "2"]
    report_has(few, "only 3 different whole numbers")
    assert load_csv(raw, target="continuous").task == "regression"
    forced = load_csv(raw, target="few_ints", task="regression")
    assert forced.task == "regression" and forced.y.dtype == np.float32
    with pytest.raises(DataError, match="holds text.*classification"):
        load_csv(table().encode(), task="regression")
    with pytest.raises(DataError, match="task must be one of"):
        load_csv(raw, task="clustering")


def test_numeric_class_labels_sort_by_value():
    rows = "\n".join(f"{i},{[2, 10, 1][i % 3]}" for i in range(30))
    ds = load_csv(("x,label\n" + rows).encode(), task="classification")
    assert ds.class_names == ["1", "2", "10"]
    assert ds.y[:3].tolist() == [1, 2, 0]


def test_too_many_classes_suggests_regression():
    rows = "\n".join(f"{i * 0.5},{i}" for i in range(120))
    with pytest.raises(DataError, match="120 different values, too many.*Set 'Task' to regression"):
        load_csv(("x,y\n" + rows).encode(), task="classification")
    text_rows = "\n".join(f"{i * 0.5},name{i % 60}" for i in range(120))
    with pytest.raises(DataError, match="too many to classify"):
        load_csv(("x,y\n" + text_rows).encode())


def test_one_hot_and_too_many_categories():
    colours = ["red", "green", "blue"]
    rows = "\n".join(f"{colours[i % 3]},city{i % 25},{i % 7},{i * 0.5}" for i in range(100))
    ds = load_csv(("colour,city,n,y\n" + rows).encode())
    assert ds.feature_names[:3] == ["colour=blue", "colour=green", "colour=red"]
    np.testing.assert_array_equal(ds.X[:3, :3], [[0, 0, 1], [0, 1, 0], [1, 0, 0]])
    # 25 cities in the file: the training rows decide (here all 25 are in them: dropped)
    report_has(ds, "One-hot encoded 'colour' into 3 columns",
               "One-hot encoded 'city' into 25 columns", "used only if the training rows")
    _, report = filled(ds)
    imputer = TableImputer(ds.columns, "mean", ds.max_categories).fit(ds.X)
    assert "n" in imputer.feature_names(ds.feature_names)
    assert not any(f.startswith("city") for f in imputer.feature_names(ds.feature_names))
    assert any("Dropped column 'city': 25 different text values in the training rows, more "
               "than the 20 categories" in line for line in report), report
    wider = load_csv(("colour,city,n,y\n" + rows).encode(), max_categories=30)
    assert sum(f.startswith("city=") for f in TableImputer(wider.columns, "mean", 30).fit(
        wider.X).feature_names(wider.feature_names)) == 25
    # far more text values than any training rows could be encoded with: dropped at once
    many = "\n".join(f"{i * 0.5},c{i % 110},{i % 2}" for i in range(300))
    report_has(load_csv(("x,c,y\n" + many).encode()),
               "Dropped column 'c': 110 different text values, far more than the 20")


def test_id_date_and_constant_columns_are_dropped_with_notes():
    rows = "\n".join(f"{i + 1},user{i},2024-01-{i % 28 + 1:02d},7,{(i * 37) % 11},{i % 2}"
                     for i in range(40))
    ds = load_csv(("id,user,date,const,x,y\n" + rows).encode())
    assert ds.feature_names == ["x"]
    report_has(ds, "Dropped column 'id': a different whole number in every row",
               "Dropped column 'user': a different text in every row",
               "Dropped column 'date': it holds dates",
               "Dropped column 'const': it holds the same value (7)")


def test_a_plain_consecutive_x_column_is_kept():
    rows = "\n".join(f"{i},{2 * i + 3}" for i in range(1, 11))
    ds = load_csv(("x,y\n" + rows).encode())
    assert ds.feature_names == ["x"] and ds.task == "regression"


def test_duplicate_and_blank_column_names():
    raw = b"a,a,,b\n1,2,3,4\n5,6,7,8.5\n9,10,11,12.5\n"
    ds = load_csv(raw)
    assert ds.feature_names == ["a", "a (2)", "column 3"]
    report_has(ds, "Renamed the repeated column name 'a' to 'a (2)'", "Column 3 has no name")


def test_blank_first_header_with_a_row_index_is_dropped():
    raw = b",x,y\n0,1.5,2.5\n1,2.5,3.5\n2,0.5,1.0\n3,4.5,2.0\n"
    ds = load_csv(raw)
    assert ds.feature_names == ["x"]
    report_has(ds, "Dropped column 'column 1'")


MISSING_FILE = (b"a,b,c,y\n"
                b"1,x,10,0.5\n"
                b",x,NA,1.5\n"          # a missing, c missing
                b"3,?,N/A,2.5\n"        # b missing, c missing
                b"4,z,null,3.5\n"
                b"NaN,z,20,4.5\n"
                b"8,n/a,30,5.5\n"
                b"5,x,None,6.5\n")


@pytest.mark.parametrize("strategy, a_fill, c_fill", [
    ("mean", (1 + 3 + 4 + 8 + 5) / 5, 20.0), ("median", 4.0, 20.0),
    ("most_frequent", 1.0, 10.0)])
def test_missing_values_are_filled_and_counted(strategy, a_fill, c_fill):
    ds = load_csv(MISSING_FILE, missing=strategy)
    assert ds.feature_names == ["a", "b=x", "b=z", "c"]
    # the loader leaves gaps as NaN (a text gap: NaN in all its one-hot columns)
    assert np.isnan(ds.X[:, 0]).sum() == 2 and np.isnan(ds.X[:, 1:3]).all(axis=1).sum() == 2
    report_has(ds, "Missing input values: 'a' (2), 'b' (2), 'c' (4)")
    X, lines = filled(ds, strategy)
    np.testing.assert_allclose(X[:, 0], [1, a_fill, 3, 4, a_fill, 8, 5], rtol=1e-6)
    np.testing.assert_allclose(X[:, 3], [10, c_fill, c_fill, c_fill, 20, 30, c_fill])
    # b's gaps get the most frequent text 'x' whatever the strategy.
    np.testing.assert_array_equal(X[:, 1], [1, 1, 1, 0, 0, 1, 1])
    how = "the most frequent value" if strategy == "most_frequent" else f"the {strategy}"
    text = "\n".join(lines)
    assert f"Filled 2 missing values in 'a' (2 train) with {how} in training, " \
           f"{a_fill:.4g}" in text, text
    assert "Filled 4 missing values in 'c'" in text
    assert "Filled 2 missing values in 'b' (2 train) with the most frequent category in " \
           "training, 'x'" in text


def test_missing_drop_removes_rows_and_says_how_many():
    raw = b"a,b,y\n1,2,0.5\n,3,1.5\n4,?,2.5\n5,6,3.5\n7,8,4.5\n"
    ds = load_csv(raw, missing="drop")
    np.testing.assert_allclose(ds.X, [[1, 2], [5, 6], [7, 8]])
    np.testing.assert_allclose(ds.y, [0.5, 3.5, 4.5])
    report_has(ds, "Dropped 2 rows with missing input values")
    with pytest.raises(DataError, match="Only 1 usable row"):
        load_csv(MISSING_FILE, missing="drop")
    with pytest.raises(DataError, match="missing must be one of"):
        load_csv(raw, missing="zero")


def test_rows_with_missing_target_are_dropped():
    ds = load_csv(b"x,y\n1,a\n2,\n3,b\n4,NA\n5,a\n6,b\n")
    assert ds.X[:, 0].tolist() == [1, 3, 5, 6]
    report_has(ds, "Dropped 2 rows whose target 'y' is missing")


def test_infinities_are_treated_as_missing_and_reported():
    ds = load_csv(b"x,z,y\n1,inf,1.0\n2,5,2.0\n-Infinity,6,3.0\n4,1e400,4.0\n8,7,5.5\n")
    assert not np.isinf(ds.X).any() and np.isnan(ds.X).sum() == 3
    np.testing.assert_allclose(filled(ds)[0][:, 0], [1, 2, 15 / 4, 4, 8])
    report_has(ds, "Treated 1 infinite or too-large value in 'x' as missing",
               "Treated 2 infinite or too-large values in 'z' as missing")


def test_rows_with_too_many_fields_are_skipped_with_a_note():
    ds = load_csv(b"x,y\n1,2\n3,4,5\n6,7\n8,9\n")
    assert ds.X[:, 0].tolist() == [1, 6, 8]
    report_has(ds, "Skipped 1 row with more values than the header has columns (line 3)")


def test_header_of_numbers_is_read_as_data():
    ds = load_csv(b"1,2,3\n4,5,6\n7,8,9.5\n")
    assert len(ds.y) == 3 and ds.feature_names == ["column 1", "column 2"]
    report_has(ds, "first row holds only numbers")


def test_sources_path_file_objects_and_text(tmp_path):
    raw = table(";").encode("utf-8-sig")
    path = tmp_path / "flowers.csv"
    path.write_bytes(raw)
    with open(path, "rb") as binary, open(path, encoding="utf-8-sig") as text:
        for source in (path, str(path), io.BytesIO(raw), binary, io.StringIO(table(";")), text):
            ds = load_csv(source)
            assert ds.X.shape == (6, 2)
            assert ds.class_names == ["setosa", "versicolor", "virginica"]
    assert load_csv(path).name == "flowers.csv"
    with pytest.raises(DataError, match="Could not open the file"):
        load_csv(tmp_path / "missing.csv")
    with pytest.raises(DataError, match="needs a file path, bytes or an open file"):
        load_csv(12345)


@pytest.mark.parametrize("raw, words", [
    (b"", "empty"),
    (b"  \n\n \n", "empty"),
    (b"a,b,c\n", "header row but no data rows"),
    (b"\x00\x01\x02\x03binary\x00stuff", "binary data"),
    (bytes(range(256)) * 4, "binary data"),
    (b"PK\x03\x04\x14\x00\x06\x00", "Excel .xlsx"),
    (b"\x1f\x8b\x08\x00", "gzip"),
    (b"%PDF-1.4 ...", "PDF"),
    (b"value\n1\n2\n3\n", "only one column"),
    (b"x,y\n1,\n2,NA\n3,?\n", "Every value of the target column 'y' is missing"),
    (b"x,y\n1,a\n2,a\n3,a\n", "only one class"),
    (b'a,b\n"1,2\n3,4\n', "closing \" is missing"),
    (b"id,y\n1,a\n2,b\n3,a\n4,b\n", "No usable input columns"),
    (b"x,y\n1,2\n", "Only 1 usable row"),
])
def test_unusable_files_raise_a_clear_data_error(raw, words):
    with pytest.raises(DataError, match=words):
        load_csv(raw)


def test_size_limits_are_stated():
    rows = "\n".join(f"{i},{i % 2}" for i in range(101))
    with pytest.raises(DataError, match="more than 100 data rows"):
        load_csv(("x,y\n" + rows).encode(), max_rows=100)
    assert len(load_csv(("x,y\n" + rows).encode(), max_rows=101).y) == 101
    with pytest.raises(DataError, match="MB limit"):
        load_csv(b"x" * (csv_text.MAX_BYTES + 1))
    load_csv(b"x,y\n1,0\n2,1\n3,0\n".ljust(csv_text.MAX_BYTES, b"\n"))   # at the limit: fine
    wide = ",".join(f"c{i}" for i in range(1001)) + "\n" + ",".join("1" * 1001) + "\n"
    with pytest.raises(DataError, match="1001 columns, more than the 1000"):
        load_csv(wide.encode())


def test_rows_wider_than_the_header_keep_their_values():
    ds = load_csv(b"a,b\n1,2,3\n4,5,6\n7,8,9.5\n")
    assert ds.feature_names == ["a", "b"]
    np.testing.assert_allclose(ds.y, [3, 6, 9.5])
    report_has(ds, "header names only 2 columns; the extra columns were called 'column 3'")


def test_a_delimiter_at_the_end_of_every_row_is_harmless():
    ds = load_csv(b"a,b\n1,2,\n4,5,\n7,8.5,\n")
    assert ds.feature_names == ["a"]
    np.testing.assert_allclose(ds.y, [2, 5, 8.5])


def test_quoted_decimal_commas_in_a_comma_file():
    ds = load_csv(b'x,y\n"1,5","2,5"\n"3,5","1,0"\n"-2,0","4,25"\n')
    np.testing.assert_allclose(ds.X[:, 0], [1.5, 3.5, -2.0])
    np.testing.assert_allclose(ds.y, [2.5, 1.0, 4.25])
    report_has(ds, "Read 'x' as numbers with a decimal comma",
               "Read 'y' as numbers with a decimal comma")


def test_a_short_first_data_row_does_not_break_reading():
    # The header names 2 columns, most rows hold 3, and the first data row only 2.
    ds = load_csv(b"a;b\n1;2\n4;5;6\n6;7;8\n9;1;2\n", target="b")
    assert ds.feature_names == ["a", "column 3"]
    np.testing.assert_allclose(filled(ds)[0][:, 1], [16 / 3, 6, 8, 2], rtol=1e-6)
    report_has(ds, "the extra columns were called 'column 3'",
               "Rows have differing numbers of values", "Missing input values: 'column 3' (1)")


def test_an_upload_read_before_is_read_again_in_full():
    upload = io.BytesIO(table().encode())
    upload.read()                     # e.g. the app peeked at it first
    assert load_csv(upload).X.shape == (6, 2)


def test_a_built_in_table_saved_as_csv_loads_back_the_same():
    import plotly.data
    raw = plotly.data.tips().to_csv(index=False, sep=";", decimal=",").encode("utf-16")
    from_csv = load_csv(raw, target="tip")
    built_in = make_dataset("tips")
    assert from_csv.feature_names == built_in.feature_names
    np.testing.assert_allclose(from_csv.X, built_in.X)
    np.testing.assert_allclose(from_csv.y, built_in.y)
    report_has(from_csv, "Read 244 rows and 7 columns", "delimiter ';'", "UTF-16 with BOM",
               "decimal comma")


def test_one_upload_limit_for_the_loader_the_page_streamlit_and_the_readme():
    """50 MB of 1,048,576 bytes (Streamlit's server counts maxUploadSize so), said the same
    way everywhere."""
    import tomllib
    from pathlib import Path

    from playground.ui import actions
    root = Path(__file__).resolve().parents[2]
    server = tomllib.loads((root / ".streamlit" / "config.toml").read_text())["server"]
    assert server["maxUploadSize"] == csv_text.MAX_MB
    assert csv_text.MAX_BYTES == csv_text.MAX_MB * 1024 * 1024
    assert actions.MAX_BYTES is csv_text.MAX_BYTES
    assert f"Limits: {csv_text.MAX_MB} MB ({csv_text.MAX_BYTES:,} bytes)" in \
        (root / "README.md").read_text()
