"""Every CSV file PartnerDesk writes, with cells that a spreadsheet would run as formulas made inert.

Customer ids, products and names come from imported files and applicants; a cell such as
`=HYPERLINK(...)` or `@cmd` would run when an analyst opens the download in a spreadsheet.
OWASP's rule: a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return
gets a leading single quote. Numbers stay numbers: a plain decimal such as `-12.50` (a credit)
is not a formula in any spreadsheet and is written as it is, and so is every int, float or
Decimal cell.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def inert(cell: object) -> object:
    """The cell as it is safe to write: formula-like text quoted, numbers and other text unchanged."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _PLAIN_DECIMAL.fullmatch(cell):
        return "'" + cell
    return cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV document (header first) with every cell made inert."""
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180 line ends, so a CR inside a cell is quoted
    writer.writerow([inert(name) for name in header])
    writer.writerows([inert(cell) for cell in row] for row in rows)
    return out.getvalue()
