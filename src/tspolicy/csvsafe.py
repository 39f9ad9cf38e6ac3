"""CSV for spreadsheets: cells that a spreadsheet would run as a formula are neutralised.

A text cell starting with ``=``, ``+``, ``-``, ``@`` (after any white space: a tab, a
carriage return, a line feed or spaces) is a formula to Excel, LibreOffice and Google
Sheets: ``=HYPERLINK(…)`` or ``+cmd|…`` in a data file would run when a reader opens an
export. Every CSV tspolicy
writes for people to open goes through :func:`safe_frame`, which prefixes such a cell with
an apostrophe (OWASP's advice), so it shows as the text it is. Numbers, negative ones
included, are left alone. ``tspolicy validate`` rejects such cells in the data themselves.
"""

from __future__ import annotations

import re

import pandas as pd

#: What makes a cell a formula to a spreadsheet.
FORMULA_START = re.compile(r"^\s*[=+\-@]")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def is_formula(text: str) -> bool:
    """True when a spreadsheet would read the text cell as a formula (numbers are not)."""
    return bool(FORMULA_START.match(text)) and not _NUMBER.match(text.strip())


def safe_cell(value: object) -> object:
    """The cell as a spreadsheet shows it as text: a formula-like string gets a leading '."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) cannot run as formulas."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(safe_cell, na_action="ignore")
    safe.columns = [safe_cell(str(c)) for c in safe.columns]
    return safe
