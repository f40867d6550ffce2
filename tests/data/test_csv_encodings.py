"""Encodings decided per file, binary data found anywhere, numbers too large for float32
named: a CSV is read right or refused with where the problem is, never read wrong."""
import pytest

from playground.data import DataError, csv_text, load_csv


def _rows(start: int, stop: int) -> str:
    return "".join(f"{i},{'café' if i % 2 else 'crème'}\n" for i in range(start, stop))


def test_utf8_at_first_and_cp1252_later_is_refused_with_the_lines():
    utf8_part = ("x,label\n" + _rows(0, 6)).encode("utf-8")
    cp1252_part = _rows(6, 9).encode("cp1252")
    raw = utf8_part + cp1252_part
    with pytest.raises(DataError) as caught:
        load_csv(raw)
    message = str(caught.value)
    assert "mixes two text encodings" in message
    assert "lines 8, 9 and 10" in message or "lines 8, 9, 10" in message
    first_bad = len(utf8_part) + cp1252_part.index("è".encode("cp1252"))  # 0xE8, line 8
    assert f"of line 8 (byte {first_bad + 1} of the file)" in message
    assert "Save the whole file again as UTF-8" in message


@pytest.mark.parametrize("codec, label", [("utf-8", "UTF-8"),
                                          ("cp1252", "Windows-1252")])
def test_a_file_in_one_encoding_throughout_reads_right(codec, label):
    ds = load_csv(("x,label\n" + _rows(0, 9)).encode(codec))
    assert ds.class_names == ["café", "crème"]
    assert any(label in line for line in ds.report)


def test_utf8_decided_over_the_whole_file_not_its_start():
    # the only non-ASCII letters come after the sniffing sample: still read as UTF-8
    head = "x,label\n" + "".join(f"{i},{'a' if i % 2 else 'b'}\n" for i in range(12_000))
    assert len(head) > csv_text.SAMPLE_CHARS
    ds = load_csv((head + "1,é\n2,é\n").encode("utf-8"))
    assert "é" in ds.class_names and "Ã©" not in ds.class_names


def test_bytes_that_neither_encoding_has_are_refused_with_where():
    raw = b"x,label\n1,a\n2,b\n3,a\x81b\n4,b\n"
    with pytest.raises(DataError) as caught:
        load_csv(raw)
    message = str(caught.value)
    assert "neither UTF-8 nor Windows-1252" in message
    assert "0x81" in message and "byte 4 of line 4" in message


def test_a_bom_file_with_bad_bytes_says_where():
    with pytest.raises(DataError, match="not valid UTF-8 text: .* of line 3"):
        load_csv(b"\xef\xbb\xbfx,label\n1,a\n2,\xe9\n")


def test_a_zero_byte_anywhere_is_refused():
    body = "".join(f"{i},{'a' if i % 2 else 'b'}\n" for i in range(20_000))
    raw = ("x,label\n" + body).encode() + b"5,a\x00b\n"
    assert raw.index(b"\x00") > csv_text.SAMPLE_CHARS      # beyond the sniffed start
    with pytest.raises(DataError, match=r"zero byte at byte 4 of line 20,002"):
        load_csv(raw)
    utf16 = ("x,label\n1,a\n2,b\n3,a\x00b\n").encode("utf-16")
    with pytest.raises(DataError, match="zero character on line 4"):
        load_csv(utf16)


def test_a_target_too_large_for_float32_is_named_with_its_rows():
    with pytest.raises(DataError) as caught:
        load_csv(b"x,price\n1,2\n2,1e300\n")
    message = str(caught.value)
    assert "Only 1 usable row" in message
    assert "'price'" in message and "1e+300 on data row 2" in message
    assert "float32" in message


def test_too_large_inputs_are_reported_with_their_rows():
    ds = load_csv(b"size,y\n1,2\n-1e39,1\n3,4\n4,5\ninf,3\n")
    note = next(line for line in ds.report if "too-large" in line)
    assert "'size'" in note and "-1e+39 on data row 2" in note and "inf on data row 5" in note
    assert ds.X.shape == (5, 1)


def test_rows_are_counted_in_the_file_after_rows_without_a_target():
    ds = load_csv(b"size,y\n1,2\n2,\n3,4\n1e300,5\n5,3\n")
    note = next(line for line in ds.report if "too-large" in line)
    assert "on data row 4" in note
