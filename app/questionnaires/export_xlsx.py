"""The data sheet of the XLSX export, written a chunk of rows at a time as SpreadsheetML.

XlsxWriter makes the workbook: styles, the bold heading row, the frozen pane, the codebook sheet
and the document properties. Writing 100,000 responses × 45 columns through its cell-by-cell API
costs about 7 µs a cell (two thirds of an export), so the data rows are made here instead, a
column at a time: each distinct value of a column is turned into its cell XML once
(``pandas.factorize``), and the rows are joined from those pieces. They are then put into
XlsxWriter's data sheet in place of its (empty) rows by :func:`write_with_rows`; every other part
of the file is XlsxWriter's, byte for byte.

Cells are what XlsxWriter's ``write_string`` / ``write_number`` would write in constant-memory
mode: numbers as ``<v>`` with ``.16G``, text as inline strings with XML escaping, control
characters as ``_xHHHH_``, leading or trailing white space preserved, at most 32,767 UTF-16 units.
One difference on purpose: XlsxWriter passes text of the form ``<r>…</r>`` through unescaped (it
takes it for a ready-made rich string), which would let an answer write its own XML, a formula
included; here all text is escaped.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from itertools import repeat
from numbers import Real
from typing import IO, Any

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

#: The first worksheet XlsxWriter adds is this part of the package.
FIRST_SHEET_PART = "xl/worksheets/sheet1.xml"
#: Excel's longest cell text, in UTF-16 code units.
MAX_TEXT = 32767

_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
#: Characters XML 1.0 does not allow (control characters and the non-characters U+FFFE and
#: U+FFFF), written as Excel's ``_xHHHH_`` escapes: unescaped, they make the file unreadable.
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f\ufffe\uffff])")
_EDGE_SPACE = re.compile(r"^\s|\s$")
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')


def _utf16_truncated(text: str) -> str:
    """``text`` cut to Excel's limit without splitting a character above U+FFFF."""
    if len(text) <= MAX_TEXT // 2 or len(text.encode("utf-16-le", "surrogatepass")) <= 2 * MAX_TEXT:
        return text
    length = 0
    for index, char in enumerate(text):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > MAX_TEXT:
            return text[:index]
    return text


def text_cell(text: str) -> str:
    """The XML after ``<c r="A1"`` of an inline-string cell holding ``text``."""
    text = _utf16_truncated(text)
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


def value_cell(value: Any) -> str:
    """The XML after ``<c r="A1"`` of a cell holding ``value``: a number, or else text."""
    if isinstance(value, Real) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError("a spreadsheet cell cannot hold NaN or infinity")
        return f"><v>{value:.16G}</v></c>"
    return text_cell(value if isinstance(value, str) else str(value))


def _column_cells(values: pd.Series, opening: np.ndarray) -> np.ndarray:
    """Each row's cell of one column ("" where the value is missing)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # The last entry is taken for code -1 (missing); it is blanked below anyway.
    tails = np.array([value_cell(value) for value in uniques] + [""], dtype=object)
    cells = opening + tails[codes]
    cells[codes < 0] = ""
    return cells


def rows_xml(frame: pd.DataFrame, first_row: int) -> str:
    """``<row>`` elements for a frame's rows, the first one at 0-based sheet row ``first_row``.

    Every column is one column of the sheet, in order from A.
    """
    numbers = np.arange(first_row + 1, first_row + 1 + len(frame)).astype(str).astype(object)
    row_refs = numbers + '"'
    columns = [
        _column_cells(frame.iloc[:, index], f'<c r="{xl_col_to_name(index)}' + row_refs)
        for index in range(frame.shape[1])
    ]
    openings = '<row r="' + numbers + '">'
    return "".join(
        "".join(parts) for parts in zip(openings, *columns, repeat("</row>"), strict=False)
    )


def write_with_rows(
    workbook: bytes,
    out: IO[bytes],
    rows: Iterable[str],
    last_row: int,
    last_column: int,
    part: str = FIRST_SHEET_PART,
) -> None:
    """Copy an XlsxWriter workbook to ``out`` with ``rows`` added to the end of one sheet.

    ``rows`` is the ``<row>`` XML (from :func:`rows_xml`) that follows the sheet's own rows;
    ``last_row`` and ``last_column`` (0-based) give the sheet's new extent. The sheet is written
    to a temporary file first, so its zip entry gets its size up front as XlsxWriter's do.
    """
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        sheet = source.read(part).decode("utf-8")
        end = sheet.rfind("</sheetData>")
        if end < 0 or len(_DIMENSION.findall(sheet)) != 1:
            raise ValueError(f"{part} is not a worksheet with rows")
        dimension = f'<dimension ref="A1:{xl_rowcol_to_cell(last_row, last_column)}"/>'
        head = _DIMENSION.sub(dimension, sheet[:end], count=1)
        with (
            tempfile.TemporaryFile() as xml,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target,
        ):
            xml.write(head.encode("utf-8"))
            for chunk in rows:
                xml.write(chunk.encode("utf-8"))
            xml.write(sheet[end:].encode("utf-8"))
            size = xml.tell()
            xml.seek(0)
            for info in source.infolist():
                if info.filename != part:
                    target.writestr(info, source.read(info))
                    continue
                entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.file_size = size
                with target.open(entry, "w") as stream:
                    shutil.copyfileobj(xml, stream, 1024 * 1024)
