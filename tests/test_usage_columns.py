"""The column-wise checks of a usage file against the row parser: they may leave a row to the
parser, never accept one it refuses or read a value differently (settlement/usage_columns.py)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from kernel.money import DECIMAL_GRAMMAR, DECIMAL_TEXT
from settlement import feeds, usage_columns
from test_hostile_properties import exponent, extreme_date, huge_integer, long_text, nul_text, off_grammar

decimal_text = st.from_regex(rf"\A{DECIMAL_GRAMMAR}\Z")
amount_text = decimal_text | off_grammar | exponent | huge_integer | nul_text | st.text(max_size=12) | st.sampled_from(
    ["1.1234560", "1.1234567", "999999999.999999", "1000000000", "-0001000000000", "0", "-0.000000", "+12.5", ""])
day_text = extreme_date | nul_text | st.text(max_size=12) | st.dates().map(str) | st.sampled_from(
    ["2024-02-29", "2023-02-29", "2026-13-01", "2026-00-10", "2026-7-1", " 2026-07-01", "2026-07-01\n"])
name_text = st.text(max_size=8) | nul_text | long_text | st.sampled_from(["C-1", " C-1", "C-1 ", "Ç", "a\u00a0"])
flag_text = st.sampled_from(["true", "false", "", "TRUE", " true", "yes", "\x00"]) | st.text(max_size=5)
rows = st.lists(st.fixed_dictionaries({"line_id": name_text, "customer_id": name_text, "product": name_text,
                                       "usage_date": day_text, "amount": amount_text, "commissionable": flag_text}),
                min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(amount_text, min_size=1, max_size=30))
def test_pyarrow_reads_the_decimal_grammar_as_python_does(cells):
    matched = pc.match_substring_regex(pa.array(cells, pa.string()), f"^({DECIMAL_GRAMMAR})$").to_pylist()
    assert matched == [DECIMAL_TEXT.fullmatch(cell) is not None for cell in cells]


def parsed(row: dict) -> feeds.UsageLine | None:
    try:
        return feeds.usage_line(row)
    except feeds.BadRow:
        return None


@settings(max_examples=300, deadline=None)
@given(rows)
def test_a_row_the_columns_accept_is_one_the_row_parser_reads_alike(batch_rows):
    batch = pa.RecordBatch.from_pylist(batch_rows, schema=pa.schema([(name, pa.string()) for name in batch_rows[0]]))
    accepted = usage_columns.accepted(batch).to_pylist()
    lines = iter(usage_columns.lines(batch.filter(pa.array(accepted))).to_pylist())
    for row, ok in zip(batch_rows, accepted):
        if ok:
            assert "\x00" not in "".join(row.values())
            assert feeds.UsageLine(**next(lines)) == parsed(row)


def test_well_written_rows_are_accepted_and_read_exactly():
    batch = pa.RecordBatch.from_pylist([
        {"line_id": "L1", "customer_id": "C-1", "product": "ecs", "usage_date": "2024-02-29", "amount": "-1234.5"},
        {"line_id": "L2", "customer_id": "C-1", "product": "ecs", "usage_date": "1900-01-01", "amount": "+0.000001"},
        {"line_id": "L3", "customer_id": "C-1", "product": "ecs", "usage_date": "2999-12-31", "amount": "007.1200000"},
    ])
    assert usage_columns.accepted(batch).to_pylist() == [True, True, True]
    table = usage_columns.lines(batch)
    assert table["amount_micros"].to_pylist() == [-1_234_500_000, 1, 7_120_000]
    assert table["commissionable"].to_pylist() == [True, True, True]
