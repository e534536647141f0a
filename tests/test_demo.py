"""The demo data set: every model, state and page has something true to show, in an empty database only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from partnerdesk import applications, customers
from partnerdesk.accounts import authenticate
from partnerdesk.credit import credit_report
from partnerdesk.demo import load_demo
from partnerdesk.errors import InputError
from partnerdesk.payments import invoice_balances
from partnerdesk.settling import closed_periods, preview_month, settle_month
from partnerdesk.tiers import tier_review
from partnerdesk.whatif import what_if

AS_OF = dt.date(2026, 11, 24)


def test_the_demo_fills_every_model_state_and_account(workspace):
    summary = load_demo(workspace, as_of=AS_OF)
    assert summary.applications.keys() == {"submitted", "info_requested", "approved", "rejected"}
    assert summary.partners.keys() == {"agency", "direct_reseller", "distributor", "tier2_reseller"}
    assert summary.customers >= 200 and summary.billing_lines > 5000
    assert [(a.username, a.role, a.partner_id) for a in summary.accounts] == [
        ("applicant", "applicant", None), ("manager", "manager", None), ("analyst", "analyst", None),
        ("admin", "admin", None), ("agency", "partner", "P-1"), ("reseller", "partner", "P-5"),
        ("distributor", "partner", "P-10"), ("tier2", "partner", "P-13")]
    assert {r.state.value for r in customers.requests(workspace, AS_OF)} == {
        "lead", "invited", "associated", "expired", "pending_review", "rejected"}
    assert all(authenticate(workspace, a.username, a.password) for a in summary.accounts)

    rows = applications.list_applications(workspace)
    assert len({row.territory for row in rows if row.state == "approved"}) >= 5
    assert {row.eligible for row in rows if row.state == "submitted"} == {True, False}
    assert {row.state for row in applications.list_applications(workspace, submitted_by="applicant")} >= {
        "submitted", "info_requested"}

    assert [p.period for p in closed_periods(workspace)] == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-Q2"]
    statuses = {i.status.value for i in invoice_balances(workspace, AS_OF).invoices}
    assert statuses == {"paid", "overdue"}
    assert {i.status.value for i in invoice_balances(workspace, dt.date(2026, 9, 15)).invoices} == {
        "paid", "open", "overdue"}
    july = settle_month(workspace, "2026-07")
    assert any(i.issuer != "vendor" for i in july.invoices) and july.agency_commissions
    assert what_if(workspace, "2026-Q3", workspace.plan()).totals.current > 0
    near = [line for line in credit_report(workspace, AS_OF).partners
            if not line.over_limit and line.available < line.credit_limit * Decimal("0.1")]
    assert near, "a partner near its credit limit"
    assert any(p.proposed != p.tier for p in tier_review(workspace, "2026-Q3").root), "a tier proposal"

    with pytest.raises(InputError, match="the database is not empty"):
        load_demo(workspace, as_of=AS_OF)


def test_the_demo_has_late_lines_that_septembers_invoice_carries_as_adjustments(sqlite_workspace):
    load_demo(sqlite_workspace, as_of=AS_OF)
    july = settle_month(sqlite_workspace, "2026-07")
    first = next(i for i in july.invoices if i.issuer == "vendor")
    september = next(i for i in preview_month(sqlite_workspace, "2026-09").invoices if i.bill_to == first.bill_to)
    adjustments = [(line.customer_id, line.product, line.adjusts) for line in september.lines if line.adjusts]
    customer, product = first.lines[0].customer_id, first.lines[0].product
    assert adjustments == [(customer, product, "2026-07"), (customer, product, "2026-08")]
    assert settle_month(sqlite_workspace, "2026-07") == july  # the issued invoice is unchanged


def test_the_demo_command_prints_its_accounts(sqlite_cli):
    result = sqlite_cli("demo", "--as-of", "2026-11-24")
    assert result.code == 0, result.stderr
    assert {a["username"]: a["password"] for a in result.json["accounts"]} == {
        "applicant": "applicant-demo", "manager": "manager-demo", "analyst": "analyst-demo", "admin": "admin-demo",
        "agency": "agency-demo", "reseller": "reseller-demo", "distributor": "distributor-demo",
        "tier2": "tier2-demo"}
    assert result.json["settled"][-1] == "2026-Q2"


def test_every_demo_audit_trail_runs_forward_in_time(sqlite_workspace):
    load_demo(sqlite_workspace, as_of=dt.date(2026, 11, 24))
    for row in applications.list_applications(sqlite_workspace):
        times = [entry["at"] for entry in applications.history(sqlite_workspace, row.id)]
        assert times == sorted(times), (row.company_name, times)
