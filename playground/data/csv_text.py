"""Raw CSV bytes -> text facts: encoding, delimiter, decimal comma, header names.

Everything here looks at the file's bytes or a sample of its text; nothing parses the
whole table (pandas does that in ``csv_loader``).
"""
from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from dataclasses import dataclass

from .errors import DataError

# The upload limit: the app's file checks, the CSV loader and Streamlit's
# ``server.maxUploadSize`` (.streamlit/config.toml, checked by a test) use it. Streamlit's
# server counts that setting in MB of 1,048,576 bytes, so the app does too: a file Streamlit
# accepts is never refused (and held) by the app afterwards.
MAX_MB = 50
MB = 1024 * 1024
MAX_BYTES = MAX_MB * MB   # larger files are refused
SAMPLE_CHARS = 65_536           # text sniffed for the delimiter and number format
SAMPLE_ROWS = 200
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
MISSING_TOKENS = ("", "NA", "N/A", "n/a", "na", "NaN", "nan", "NAN", "?", "null", "NULL",
                  "Null", "None", "none", "#N/A", "-nan")

# Files that are plainly not text tables: the start of the file -> what it is.
BINARY_SIGNATURES = {
    b"PK\x03\x04": "a zip archive or an Excel .xlsx workbook",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip-compressed file",
    b"GIF8": "a GIF image",
}
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", "UTF-8 with BOM"),
        (b"\xff\xfe", "utf-16", "UTF-16 with BOM"),
        (b"\xfe\xff", "utf-16", "UTF-16 with BOM"))
DECIMAL_COMMA_NUMBER = re.compile(r"^\s*[-+]?(\d{1,3}(\.\d{3})+|\d+),\d+\s*$")
DECIMAL_POINT_NUMBER = re.compile(
    r"^\s*[-+]?(\d+\.\d{1,2}|\d+\.\d{4,}|\.\d+|\d+\.\d+[eE][-+]?\d+)\s*$")
# A valid multi-byte UTF-8 sequence that Windows-1252 would show as two or three odd
# characters ("Ã©" for "é", "â€™" for "'"): a file that holds one is UTF-8 text in places.
UTF8_SEQUENCE = re.compile(rb"[\xc2\xc3][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                           rb"|[\xf0-\xf4][\x80-\xbf]{3}")
NOT_UTF8 = re.compile("[\udc80-\udcff]+")    # bytes "surrogateescape" could not decode
EXPORT_AS_CSV = "Export the table as CSV (UTF-8) and upload that."
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
NUMBER = re.compile(r"^\s*[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?\s*$")


@dataclass
class TextFacts:
    """What the sniffing found out about one file."""

    text: str                 # the whole file decoded
    encoding: str             # Python codec name, e.g. "utf-8", "utf-16", "cp1252"
    encoding_label: str       # for the report, e.g. "UTF-8 with BOM"
    delimiter: str = ","
    decimal_comma: bool = False
    names: list[str] | None = None    # de-duplicated column names
    has_header: bool = True
    blank_first_name: bool = False
    renamed: list[str] | None = None  # report lines about renamed columns


def read_source(source) -> tuple[bytes | str, str]:
    """The raw content of ``source`` and a display name.

    source: a path (str or os.PathLike), bytes, or a file object opened in binary or text
    mode (such as Streamlit's UploadedFile). A str is a path (never the CSV text itself).
    """
    name = getattr(source, "name", "") or ""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "uploaded.csv"
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        try:
            size = os.path.getsize(path)
            if size > MAX_BYTES:
                raise DataError(_too_big(size))
            with open(path, "rb") as handle:
                return handle.read(), os.path.basename(path)
        except DataError:
            raise
        except (OSError, ValueError) as error:
            raise DataError(f"Could not open the file '{path}': {error}. Check the path "
                            f"and that the file is readable.") from error
    if hasattr(source, "read"):
        try:
            # getvalue (BytesIO, Streamlit's UploadedFile) ignores where earlier reads stopped.
            getvalue = getattr(source, "getvalue", None)
            content = getvalue() if callable(getvalue) else source.read(MAX_BYTES + 1)
        except (OSError, ValueError, UnicodeError) as error:
            raise DataError(f"Could not read the uploaded file: {error}.") from error
        if not isinstance(content, (bytes, str)):
            raise DataError("The file object gave neither bytes nor text when read.")
        return content, os.path.basename(str(name)) or "uploaded.csv"
    raise DataError(f"load_csv needs a file path, bytes or an open file; got "
                    f"{type(source).__name__}.")


def _too_big(size: int) -> str:
    return (f"The file is {size / MB:.1f} MB, more than the {MAX_MB} MB limit. "
            f"Use a sample of the rows.")


def decode(raw: bytes | str) -> TextFacts:
    """Decode the bytes, refusing binary files; UTF-8 (with or without BOM), UTF-16 with a
    BOM, and otherwise Windows-1252 / Latin-1."""
    if len(raw) > MAX_BYTES:
        raise DataError(_too_big(len(raw)))
    if isinstance(raw, str):
        text, codec, label = raw, "utf-8", "already decoded (text file object)"
    else:
        for signature, what in BINARY_SIGNATURES.items():
            if raw.startswith(signature):
                raise DataError(f"This looks like {what}, not a CSV text file. Open it in "
                                f"its program and save or export it as CSV.")
        text = codec = label = None
        for bom, bom_codec, bom_label in BOMS:
            if raw.startswith(bom):
                try:
                    text, codec, label = raw.decode(bom_codec), bom_codec, bom_label
                except UnicodeDecodeError as error:
                    # utf-8-sig counts from after its marker, utf-16 from the file's start
                    where = _where(raw, error.start + len(bom)) if bom_codec == "utf-8-sig" \
                        else f"byte {error.start + 1:,} of the file"
                    raise DataError(f"The file starts with a {bom_label.split()[0]} marker "
                                    f"but is not valid {bom_label.split()[0]} text: "
                                    f"{error.reason} at {where}. Save it again as UTF-8 "
                                    f"CSV.") from None
                break
        if text is None:
            _refuse_zero_bytes(raw)
            text, codec, label = _decode_without_bom(raw)
    if text.startswith("\ufeff"):
        text = text[1:]
    zero = text.find("\x00")
    if zero >= 0:                      # UTF-16 or already-decoded text
        raise DataError(f"The file contains binary data, so it is not a CSV text file: a zero "
                        f"character on {_line_of_text(text, zero)}. {EXPORT_AS_CSV}")
    sample = text[:SAMPLE_CHARS]
    controls = len(CONTROL_CHARACTER.findall(sample))
    if controls > max(2, len(sample) // 100):
        raise DataError("The file contains binary data (control characters), so it is not "
                        f"a CSV text file. {EXPORT_AS_CSV}")
    if not text or text.isspace():
        raise DataError("The file is empty. Upload a CSV with a header row and data rows.")
    return TextFacts(text, codec, label)


def _line_of_text(text: str, index: int) -> str:
    return f"line {text.count(chr(10), 0, index) + 1:,}"


def _where(raw: bytes, offset: int) -> str:
    """Where byte ``offset`` is: "byte 12 of line 3 (byte 1,234 of the file)"."""
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return f"byte {column:,} of line {line:,} (byte {offset + 1:,} of the file)"


def _refuse_zero_bytes(raw: bytes) -> None:
    """A zero byte anywhere in a file without a UTF-16 marker means it is not text."""
    zero = raw.find(b"\x00")
    if zero >= 0:
        raise DataError(f"The file contains binary data, so it is not a CSV text file: a zero "
                        f"byte at {_where(raw, zero)}. {EXPORT_AS_CSV}")


def _lines_listed(lines: list[int]) -> str:
    shown = ", ".join(f"{n:,}" for n in lines[:5])
    more = f" and {len(lines) - 5:,} more" if len(lines) > 5 else ""
    return f"line{'s' if len(lines) > 1 else ''} {shown}{more}"


def _bad_utf8_lines(raw: bytes) -> tuple[list[int], int]:
    """(line numbers holding bytes that are not UTF-8, how many such bytes)."""
    text = raw.decode("utf-8", errors="surrogateescape")   # bad bytes -> U+DC80..U+DCFF
    lines, count, line, position = [], 0, 1, 0
    for match in NOT_UTF8.finditer(text):
        count += len(match.group())
        line += text.count("\n", position, match.start())
        position = match.start()
        if not lines or line != lines[-1]:
            lines.append(line)
    return lines, count


def _decode_without_bom(raw: bytes) -> tuple[str, str, str]:
    """(text, codec, label): strict UTF-8 over the whole file, else Windows-1252 when the
    file is clean in it; a DataError saying where the bad bytes are otherwise."""
    try:
        return raw.decode("utf-8"), "utf-8", "UTF-8"
    except UnicodeDecodeError as error:
        first_bad = error.start     # the first byte that is not UTF-8
    if UTF8_SEQUENCE.search(raw):
        lines, count = _bad_utf8_lines(raw)
        raise DataError(
            f"The file mixes two text encodings: parts of it are UTF-8, but {count:,} "
            f"byte{'s' if count > 1 else ''} on {_lines_listed(lines)} "
            f"{'are' if count > 1 else 'is'} not, probably Windows-1252 (Latin-1); the first "
            f"is {_where(raw, first_bad)}. Read either way, some letters would come out "
            f"garbled (an 'é' as 'Ã©'). Save the whole file again as UTF-8 CSV, or fix "
            f"those lines.")
    try:
        return raw.decode("cp1252"), "cp1252", "Latin-1 (Windows-1252)"
    except UnicodeDecodeError as error:
        raise DataError(
            f"The file is neither UTF-8 nor Windows-1252 (Latin-1) text: the byte "
            f"0x{raw[error.start]:02X} at {_where(raw, error.start)} is not a letter in "
            f"either. Save the file again as UTF-8 CSV.") from None


def _sample_rows(text: str, delimiter: str) -> list[list[str]] | None:
    """Up to SAMPLE_ROWS non-blank rows of the text's start, or None if it cannot be read."""
    sample = text[:SAMPLE_CHARS]
    truncated = len(text) > SAMPLE_CHARS
    try:
        rows = []
        for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter,
                              skipinitialspace=True, strict=False):
            if any(cell.strip() for cell in row):
                rows.append(row)
            if len(rows) > SAMPLE_ROWS:
                break
    except csv.Error:
        return None
    if truncated and len(rows) > 2:
        rows.pop()   # the last row may be cut in half
    return rows


def sniff(facts: TextFacts) -> TextFacts:
    """Fill in delimiter, decimal comma and header names on ``facts`` (returned)."""
    best, best_key, best_rows = ",", None, None
    for priority, delimiter in enumerate(DELIMITERS):
        rows = _sample_rows(facts.text, delimiter)
        if not rows:
            continue
        widths = Counter(len(row) for row in rows)
        width, count = widths.most_common(1)[0]
        if width < 2:
            continue
        # Rows that agree with the usual width; the header must have it too.
        consistency = count / len(rows) + (0.5 if len(rows[0]) == width else 0.0)
        key = (round(consistency, 3), width, -priority)
        if best_key is None or key > best_key:
            best, best_key, best_rows = delimiter, key, rows
    facts.delimiter = best
    rows = best_rows or _sample_rows(facts.text, best) or [[]]
    header, data = rows[0], rows[1:]
    if best != ",":
        commas = points = 0
        for row in data:
            for cell in row:
                commas += bool(DECIMAL_COMMA_NUMBER.match(cell))
                points += bool(DECIMAL_POINT_NUMBER.match(cell))
        facts.decimal_comma = commas > 0 and commas >= points
    cells = [cell.strip() for cell in header]
    facts.has_header = not (len(cells) >= 2 and all(NUMBER.match(c) for c in cells))
    width = Counter(len(row) for row in rows).most_common(1)[0][0] if rows[0] else 0
    if not facts.has_header:
        facts.names = [f"column {i + 1}" for i in range(max(width, len(cells)))]
        facts.renamed = ["The first row holds only numbers, so it was read as data and the "
                         f"columns were named 'column 1' to 'column {len(facts.names)}'."]
        return facts
    facts.names, facts.renamed = _unique_names(cells)
    facts.blank_first_name = bool(cells) and cells[0] == ""
    # Most data rows wider than the header: name the extra columns rather than lose them,
    # unless the extra cells are all blank (a delimiter at the end of every row). A few
    # wider rows are skipped by the parser instead, with a note.
    widest = Counter(len(row) for row in data).most_common(1)[0][0] if data else 0
    extra = [cell for row in data for cell in row[len(cells):widest]]
    if widest > len(cells) and any(cell.strip() for cell in extra):
        added = [f"column {i + 1}" for i in range(len(cells), widest)]
        facts.names += added
        facts.renamed.append(f"Some rows have {widest} values but the header names only "
                             f"{len(cells)} columns; the extra columns were called "
                             f"{', '.join(repr(a) for a in added)}.")
    return facts


def _unique_names(cells: list[str]) -> tuple[list[str], list[str]]:
    """Blank names become 'column N'; repeated names get ' (2)', ' (3)', ... appended."""
    names, notes, seen = [], [], set()
    for index, cell in enumerate(cells):
        name = cell or f"column {index + 1}"
        if not cell:
            notes.append(f"Column {index + 1} has no name; called it '{name}'.")
        if name in seen:
            copy = 2
            while f"{name} ({copy})" in seen:
                copy += 1
            notes.append(f"Renamed the repeated column name '{name}' to '{name} ({copy})'.")
            name = f"{name} ({copy})"
        seen.add(name)
        names.append(name)
    return names, notes


def column_names(raw: bytes | str) -> list[str]:
    """The names the table's columns get when it is loaded (de-duplicated; "column 1", ...
    when the file has no header row), e.g. to pick the target from. Raises DataError for a
    file that is not a text table."""
    return list(sniff(decode(raw)).names or [])
