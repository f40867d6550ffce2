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

# The upload limit, in MB of 1,000,000 bytes: the app's file checks, the CSV loader and
# Streamlit's ``server.maxUploadSize`` (.streamlit/config.toml, checked by a test) use it.
MAX_MB = 50
MAX_BYTES = MAX_MB * 1_000_000   # larger files are refused
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
    return (f"The file is {size / 1e6:.1f} MB, more than the {MAX_MB} MB limit. "
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
                    raise DataError(f"The file starts with a {bom_label.split()[0]} marker "
                                    f"but is not valid {bom_label.split()[0]} text "
                                    f"({error.reason}). Save it again as UTF-8 CSV.") from error
                break
        if text is None:
            if b"\x00" in raw[:SAMPLE_CHARS]:
                raise DataError("The file contains binary data (zero bytes), so it is not a "
                                "CSV text file. Export the table as CSV (UTF-8) and upload "
                                "that.")
            try:
                text, codec, label = raw.decode("utf-8"), "utf-8", "UTF-8"
            except UnicodeDecodeError:
                try:
                    text, codec, label = raw.decode("cp1252"), "cp1252", "Latin-1 (Windows-1252)"
                except UnicodeDecodeError:
                    text, codec, label = raw.decode("latin-1"), "latin-1", "Latin-1"
    if text.startswith("\ufeff"):
        text = text[1:]
    sample = text[:SAMPLE_CHARS]
    controls = len(CONTROL_CHARACTER.findall(sample))
    if "\x00" in sample or controls > max(2, len(sample) // 100):
        raise DataError("The file contains binary data (control characters), so it is not "
                        "a CSV text file. Export the table as CSV (UTF-8) and upload that.")
    if not text or text.isspace():
        raise DataError("The file is empty. Upload a CSV with a header row and data rows.")
    return TextFacts(text, codec, label)


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
