"""Importing customers and billing lines: all or nothing, every bad row named, repeatable."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from kernel.partner_types import partner_key
from kernel.periods import Month
from partnerdesk import csvcolumns, imports
from partnerdesk.errors import InputError
from partnerdesk.settling import settle_month, settle_quarter
from partnerdesk.whatif import what_if
from settlement_world import USAGE_HEADER, Channel
from storage import line_sums
from storage.settlement_tables import CustomerAssociation, PartnerSumRow, UsageLine


@pytest.fixture
def channel(workspace, tmp_path) -> Channel:
    return Channel(workspace, tmp_path)


def stored(ws, table) -> int:
    with Session(ws.engine) as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def refusal(call) -> list[str]:
    with pytest.raises(InputError) as raised:
        call()
    return str(raised.value).splitlines()


def test_every_bad_row_is_named_with_its_line_and_nothing_is_imported(channel, tmp_path):
    path = tmp_path / "usage.csv"
    path.write_text("line_id,customer_id,product,usage_date,amount,commissionable\n"
                    "L1,C-1,ecs,2026-07-01,10.00,true\n"
                    "L2,C-1,ecs,2026-07-01,10.0000001,true\n"
                    "L3,C-1,ecs,2026-07-32,10,true\n"
                    "L4,,ecs,2026-07-01,10,true\n"
                    "L5,C-1,ecs,2026-07-01,ten,true\n"
                    "L6,C-1,ecs,2026-07-01,10,yes\n"
                    "L7,C-1,ecs,2026-07-01,10,true,extra\n"
                    "L8,C-1,ecs\n"
                    "L9,C-1,ecs,2026-07-01,-4.5\n")
    lines = refusal(lambda: imports.import_usage(channel.ws, path))
    assert lines[0] == f"{path}: 7 bad rows, nothing imported"
    assert lines[1:] == [
        f"{path}: line 3: amount: '10.0000001' has more than 6 decimal places",
        f"{path}: line 4: usage_date: '2026-07-32' is not a date written YYYY-MM-DD",
        f"{path}: line 5: customer_id: is empty",
        f"{path}: line 6: amount: 'ten' is not a decimal amount: it must be a decimal of digits with an optional sign "
        "and decimal point, like 1234.50 (no exponent, spaces, separators or underscores)",
        f"{path}: line 7: commissionable: 'yes' must be true or false",
        f"{path}: line 8: 7 fields where the header has 6",
        f"{path}: line 9: too few fields (no value for usage_date, amount)",
    ]
    assert stored(channel.ws, UsageLine) == 0


def test_a_header_with_a_missing_or_unknown_column_is_refused(channel, tmp_path):
    path = tmp_path / "usage.csv"
    path.write_text("line_id,customer,product,usage_date,amount\nL1,C-1,ecs,2026-07-01,1\n")
    [message] = refusal(lambda: imports.import_usage(channel.ws, path))
    assert message.startswith(f"{path}: line 1 (header): missing column 'customer_id'; unknown column 'customer'")
    assert stored(channel.ws, UsageLine) == 0


def test_the_same_line_again_is_a_no_op_and_other_content_under_its_id_is_refused(channel):
    first = channel.usage([["L1", "C-1", "ecs", "2026-07-01", "10.50"], ["L2", "C-1", "oss", "2026-07-02", "3"]])
    assert (first.rows_read, first.imported, first.already_present) == (2, 2, 0)
    again = channel.usage([["L1", "C-1", "ecs", "2026-07-01", "10.500"], ["L3", "C-2", "ecs", "2026-07-03", "1"]],
                          name="again.csv")
    assert (again.rows_read, again.imported, again.already_present) == (2, 1, 1)  # 10.500 is 10.50
    path = channel.folder / "changed.csv"
    lines = refusal(lambda: channel.usage([["L4", "C-3", "ecs", "2026-07-04", "1"],
                                           ["L1", "C-1", "ecs", "2026-07-01", "11.50"],
                                           ["L2", "C-9", "oss", "2026-07-05", "3"]], name="changed.csv"))
    assert lines[1:] == [f"{path}: line 3: line_id: 'L1' is already present with a different amount",
                         f"{path}: line 4: line_id: 'L2' is already present with a different customer_id, usage_date"]
    assert stored(channel.ws, UsageLine) == 3  # L4 of the refused file was not imported


def test_one_id_twice_in_a_file_with_other_content_is_a_bad_row(channel):
    lines = refusal(lambda: channel.usage([["L1", "C-1", "ecs", "2026-07-01", "1"],
                                           ["L1", "C-1", "ecs", "2026-07-01", "2"]]))
    assert lines[1].endswith("line 3: line_id: 'L1' is already present with a different amount")
    assert stored(channel.ws, UsageLine) == 0


def test_a_line_of_a_settled_month_is_accepted_as_late_and_repeats_stay_no_ops(channel):
    channel.usage([["L1", "C-1", "ecs", "2026-07-01", "1"]])
    settle_month(channel.ws, "2026-07")
    late = channel.usage([["L2", "C-1", "ecs", "2026-08-01", "1"], ["L3", "C-1", "ecs", "2026-07-31", "1"]],
                         name="late.csv")
    assert (late.imported, late.already_present) == (2, 0)
    assert stored(channel.ws, UsageLine) == 3
    repeat = channel.usage([["L1", "C-1", "ecs", "2026-07-01", "1"], ["L2", "C-1", "ecs", "2026-08-01", "1"],
                            ["L3", "C-1", "ecs", "2026-07-31", "1"]])
    assert (repeat.imported, repeat.already_present) == (0, 3)
    assert stored(channel.ws, UsageLine) == 3


def test_a_customer_that_moves_keeps_its_earlier_usage_with_the_earlier_partner(channel):
    before, after = channel.partner("direct_reseller"), channel.partner("direct_reseller")
    channel.customers([["C-1", before, "2026-01-01"], ["C-1", after, "2026-07-16"]])
    channel.usage([["L1", "C-1", "ecs", "2026-07-15", "100"], ["L2", "C-1", "ecs", "2026-07-16", "30"],
                   ["L3", "C-1", "ecs", "2026-06-30", "7"]])
    invoices = {i.bill_to: i for i in settle_month(channel.ws, "2026-07").invoices}
    assert (str(invoices[before].gross), str(invoices[after].gross)) == ("100.00", "30.00")
    assert [i.bill_to for i in settle_month(channel.ws, "2026-06").invoices] == [before]


def test_a_line_before_its_customers_first_partner_belongs_to_no_partner(channel):
    reseller = channel.partner("direct_reseller")
    channel.customers([["C-1", reseller, "2026-07-10"]])
    channel.usage([["L1", "C-1", "ecs", "2026-07-09", "100"], ["L2", "C-1", "ecs", "2026-07-10", "1"],
                   ["L3", "C-404", "ecs", "2026-07-10", "1000"]])
    [invoice] = settle_month(channel.ws, "2026-07").invoices
    assert str(invoice.gross) == "1.00"


def test_an_association_imported_after_the_usage_moves_the_stored_lines_to_the_new_partner(channel):
    first, second = channel.partner("direct_reseller"), channel.partner("direct_reseller")
    agency = channel.partner("agency")
    channel.customers([["C-1", first, "2026-01-01"]])
    channel.usage([["L1", "C-1", "ecs", "2026-07-15", "100"], ["L2", "C-1", "ecs", "2026-07-16", "30"],
                   ["L3", "C-1", "oss", "2026-08-02", "5"], ["L4", "C-2", "ecs", "2026-07-20", "1000"],
                   ["L5", "C-2", "ecs", "2026-07-02", "7"]])
    # C-1 moves mid-July; C-2, the vendor's own customer until now, joins the agency on the 10th
    channel.customers([["C-1", second, "2026-07-16"], ["C-2", agency, "2026-07-10"]], name="moves.csv")
    whatif = what_if(channel.ws, "2026-Q3", channel.ws.plan())
    assert {r.partner_id: str(r.commissionable.current) for r in whatif.partners} == {
        first: "100.00", second: "35.00", agency: "1000.00"}
    july = settle_month(channel.ws, "2026-07")
    assert {i.bill_to: str(i.gross) for i in july.invoices} == {first: "100.00", second: "30.00"}
    assert [(c.partner_id, str(c.commissionable)) for c in july.agency_commissions] == [(agency, "1000.00")]
    [august] = settle_month(channel.ws, "2026-08").invoices
    assert (august.bill_to, str(august.gross)) == (second, "5.00")
    quarter = {c.partner_id: str(c.commissionable) for c in settle_quarter(channel.ws, "2026-Q3").commissions}
    assert quarter == {first: "100.00", second: "35.00"}


def test_a_move_in_a_file_of_several_batches_is_attributed_once(channel, monkeypatch):
    first, second = channel.partner("distributor"), channel.partner("direct_reseller")
    tier2 = channel.tier2(first)
    channel.customers([[f"C-{n}", tier2, "2026-01-01"] for n in range(5)])
    channel.usage([[f"L{n}", f"C-{n % 5}", "ecs", f"2026-07-{n % 28 + 1:02d}", "10"] for n in range(50)])
    monkeypatch.setattr(imports, "BATCH_ROWS", 2)
    channel.customers([[f"C-{n}", second, "2026-07-15"] for n in range(5)], name="moves.csv")
    invoices = {i.bill_to: str(i.gross) for i in settle_month(channel.ws, "2026-07").invoices}
    before = sum(10 for n in range(50) if n % 28 + 1 < 15)  # stays with the tier-2 and its distributor
    assert invoices == {first: f"{before}.00", tier2: f"{before}.00", second: f"{500 - before}.00"}


def test_customers_of_unknown_partners_and_conflicting_associations_are_bad_rows(channel):
    agency = channel.partner("agency")
    other = channel.partner("agency")
    channel.customers([["C-1", agency, "2026-05-01"]])
    path = channel.folder / "more.csv"
    lines = refusal(lambda: channel.customers([["C-2", other, "2026-05-01"], ["C-3", "P-999", "2026-05-01"],
                                               ["C-4", "Acme", "2026-05-01"], ["C-1", other, "2026-05-01"],
                                               ["C-5", agency, "1 May 2026"]], name="more.csv"))
    assert lines == [f"{path}: 4 bad rows, nothing imported",
                     f"{path}: line 3: partner_id: 'P-999' is not a known partner",
                     f"{path}: line 4: partner_id: 'Acme' is not a known partner",
                     f"{path}: line 5: partner_id: customer 'C-1' is already associated with {agency} from 2026-05-01",
                     f"{path}: line 6: associated_on: '1 May 2026' is not a date written YYYY-MM-DD"]
    assert stored(channel.ws, CustomerAssociation) == 1
    repeat = channel.customers([["C-1", agency, "2026-05-01"], ["C-2", other, "2026-05-01"]])
    assert (repeat.imported, repeat.already_present) == (1, 1)


def test_an_association_that_would_move_lines_of_a_settled_month_is_refused(channel):
    first, second = channel.partner("agency"), channel.partner("agency")
    channel.customers([["C-1", first, "2026-05-01"]])
    channel.usage([["L1", "C-1", "ecs", "2026-07-10", "100"], ["L2", "C-2", "ecs", "2026-07-10", "100"]])
    settle_month(channel.ws, "2026-07")
    lines = refusal(lambda: channel.customers([["C-1", second, "2026-07-01"]], name="move.csv"))
    assert lines[1].endswith("line 2: associated_on: customer 'C-1' has usage on or after 2026-07-01 in a "
                             "settled month, whose partner cannot change")
    moved = channel.customers([["C-1", second, "2026-08-01"], ["C-3", second, "2026-06-01"]], name="later.csv")
    assert moved.imported == 2  # after the closed month, or a customer without closed usage


def test_an_empty_or_missing_file_is_named(channel, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert refusal(lambda: imports.import_usage(channel.ws, empty)) == [
        f"{empty}: line 1 (header): empty file; the header must be line_id,customer_id,product,usage_date,amount"]
    assert refusal(lambda: imports.import_customers(channel.ws, tmp_path / "nowhere.csv")) == [
        f"{tmp_path / 'nowhere.csv'}: file not found"]


def test_a_long_file_reports_progress_every_hundred_thousand_rows(sqlite_workspace, tmp_path):
    path = tmp_path / "long.csv"
    with path.open("w") as handle:
        handle.write(",".join(USAGE_HEADER) + "\n")
        handle.writelines(f"L{n},C-{n % 97},ecs,2026-07-{n % 28 + 1:02d},{n}.25,true\n" for n in range(100_001))
    seen = []
    summary = imports.import_usage(sqlite_workspace, path, progress=seen.append)
    assert seen == [100_000]
    assert (summary.rows_read, summary.imported) == (100_001, 100_001)


def _owner_first(usage_sum: tuple) -> tuple:
    return (usage_sum[0] or "", *usage_sum[1:])


def _stored_sums(ws) -> tuple[list, list]:
    """The usage sums of July and August 2026, and the partners' (owners as 'P-n')."""
    months = [Month.parse("2026-07"), Month.parse("2026-08")]
    with ws.unit_of_work() as uow:
        usage_sums = sorted((s for m in months for s in uow.usage.month_sums(m)), key=_owner_first)
    with Session(ws.engine) as session:
        partner_sums = sorted((m, partner_key(o), p, int(a), int(c)) for m, o, p, a, c in session.execute(
            select(PartnerSumRow.month, PartnerSumRow.partner_id, PartnerSumRow.product, PartnerSumRow.amount_micros,
                   PartnerSumRow.commissionable_micros)))
    return usage_sums, partner_sums


def test_lines_added_to_a_month_that_has_lines_add_to_its_sums_as_deriving_them_again_would(channel, monkeypatch):
    reseller, agency = channel.partner("direct_reseller"), channel.partner("agency")
    channel.customers([["C-1", reseller, "2026-01-01"], ["C-1", agency, "2026-07-16"], ["C-2", agency, "2026-07-10"]])
    channel.usage([["L1", "C-1", "ecs", "2026-07-15", "100"], ["L2", "C-2", "ecs", "2026-07-09", "7"],
                   ["L3", "C-3", "oss", "2026-07-01", "5"]])
    monkeypatch.setattr(csvcolumns, "BLOCK_BYTES", 100)  # batches of a line or two,
    monkeypatch.setattr(line_sums, "WINDOW_ROWS", 2)  # attributed two at a time,
    monkeypatch.setattr(line_sums, "WRITTEN_ROWS", 3)  # written in parts
    channel.usage([["L1", "C-1", "ecs", "2026-07-15", "100"], ["L4", "C-1", "ecs", "2026-07-15", "20"],
                   ["L5", "C-1", "ecs", "2026-07-16", "30"], ["L6", "C-2", "ecs", "2026-07-10", "1000", "false"],
                   ["L7", "C-2", "ecs", "2026-07-09", "3"], ["L8", "C-1", "oss", "2026-08-02", "4"]], name="more.csv")
    m = 1_000_000
    expected_sums = sorted([
        (reseller, "C-1", "ecs", 120 * m, 120 * m), (agency, "C-1", "ecs", 30 * m, 30 * m),
        (agency, "C-2", "ecs", 1000 * m, 0), (None, "C-2", "ecs", 10 * m, 10 * m), (None, "C-3", "oss", 5 * m, 5 * m),
        (agency, "C-1", "oss", 4 * m, 4 * m)], key=_owner_first)
    expected_partners = sorted([("2026-07", reseller, "ecs", 120 * m, 120 * m),
                                ("2026-07", agency, "ecs", 1030 * m, 30 * m), ("2026-08", agency, "oss", 4 * m, 4 * m)])
    imported = _stored_sums(channel.ws)
    assert imported == (expected_sums, expected_partners)
    with channel.ws.unit_of_work() as uow:
        for month in ("2026-07", "2026-08"):
            uow.usage.derive_sums(Month.parse(month))
    assert _stored_sums(channel.ws) == imported


def test_a_usage_import_leaves_pandas_unloaded_yet_loadable(sqlite_cli, tmp_path):
    """pyarrow would load pandas (a third of the import's memory) only to ask about our arrays."""
    path = tmp_path / "usage.csv"
    path.write_text(",".join(USAGE_HEADER) + "\nL1,C-1,ecs,2026-07-01,1.5,true\n")
    script = ("import sys; from pathlib import Path; from partnerdesk import imports; "
              "from partnerdesk.workspace import Workspace; import pyarrow as pa; "
              "summary = imports.import_usage(Workspace.open(), Path(sys.argv[1])); "
              "print(summary.imported, 'pandas' in sys.modules, type(pa.table({'x': [1]}).to_pandas()).__name__)")
    completed = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                               cwd=tmp_path, env=sqlite_cli.env(), timeout=300)
    assert completed.stdout.split() == ["1", "False", "DataFrame"], completed.stderr
