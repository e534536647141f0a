"""Hostile shapes in application files and import files: only decisions or input errors (exit 2).

The shapes are those a probe used to crash the product (issue 13): JSON nested far too deep,
integers of thousands of digits, exponents and other spellings outside the contract's decimal
grammar, NUL characters, dates at the ends of the calendar and very long values. Every example
runs on SQLite and on PostgreSQL, through the services the CLI calls, storing for real.
"""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import Session

from factories import AS_OF, application
from partnerdesk import applications, imports
from partnerdesk.errors import InputError
from partnerdesk.payments import import_payments
from storage.settlement_tables import UsageLine
from storage.tables import ApplicationRow

HOSTILE = settings(max_examples=40, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
examples = itertools.count()

deep = st.integers(1_000, 100_000).map(lambda n: "[" * n + "]" * n)
huge_integer = st.integers(4_000, 6_000).map(lambda n: "9" * n)
exponent = st.sampled_from(["1e999999999", "-1E-999999999", "1e5", "5E+4", "1.5e3", "0e0"])
off_grammar = st.sampled_from(["1_000", "50,000", " 10", "10 ", ".5", "5.", "+-1", "Infinity", "NaN", "0x10", "١٢"])
extreme_date = st.sampled_from(["9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30", "1899-12-31", "2999-12-31"])
nul_text = st.tuples(st.text(max_size=10), st.text(max_size=10)).map(lambda parts: "\x00".join(parts))
long_text = st.integers(1_000, 100_000).map(lambda n: "X" * n)

# A JSON fragment to put in place of one field's value: raw (a number, a nested array) or a string.
json_fragment = st.one_of(
    deep, huge_integer, exponent,
    (off_grammar | exponent | huge_integer | extreme_date | nul_text | long_text).map(json.dumps),
)
application_fields = st.sampled_from(["registered_capital", "first_year_revenue_commitment", "company_name",
                                      "registration_number", "registration_date", "capital_currency",
                                      "existing_customers", "customer_operations_years", "statement", " ", ""])


def application_text(partner_type: str, field: str, fragment: str) -> str:
    """The application as JSON text with `field` set to the raw JSON `fragment`."""
    data = application(partner_type, registration_number=f"UEN{next(examples)}")
    data[field] = "FRAGMENT"
    return json.dumps(data).replace('"FRAGMENT"', fragment, 1)


def one_line(error: InputError) -> None:
    message = str(error)
    assert message and "\n" not in message and len(message) < 400, message[:400]


def stored_applications(ws) -> int:
    with Session(ws.engine) as session:
        return session.execute(select(func.count()).select_from(ApplicationRow)).scalar_one()


@HOSTILE
@given(partner_type=st.sampled_from(["agency", "direct_reseller", "distributor"]), field=application_fields,
       fragment=json_fragment, store=st.booleans())
def test_hostile_application_files_get_a_decision_or_an_input_error(workspace, tmp_path, partner_type, field,
                                                                    fragment, store):
    path = tmp_path / "application.json"
    path.write_text(application_text(partner_type, field, fragment))
    before = stored_applications(workspace)
    try:
        data = applications.read_json_file(path)
        if store:
            application_id, decision = applications.submit(workspace, data, AS_OF)
            assert application_id and stored_applications(workspace) == before + 1
        else:
            decision = applications.qualify(workspace, data, AS_OF)
    except InputError as error:
        one_line(error)
        assert stored_applications(workspace) == before
        return
    assert decision.eligible == (decision.failed == [])


cell = st.one_of(exponent, off_grammar, huge_integer, extreme_date, nul_text, long_text,
                 st.sampled_from(["10.00", "-4.5", "2026-07-01", "C-1", "ecs", "true", ""]))


def stored_lines(ws) -> int:
    with Session(ws.engine) as session:
        return session.execute(select(func.count()).select_from(UsageLine)).scalar_one()


def csv_text(header: str, rows: list[list[str]]) -> bytes:
    """Rows written as CSV with every cell quoted (a NUL or a comma stays inside its cell)."""
    lines = [header] + [",".join('"' + value.replace('"', '""') + '"' for value in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


@HOSTILE
@given(rows=st.lists(st.tuples(cell, cell, cell, cell, cell), min_size=1, max_size=4))
def test_hostile_usage_files_import_wholly_or_not_at_all(workspace, tmp_path, rows):
    number = next(examples)
    path = tmp_path / "usage.csv"
    path.write_bytes(csv_text("line_id,customer_id,product,usage_date,amount",
                              [[f"{number}-{i}-{line_id}"[:128], *rest] for i, (line_id, *rest) in enumerate(rows)]))
    before = stored_lines(workspace)
    try:
        summary = imports.import_usage(workspace, path)
    except InputError as error:
        assert str(error).splitlines()[0].endswith("nothing imported")
        assert all(len(line) < 400 + len(str(path)) for line in str(error).splitlines())
        assert stored_lines(workspace) == before
        return
    assert stored_lines(workspace) == before + summary.imported


@HOSTILE
@given(rows=st.lists(st.tuples(cell, cell, cell), min_size=1, max_size=4))
def test_hostile_payment_and_customer_files_are_refused_with_input_errors(workspace, tmp_path, rows):
    path = tmp_path / "payments.csv"
    path.write_bytes(csv_text("invoice_id,paid_on,amount", [list(r) for r in rows]))
    with pytest.raises(InputError):  # no invoice exists, so every row is bad one way or another
        import_payments(workspace, path)
    path = tmp_path / "customers.csv"
    path.write_bytes(csv_text("customer_id,partner_id,associated_on", [list(r) for r in rows]))
    with pytest.raises(InputError):  # no partner exists either
        imports.import_customers(workspace, path)
