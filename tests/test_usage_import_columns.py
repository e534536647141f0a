"""The usage import of files read column-wise: large files, quoting, and the line numbers of bad
rows wherever pyarrow's batches put them. Both databases, through the service the CLI calls."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kernel.periods import Month
from partnerdesk import imports
from partnerdesk.errors import InputError
from settlement_world import USAGE_HEADER

HEADER = ",".join(USAGE_HEADER) + "\n"


def refusal(call) -> list[str]:
    with pytest.raises(InputError) as raised:
        call()
    return str(raised.value).splitlines()


def month_total(ws, month: str) -> Decimal:
    with ws.reading() as uow:
        return sum((Decimal(amount).scaleb(-6) for _, _, _, amount, _ in uow.usage.month_sums(Month.parse(month))),
                   Decimal(0))


def long_file(path, count: int, bad: dict[int, str] | None = None):
    """`count` lines L1.. of July 2026; line n's amount is n/1000 (n + 1 is its line number)."""
    bad = bad or {}
    with path.open("w") as handle:
        handle.write(HEADER)
        handle.writelines(bad.get(n, f"L{n},C-{n % 101},ecs,2026-07-{n % 28 + 1:02d},{n / 1000:.3f},true") + "\n"
                          for n in range(1, count + 1))
    return path


def test_a_file_of_250000_lines_imports_with_the_sum_of_its_amounts(workspace, tmp_path):
    path = long_file(tmp_path / "usage.csv", 250_000)
    summary = imports.import_usage(workspace, path)
    assert (summary.rows_read, summary.imported, summary.already_present) == (250_000, 250_000, 0)
    # 1/1000 + 2/1000 + ... + 250000/1000 = 250000 * 250001 / 2 / 1000
    assert month_total(workspace, "2026-07") == Decimal("31250125.000")
    again = imports.import_usage(workspace, path)
    assert (again.imported, again.already_present) == (0, 250_000)
    assert month_total(workspace, "2026-07") == Decimal("31250125.000")


def test_bad_rows_in_several_batches_are_all_named_and_nothing_is_imported(workspace, tmp_path):
    path = long_file(tmp_path / "usage.csv", 200_000, {
        3: "L3,C-1,ecs,2026-07-01,1e3,true",
        99_999: "L99999,,ecs,2026-07-01,1,true",
        150_000: "L7,C-1,ecs,2026-07-01,2,true",  # L7 again, with another amount
        199_998: "L199998,C-1,ecs,2026-02-30,1,maybe"})
    lines = refusal(lambda: imports.import_usage(workspace, path))
    assert lines[0] == f"{path}: 4 bad rows, nothing imported"
    assert lines[1:] == [
        f"{path}: line 4: amount: '1e3' is not a decimal amount: it must be a decimal of digits with an optional "
        "sign and decimal point, like 1234.50 (no exponent, spaces, separators or underscores)",
        f"{path}: line 100000: customer_id: is empty",
        f"{path}: line 150001: line_id: 'L7' is already present with a different customer_id, usage_date, amount",
        f"{path}: line 199999: usage_date: '2026-02-30' is not a date written YYYY-MM-DD",
    ]
    assert month_total(workspace, "2026-07") == 0


def test_quoted_fields_with_commas_and_quotes_are_read_as_written(workspace, tmp_path):
    path = tmp_path / "usage.csv"
    path.write_text(HEADER + '"L1","C,1","ecs ""large""","2026-07-01","10.5","true"\n'
                             'L2,C-2,ecs,2026-07-02,"-0.5",false\n')
    assert imports.import_usage(workspace, path).imported == 2
    with workspace.reading() as uow:
        stored = uow.usage.stored(["L1", "L2"])
    assert stored["L1"].customer_id == "C,1" and stored["L1"].product == 'ecs "large"'
    assert stored["L1"].amount_micros == 10_500_000 and stored["L2"].commissionable is False


def test_a_quoted_newline_or_a_blank_line_keeps_the_line_numbers_of_bad_rows(workspace, tmp_path):
    path = tmp_path / "usage.csv"
    path.write_text(HEADER + 'L1,"C-1",ecs,2026-07-01,1,true\n'
                             'L2,"C\n2",ecs,2026-07-01,1,true\n'  # lines 3 and 4
                             '\n'
                             'L3,C-3,ecs,2026-07-01,one,true\n')  # line 6
    assert refusal(lambda: imports.import_usage(workspace, path))[1:] == [
        f"{path}: line 6: amount: 'one' is not a decimal amount: it must be a decimal of digits with an optional "
        "sign and decimal point, like 1234.50 (no exponent, spaces, separators or underscores)"]


def test_a_quoted_newline_in_a_good_file_is_kept(workspace, tmp_path):
    path = tmp_path / "usage.csv"
    path.write_text(HEADER + 'L1,"C\n1",ecs,2026-07-01,1,true\n\nL2,C-2,ecs,2026-07-01,2,true\n')
    assert imports.import_usage(workspace, path).imported == 2
    assert month_total(workspace, "2026-07") == Decimal(3)


def test_text_after_a_closing_quote_is_still_not_readable_as_csv(workspace, tmp_path):
    path = tmp_path / "usage.csv"
    path.write_text(HEADER + 'L1,C-1,ecs,2026-07-01,1,true\nL2,"C-2"x,ecs,2026-07-01,1,true\n')
    message = refusal(lambda: imports.import_usage(workspace, path))
    assert message[0].startswith(f"{path}: line ") and message[0].endswith("not readable as CSV (',' expected after '\"')")
    assert month_total(workspace, "2026-07") == 0


def test_rows_without_the_optional_column_and_cells_with_spaces_are_read_as_before(workspace, tmp_path):
    path = tmp_path / "usage.csv"
    path.write_text(HEADER + "L1,C-1,ecs,2026-07-01,1\nL2, C-1 ,ecs,2026-07-01,2, FALSE\n")
    assert imports.import_usage(workspace, path).imported == 2
    with workspace.reading() as uow:
        stored = uow.usage.stored(["L1", "L2"])
    assert stored["L1"].commissionable is True
    assert (stored["L2"].customer_id, stored["L2"].commissionable) == ("C-1", False)
