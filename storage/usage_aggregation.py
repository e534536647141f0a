"""The day sums of a usage delivery, written once in SQL and run on DuckDB or Spark.

An engine presents the delivery as one relation `delivery` (file, row_no and the usage columns,
all text); the SQL below, written in DuckDB's dialect and transpiled by sqlglot for Spark, checks
every row as `settlement/feeds.py` does (the first problem of a row names its field), refuses a
`line_id` seen earlier in the delivery, and adds the good rows up per usage date, customer and
product in exact integer micro-units (the amount's digits, never a float). One pass reads a good
delivery and the engine writes its day sums to a Parquet file (relation `day_sums` when read back),
which PartnerDesk loads batch by batch: a delivery can have almost as many day sums as lines, too
many to hold as Python objects. A second pass, only when the first counted bad rows, names them.
Days, not months, so that a customer who changes partner mid-month is attributed exactly when
the sums are joined to the associations.

Each good row also gives two 60-bit numbers read from the MD5 of its normalised content; their
sums over the delivery, with the line count, are its fingerprint: the same lines give the same
fingerprint whatever their order and whether they came as CSV or Parquet. The engine adds them
up over the written day sums (TOTALS), so nothing but a handful of numbers comes back to Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import sqlglot

from kernel.money import MAX_AMOUNT
from kernel.validation import EARLIEST_DAY, LATEST_DAY
from settlement.feeds import USAGE

SHOWN_BAD_ROWS = 100
"""Bad rows named in the message; the count says how many there are in all."""

DECIMAL = r"^[+-]?[0-9]+(\.[0-9]+)?$"
GROUPED = r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$"
DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
HEX = "0123456789abcdef"
WHOLE_DIGITS = len(str(MAX_AMOUNT)) - 1
"""Digits of the whole part below the contract's limit on one amount."""


class Summed(NamedTuple):
    """What an engine made of a delivery: where it wrote the day sums, or the bad rows that refuse it."""

    day_sums: Path
    """The Parquet file or directory of the good day sums, columns named as `usage_day_sum`'s."""
    count: int
    months: list[str]
    bad_rows: list[tuple[str, int, str]]
    """The first SHOWN_BAD_ROWS (file, row number, problem), in file order."""
    bad_count: int
    lines: int
    fingerprint: str


def _quoted(cell: str) -> str:
    return f"'''' || {cell} || ''''"


def _text_problem(field: str, longest: int) -> str:
    return (f"CASE WHEN {field} = '' THEN '{field}: is empty' "
            f"WHEN LENGTH({field}) > {longest} THEN '{field}: is longer than {longest} characters' END")


def _amount_problem() -> str:
    return ("CASE WHEN amount = '' THEN 'amount: is empty; a decimal amount is required' "
            f"WHEN NOT decimal_text THEN 'amount: ' || {_quoted('amount')} || ' is not a decimal amount: it ' || "
            f"CASE WHEN REGEXP_MATCHES(amount, '{GROUPED}') "
            "THEN 'must be written without thousands separators (50000, not 50,000)' "
            "ELSE 'must be a decimal of digits with an optional sign and decimal point, "
            "like 1234.50 (no exponent, spaces, separators or underscores)' END "
            f"WHEN LENGTH(whole) > {WHOLE_DIGITS} THEN 'amount: ' || {_quoted('amount')} || "
            f"' is too large (the limit is {MAX_AMOUNT:,})' "
            "WHEN LENGTH(fraction) > 6 THEN 'amount: ' || " + _quoted("amount") + " || ' has more than 6 decimal places' END")


def _date_problem() -> str:
    return (f"CASE WHEN NOT REGEXP_MATCHES(usage_date, '{DAY}') OR TRY_CAST(usage_date AS DATE) IS NULL "
            f"THEN 'usage_date: ' || {_quoted('usage_date')} || ' is not a date written YYYY-MM-DD' "
            f"WHEN usage_date < '{EARLIEST_DAY.isoformat()}' OR usage_date > '{LATEST_DAY.isoformat()}' "
            f"THEN 'usage_date: ' || usage_date || ' is outside the years {EARLIEST_DAY.year} to {LATEST_DAY.year}' END")


def _flag_problem() -> str:
    return ("CASE WHEN commissionable NOT IN ('', 'true', 'false') "
            "THEN 'commissionable: ' || " + _quoted("commissionable") + " || ' must be true or false' END")


def _nul_problem() -> str:
    cells = " OR ".join(f"CONTAINS({c}, CHR(0))" for c in (*USAGE.required, *USAGE.optional))
    return f"CASE WHEN {cells} THEN 'a cell must not contain a NUL character' END"


def _hex_number(digest: str, first: int) -> str:
    """Fifteen hex digits of the digest from position `first` as a number (portable SQL)."""
    return " + ".join(f"CAST(STRPOS('{HEX}', SUBSTR({digest}, {first + i}, 1)) - 1 AS BIGINT) * {16 ** (14 - i)}"
                      for i in range(15))


CELLS = """
SELECT file, row_no,
  TRIM(COALESCE(line_id, '')) AS line_id, TRIM(COALESCE(customer_id, '')) AS customer_id,
  TRIM(COALESCE(product, '')) AS product, TRIM(COALESCE(usage_date, '')) AS usage_date,
  COALESCE(amount, '') AS amount, LOWER(TRIM(COALESCE(commissionable, ''))) AS commissionable
FROM delivery"""

PARTS = f"""
SELECT *, LEFT(amount, 1) = '-' AS negative,
  LTRIM(SPLIT_PART(CASE WHEN LEFT(amount, 1) IN ('+', '-') THEN SUBSTR(amount, 2) ELSE amount END, '.', 1), '0') AS whole,
  RTRIM(SPLIT_PART(amount, '.', 2), '0') AS fraction, REGEXP_MATCHES(amount, '{DECIMAL}') AS decimal_text
FROM cells"""

CHECKED = f"""
WITH cells AS ({CELLS}), parts AS ({PARTS}),
problems AS (
  SELECT *, COALESCE({_nul_problem()}, {_text_problem('line_id', 128)}, {_text_problem('customer_id', 64)},
    {_text_problem('product', 64)}, {_date_problem()}, {_amount_problem()}, {_flag_problem()}) AS problem,
    ROW_NUMBER() OVER (PARTITION BY line_id ORDER BY file, row_no) AS occurrence
  FROM parts)
SELECT *, COALESCE(problem, CASE WHEN line_id <> '' AND occurrence > 1
  THEN 'line_id: ' || {_quoted('line_id')} || ' appears more than once in the delivery' END) AS refused
FROM problems"""

BAD_ROWS = f"""
SELECT file, row_no, refused, COUNT(*) OVER () AS bad FROM checked WHERE refused IS NOT NULL
ORDER BY file, row_no LIMIT {SHOWN_BAD_ROWS}"""

MICROS = ("(CASE WHEN negative THEN -1 ELSE 1 END) * (COALESCE(TRY_CAST(whole AS BIGINT), 0) * 1000000 "
          "+ CAST(RPAD(fraction, 6, '0') AS BIGINT))")

NORMALISED = ("MD5(line_id || CHR(31) || customer_id || CHR(31) || product || CHR(31) || usage_date || CHR(31) "
              "|| CAST(micros AS VARCHAR) || CHR(31) || CAST(flag AS VARCHAR))")

DAY_SUMS = f"""
WITH marked AS (
  SELECT refused IS NULL AS good, line_id, usage_date, customer_id, product,
    CASE WHEN refused IS NULL THEN {MICROS} END AS micros, commissionable <> 'false' AS flag
  FROM checked),
hashed AS (SELECT *, CASE WHEN good THEN {NORMALISED} END AS digest FROM marked)
SELECT CAST(CASE WHEN good THEN usage_date END AS DATE) AS usage_date, CASE WHEN good THEN customer_id END AS customer_id,
  CASE WHEN good THEN product END AS product,
  CAST(SUM(CAST(micros AS DECIMAL(38, 0))) AS BIGINT) AS amount_micros,
  CAST(SUM(CAST(CASE WHEN flag THEN micros ELSE 0 END AS DECIMAL(38, 0))) AS BIGINT) AS commissionable_micros,
  COUNT(*) AS lines,
  SUM(CAST({_hex_number('digest', 1)} AS DECIMAL(38, 0))) AS low,
  SUM(CAST({_hex_number('digest', 16)} AS DECIMAL(38, 0))) AS high
FROM hashed GROUP BY 1, 2, 3 ORDER BY 2, 1, 3"""
"""The good lines' sums per day, customer and product, and one row (of nulls) counting the bad ones;
in customer and date order, so that storing them in that order adds to the end of the day sums'
index on (customer, date) instead of all over it."""

TOTALS = """
SELECT COUNT(usage_date) AS day_sums, COALESCE(SUM(CASE WHEN usage_date IS NOT NULL THEN lines END), 0) AS lines,
  COALESCE(SUM(CASE WHEN usage_date IS NULL THEN lines END), 0) AS bad,
  COALESCE(SUM(low), 0) AS low, COALESCE(SUM(high), 0) AS high
FROM day_sums"""
"""The delivery's counts and the sums of its line hashes, over the written day sums."""

MONTHS = """
SELECT DISTINCT SUBSTR(CAST(usage_date AS VARCHAR), 1, 7) AS month FROM day_sums WHERE usage_date IS NOT NULL
ORDER BY 1"""


def statements(dialect: str) -> dict[str, str]:
    """The view of checked rows and the queries, in the engine's dialect."""
    written = {"checked": f"CREATE OR REPLACE TEMP VIEW checked AS {CHECKED}", "bad_rows": BAD_ROWS,
               "day_sums": DAY_SUMS, "totals": TOTALS, "months": MONTHS}
    if dialect == "duckdb":
        return written
    return {name: sqlglot.transpile(sql, read="duckdb", write=dialect)[0] for name, sql in written.items()}


def summed(day_sums: Path, totals: tuple, months: list[str], bad: list[tuple]) -> Summed:
    """The engine's totals (TOTALS' row), months and bad rows (BAD_ROWS') as what it made of the
    delivery; the fingerprint from the sums of the line hashes."""
    count, lines, bad_count, low, high = (int(value) for value in totals)
    if bad_count:
        return Summed(day_sums=day_sums, count=0, months=[], bad_rows=[(f, int(r), p) for f, r, p, _ in bad],
                      bad_count=bad_count, lines=0, fingerprint="")
    return Summed(day_sums=day_sums, count=count, months=months, bad_rows=[], bad_count=0, lines=lines,
                  fingerprint=f"{lines}:{low:x}:{high:x}")
