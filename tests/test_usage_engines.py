"""Usage deliveries summed by an engine (DuckDB, Spark) and loaded as day sums, worked out by hand.

Shipped plan: agency 10 % of its customers' commissionable usage; direct reseller registered
3 % discount. Rounding is half up to cents; settlements are dated the day after their month.
Spark runs in local mode in one session shared by the test session (it takes seconds to start);
under CI=true a missing pyspark or Java fails the Spark tests instead of skipping them.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from partnerdesk import deliveries, imports
from partnerdesk.errors import InputError
from partnerdesk.settling import settle_month
from settlement_world import USAGE_HEADER, Channel
from storage.usage_engines import DuckDBEngine

AUG_1, SEP_1 = dt.date(2026, 8, 1), dt.date(2026, 9, 1)
NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.timezone.utc)

JULY = [  # line_id, customer_id, product, usage_date, amount, commissionable
    ["L1", "C-1", "ecs", "2026-07-10", "100.00", "true"],
    ["L2", "C-1", "ecs", "2026-07-15", "0.005", "true"],
    ["L3", "C-1", "ecs", "2026-07-20", "50.00", ""],
    ["L4", "C-2", "s3", "2026-07-05", "200.00", "true"],
    ["L5", "C-2", "s3", "2026-07-06", "-20.00", "true"],
    ["L6", "C-2", "s3", "2026-07-07", "30.00", "false"],
    ["L7", "C-9", "ecs", "2026-07-01", "5.00", "true"],
]


@pytest.fixture(scope="session")
def spark():
    """One local Spark engine for the whole test session."""
    missing = [what for what, found in (("pyspark", importlib.util.find_spec("pyspark")), ("java", shutil.which("java")))
               if not found]
    if missing:
        message = f"the Spark tests need {' and '.join(missing)} (tasks.py installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from storage.usage_engines import SparkEngine
    return SparkEngine("local[2]")


@pytest.fixture
def world(workspace, tmp_path):
    """Reseller R (C-1 until 15 July), reseller S (C-1 from 16 July), agency A (C-2); C-9 has no partner."""
    channel = Channel(workspace, tmp_path)
    r, s, a = channel.partner("direct_reseller"), channel.partner("direct_reseller"), channel.partner("agency")
    channel.customers([["C-1", r, "2026-01-01"], ["C-1", s, "2026-07-16"], ["C-2", a, "2026-01-01"]])
    return channel, r, s, a


def usage_file(channel: Channel, rows: list[list], name: str) -> Path:
    return channel.file(name, USAGE_HEADER, rows)


def parquet_file(folder: Path, rows: list[list], name: str) -> Path:
    """The rows as typed Parquet: amounts DECIMAL(18,6), dates DATE, the flag BOOLEAN; reordered."""
    rows = list(reversed(rows))
    table = pa.table({
        "line_id": [r[0] for r in rows], "customer_id": [r[1] for r in rows], "product": [r[2] for r in rows],
        "usage_date": pa.array([dt.date.fromisoformat(r[3]) for r in rows], pa.date32()),
        "amount": pa.array([Decimal(r[4]) for r in rows], pa.decimal128(18, 6)),
        "commissionable": [r[5] != "false" for r in rows]})
    pq.write_table(table, folder / name)
    return folder / name


def through(engine, channel: Channel, path: Path):
    if engine == "lines":
        return imports.import_usage(channel.ws, path)
    return deliveries.import_delivery(channel.ws, path, engine, lambda stage: None, NOW)


def july_settlement(channel: Channel) -> dict:
    settled = settle_month(channel.ws, "2026-07", as_of=AUG_1)
    return {"invoices": {i.bill_to: (str(i.gross), str(i.discount), str(i.total)) for i in settled.invoices},
            "agencies": {c.partner_id: (str(c.commissionable), str(c.commission)) for c in settled.agency_commissions}}


def expected_july(r: str, s: str, a: str) -> dict:
    # R: C-1 ecs 100.00 + 0.005 (10-15 July) = 100.005 -> 100.01, discount 3.0003 -> 3.00, total 97.01
    # S: C-1 ecs 50.00 (from 16 July), discount 1.50, total 48.50
    # A: commissionable 200.00 - 20.00 (30.00 is not commissionable) = 180.00, commission 18.00
    # C-9 (5.00) has no partner: on no invoice
    return {"invoices": {r: ("100.01", "3.00", "97.01"), s: ("50.00", "1.50", "48.50")},
            "agencies": {a: ("180.00", "18.00")}}


@pytest.mark.parametrize("engine", ["lines", "duckdb"])
def test_the_same_file_through_lines_or_duckdb_settles_to_the_hand_worked_month(world, engine):
    channel, r, s, a = world
    chosen = "lines" if engine == "lines" else DuckDBEngine()
    summary = through(chosen, channel, usage_file(channel, JULY, "july.csv"))
    assert (summary.imported, summary.already_present) == (7, 0)
    assert july_settlement(channel) == expected_july(r, s, a)


def test_spark_settles_the_same_and_its_delivery_is_the_same_as_duckdbs(world, spark, tmp_path):
    channel, r, s, a = world
    csv_file = usage_file(channel, JULY, "july.csv")
    bad = usage_file(channel, [JULY[0], ["L8", "C-1", "ecs", "2026-07-32", "1.00", ""], JULY[0]], "bad.csv")
    with pytest.raises(InputError) as refused:
        through(spark, channel, bad)
    assert str(refused.value).splitlines() == [
        f"{bad}: 2 bad rows, nothing imported",
        f"{bad}: line 3: usage_date: '2026-07-32' is not a date written YYYY-MM-DD",
        f"{bad}: line 4: line_id: 'L1' appears more than once in the delivery"]

    summary = through(spark, channel, csv_file)
    assert (summary.engine, summary.imported, summary.day_sums, summary.months) == ("spark", 7, 7, ["2026-07"])
    # the same lines, reordered, as typed Parquet through either engine: the same delivery
    parquet = parquet_file(tmp_path, JULY, "july.parquet")
    for engine in (DuckDBEngine(), spark):
        again = through(engine, channel, parquet)
        assert (again.engine, again.imported, again.already_present) == (engine.name, 0, 7)
    assert july_settlement(channel) == expected_july(r, s, a)


def test_a_redelivered_file_or_its_lines_as_parquet_change_nothing(world, cli, tmp_path):
    channel, r, s, a = world
    path = usage_file(channel, JULY, "july.csv")
    first = cli("usage", "import", path, "--engine", "duckdb")
    assert first.code == 0, first.stderr
    assert (first.json["engine"], first.json["imported"], first.json["day_sums"]) == ("duckdb", 7, 7)
    assert "summing on duckdb" in first.stderr and "7 of 7 day sums stored" in first.stderr
    again = cli("usage", "import", path, "--engine", "duckdb")
    assert (again.json["imported"], again.json["already_present"]) == (0, 7)
    parquet = cli("usage", "import", parquet_file(tmp_path, JULY, "july.parquet"), "--engine", "duckdb")
    assert (parquet.json["imported"], parquet.json["already_present"]) == (0, 7)
    folder = tmp_path / "delivery"
    folder.mkdir()
    usage_file(channel, JULY[4:], "delivery/part-1.csv")
    usage_file(channel, JULY[:4], "delivery/part-2.csv")
    (folder / "_SUCCESS").write_text("")
    split = cli("usage", "import", folder, "--engine", "duckdb")  # the same lines in two files
    assert (split.json["imported"], split.json["already_present"]) == (0, 7)
    assert july_settlement(channel) == expected_july(r, s, a)  # counted once


def test_a_bad_row_is_named_and_nothing_is_written(world, cli):
    channel, r, s, a = world
    rows = [*JULY, ["L9", "C-1", "ecs", "2026-07-11", "1,000.00", ""], ["L10", "", "ecs", "2026-07-11", "1", "yes"],
            ["L11", "C-1", "ecs", "2026-07-11", "0.0000001", ""], ["L12", "C-1", "ecs", "2026-07-11", "2", "maybe"]]
    path = usage_file(channel, rows, "bad.csv")
    result = cli("usage", "import", path, "--engine", "duckdb")
    assert result.code == 2
    assert result.stderr.strip().splitlines()[-5:] == [
        f"partnerdesk: {path}: 4 bad rows, nothing imported",
        f"{path}: line 9: amount: '1,000.00' is not a decimal amount: it must be written without thousands "
        "separators (50000, not 50,000)",
        f"{path}: line 10: customer_id: is empty",
        f"{path}: line 11: amount: '0.0000001' has more than 6 decimal places",
        f"{path}: line 12: commissionable: 'maybe' must be true or false"]
    assert settle_month(channel.ws, "2026-07", as_of=AUG_1).invoices == []  # nothing was stored


@pytest.mark.parametrize("arguments, message", [
    (["--engine", "sql"], "invalid choice: 'sql'"),
    (["--engine"], "expected one argument"),
    (["--spark-master", "local[2]"], "--spark-master: goes only with --engine spark"),
])
def test_a_wrong_engine_option_exits_2(sqlite_cli, tmp_path, arguments, message):
    path = tmp_path / "usage.csv"
    path.write_text(",".join(USAGE_HEADER) + "\n")
    result = sqlite_cli("usage", "import", path, *arguments)
    assert (result.code, message in result.stderr) == (2, True)


def test_a_file_that_is_not_csv_or_parquet_exits_2(sqlite_cli, tmp_path):
    path = tmp_path / "usage.xlsx"
    path.write_text("line_id\n")
    result = sqlite_cli("usage", "import", path, "--engine", "duckdb")
    assert result.code == 2
    assert f"{path}: not a CSV or Parquet file" in result.stderr


def test_a_row_of_the_wrong_length_makes_the_file_not_readable_as_csv(world, cli):
    """Past the rows DuckDB samples for the file's shape, so that the summing meets the row."""
    channel, r, s, a = world
    good = [[f"G{n}", "C-1", "ecs", "2026-07-10", "1.00", "true"] for n in range(30_000)]
    path = usage_file(channel, [*good, [*JULY[1], "extra"], JULY[2]], "ragged.csv")
    result = cli("usage", "import", path, "--engine", "duckdb")
    assert result.code == 2
    assert result.stderr.splitlines()[-1] == f"partnerdesk: {path}: not readable as CSV (Invalid Input Error: CSV Error on Line: 30002)"
    assert settle_month(channel.ws, "2026-07", as_of=AUG_1).invoices == []


def test_spark_names_the_record_it_cannot_parse(world, spark):
    channel, r, s, a = world
    path = usage_file(channel, [JULY[0], [*JULY[1], "extra"], JULY[2]], "ragged.csv")
    with pytest.raises(InputError) as refused:
        through(spark, channel, path)
    assert str(refused.value) == (f"{path}: not readable as CSV ([MALFORMED_CSV_RECORD] Malformed CSV record: "
                                  "L2,C-1,ecs,2026-07-15,0.005,true,extra SQLSTATE: KD000)")
    assert settle_month(channel.ws, "2026-07", as_of=AUG_1).invoices == []


def test_a_spark_job_that_fails_is_a_failure_of_the_engine_not_of_the_file(world, spark, cli, tmp_path, monkeypatch):
    """Spark's own settings (spark-defaults.conf in SPARK_CONF_DIR) ask for a Parquet codec whose
    classes are not installed: the job that writes the day sums fails on every task."""
    channel, r, s, a = world
    settings = tmp_path / "spark-conf"
    settings.mkdir()
    (settings / "spark-defaults.conf").write_text("spark.sql.parquet.compression.codec lzo\n")
    monkeypatch.setenv("SPARK_CONF_DIR", str(settings))
    path = usage_file(channel, JULY, "july.csv")
    result = cli("usage", "import", path, "--engine", "spark")
    assert result.code == 1
    [message] = [line for line in result.stderr.splitlines() if line.startswith("partnerdesk:")]
    assert message.startswith(f"partnerdesk: {path}: the spark engine failed: org.apache.spark.SparkException: "
                              "Job aborted due to stage failure: ")
    assert message.endswith("BadConfigurationException: Class com.hadoop.compression.lzo.LzoCodec was not found")
    assert "Traceback" not in result.stderr
    assert settle_month(channel.ws, "2026-07", as_of=AUG_1).invoices == []


def test_a_delivery_into_a_closed_month_settles_as_an_adjustment(workspace, tmp_path):
    channel = Channel(workspace, tmp_path)
    reseller = channel.partner("direct_reseller")
    channel.customers([["C-1", reseller, "2026-01-01"]])
    channel.usage([["L1", "C-1", "ecs", "2026-07-10", "100.00"]])
    [july] = settle_month(channel.ws, "2026-07", as_of=AUG_1).invoices  # 100.00, discount 3.00, total 97.00
    late = usage_file(channel, [["D1", "C-1", "ecs", "2026-07-20", "40.005", "true"],
                                ["D2", "C-1", "ecs", "2026-08-05", "10.00", "true"]], "late.csv")
    through(DuckDBEngine(), channel, late)
    [august] = settle_month(channel.ws, "2026-08", as_of=SEP_1).invoices
    # August's own usage: 10.00, discount 0.30, net 9.70.
    # July is now 100.00 + 40.005 = 140.005 -> 140.01, of which 100.00 was invoiced:
    # an adjustment of 40.01, discount 40.01 x 0.03 = 1.2003 -> 1.20, net 38.81; total 48.51.
    assert [(str(l.gross), str(l.discount), str(l.net), l.adjusts) for l in august.lines] == [
        ("10.00", "0.30", "9.70", None), ("40.01", "1.20", "38.81", "2026-07")]
    assert str(august.total) == "48.51"
    assert str(july.total) == "97.00"


def test_a_customer_moved_by_a_customers_import_moves_its_day_sums(workspace, tmp_path):
    channel = Channel(workspace, tmp_path)
    r, s = channel.partner("direct_reseller"), channel.partner("direct_reseller")
    channel.customers([["C-1", r, "2026-01-01"]])
    through(DuckDBEngine(), channel, usage_file(channel, [["L1", "C-1", "ecs", "2026-07-10", "100.00", ""],
                                                          ["L3", "C-1", "ecs", "2026-07-20", "50.00", ""]], "u.csv"))
    channel.customers([["C-1", s, "2026-07-16"]], name="moved.csv")
    settled = {i.bill_to: str(i.total) for i in settle_month(channel.ws, "2026-07", as_of=AUG_1).invoices}
    assert settled == {r: "97.00", s: "48.50"}  # 100.00 - 3.00; 50.00 - 1.50
    with pytest.raises(InputError, match="has usage on or after 2026-07-01 in a settled month"):
        channel.customers([["C-1", r, "2026-07-01"]], name="back.csv")  # July's day sums are settled
