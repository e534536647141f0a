"""CSV files that PartnerDesk writes never carry a live spreadsheet formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from partnerdesk.spreadsheet import csv_text

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+SUM(1+1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


def test_formula_like_text_is_quoted_and_numbers_stay_numbers():
    rows = [[cell, Decimal("-12.50"), "-0.01", 3, 1.5] for cell in HOSTILE]
    written = list(csv.reader(io.StringIO(csv_text(["customer", "net", "credit", "count", "rate"], rows), newline="")))
    assert [row[0] for row in written[1:]] == ["'" + cell for cell in HOSTILE]
    assert {tuple(row[1:]) for row in written[1:]} == {("-12.50", "-0.01", "3", "1.5")}


def test_ordinary_text_is_written_as_it_is():
    written = csv_text(["customer", "product"], [["C-9", "ecs"], ["Acme = Best", None]])
    assert written == "customer,product\r\nC-9,ecs\r\nAcme = Best,\r\n"
