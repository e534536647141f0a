"""A database made by an earlier version upgrades to the current schema without losing data."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from conftest import RULES_DIR
from factories import AS_OF, application
from kernel.states import Action
from partnerdesk import applications
from partnerdesk.credit import credit_report
from partnerdesk.payments import import_payments, invoice_balances
from partnerdesk.review import review
from partnerdesk.settings import Settings
from partnerdesk.settling import preview_month, settle_month
from partnerdesk.tier2 import add_tier2, resellers_of
from partnerdesk.whatif import what_if
from partnerdesk.workspace import Workspace
from settlement_world import Channel
from storage.db import _alembic_config, make_engine

AT = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.timezone.utc)


def test_an_earlier_database_upgrades_with_its_applications_and_trail(database_url):
    url = Settings(database_url=database_url).database_url
    first_revision = ScriptDirectory.from_config(_alembic_config(None)).get_base()
    engine = make_engine(url)
    document = json.dumps(application("agency"))
    decision = {"partner_type": "agency", "eligible": True, "as_of": "2026-06-01",
                "rules_version": "2026.5.0+0badc0de", "criteria": [], "failed": [],
                "to_review": ["partnership_willingness"], "qualifies_as": []}
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), first_revision)
        connection.execute(text(
            "INSERT INTO application (partner_type, company_name, territory, registration_key, state,"
            " eligible, submitted_by, document, created_at, updated_at) VALUES ('agency', 'Old Co', 'SG',"
            " '201912345R', 'submitted', true, NULL, :document, :at, :at)"), {"document": document, "at": AT})
        old_id = connection.execute(text("SELECT id FROM application")).scalar_one()
        connection.execute(text(
            "INSERT INTO decision (application_id, as_of, rules_version, eligible, document, created_at)"
            " VALUES (:id, '2026-06-01', '2026.5.0+0badc0de', true, :document, :at)"),
            {"id": old_id, "document": json.dumps(decision), "at": AT})
        connection.execute(text(
            "INSERT INTO audit_entry (application_id, action, actor, at, reason, rules_version, details)"
            " VALUES (:id, 'submitted', 'applicant', :at, NULL, NULL, '{}')"), {"id": old_id, "at": AT})
    engine.dispose()

    ws = Workspace.open(Settings(database_url=database_url, rules_dir=RULES_DIR))
    [row] = applications.list_applications(ws)
    assert (row.id, row.company_name, row.state) == (old_id, "Old Co", "submitted")
    assert applications.history(ws, old_id)[0]["action"] == "submitted"
    review(ws, old_id, Action.reject, by="maria", reason="closed during migration test")
    assert [e["action"] for e in applications.history(ws, old_id)] == ["submitted", "rejected"]
    new_id, _ = applications.submit(ws, application("direct_reseller"), AS_OF)
    assert new_id > old_id


def test_the_usage_sums_are_backfilled_from_the_stored_lines(workspace, tmp_path):
    channel = Channel(workspace, tmp_path)
    agency, reseller, distributor = (channel.partner(t) for t in ("agency", "direct_reseller", "distributor"))
    tier2 = channel.tier2(distributor)
    channel.customers([["C-A", agency, "2026-01-01"], ["C-R", reseller, "2026-01-01"], ["C-T", tier2, "2026-01-01"],
                       ["C-R", tier2, "2026-07-20"], ["C-V", reseller, "2026-08-05"]])
    channel.usage([[f"L{n}", customer, product, f"2026-0{7 + n % 3}-{n % 28 + 1:02d}", f"{n}.123457",
                    "false" if n % 7 == 0 else "true"]
                   for n, (customer, product) in enumerate(
                       [(c, p) for c in ("C-A", "C-R", "C-T", "C-V", "C-X") for p in ("ecs", "marketplace")] * 9)])
    before = [preview_month(workspace, m) for m in ("2026-07", "2026-08", "2026-09")]
    whatif = what_if(workspace, "2026-Q3", workspace.plan())
    with workspace.engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0003")
        command.upgrade(_alembic_config(connection), "head")
    assert [preview_month(workspace, m) for m in ("2026-07", "2026-08", "2026-09")] == before
    assert what_if(workspace, "2026-Q3", workspace.plan()) == whatif
    assert sum(len(m.invoices) for m in before) > 4 and all(m.agency_commissions for m in before)


def test_settled_invoices_keep_their_lines_across_the_move_into_the_invoice(workspace, tmp_path):
    """0005 keeps a settled month's invoice lines in their invoice; both directions lose nothing."""
    channel = Channel(workspace, tmp_path)
    reseller = channel.partner("direct_reseller")
    channel.customers([["C-1", reseller, "2026-01-01"], ["C-2", reseller, "2026-01-01"]])
    channel.usage([[f"L{n}", customer, product, f"2026-07-{n + 1:02d}", f"{n}.125", "true"]
                   for n, (customer, product) in enumerate([(c, p) for c in ("C-1", "C-2") for p in ("ecs", "oss")])])
    settled = settle_month(workspace, "2026-07")
    invoice = settled.invoices[0].invoice_id
    import_payments(workspace, channel.file("payments.csv", ["invoice_id", "paid_on", "amount"],
                                            [[invoice, "2026-08-10", "1.00"]]))
    with workspace.engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0004")
        assert connection.execute(text("SELECT count(*) FROM invoice_line")).scalar_one() == 4
        command.upgrade(_alembic_config(connection), "head")
    again = settle_month(workspace, "2026-07")
    assert again == settled
    assert invoice_balances(workspace, AS_OF).invoices[0].paid == Decimal("1.00")
    assert [(line.customer_id, line.product) for line in again.invoices[0].lines] == [
        ("C-1", "ecs"), ("C-1", "oss"), ("C-2", "ecs"), ("C-2", "oss")]


def test_tier2_resellers_from_before_0011_come_back_without_a_contact_e_mail(workspace, tmp_path):
    channel = Channel(workspace, tmp_path)
    distributor = channel.partner("distributor")
    kept = add_tier2(workspace, distributor, "Orchard Tech", contact_email="sales@orchard.example")
    with workspace.engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0010")
        command.upgrade(_alembic_config(connection), "head")
    [reseller] = resellers_of(workspace, distributor, AS_OF)
    assert (reseller.partner_id, reseller.name, reseller.contact_email) == (kept, "Orchard Tech", None)


def test_usage_not_yet_invoiced_still_counts_towards_credit_after_0013(workspace, tmp_path):
    """0013 keeps the partners' gross beside their commissionable usage; credit control reads it."""
    channel = Channel(workspace, tmp_path)
    reseller, distributor = channel.partner("direct_reseller"), channel.partner("distributor")
    tier2 = channel.tier2(distributor)
    channel.customers([["C-R", reseller, "2026-01-01"], ["C-T", tier2, "2026-01-01"]])
    channel.usage([["L1", "C-R", "ecs", "2026-07-03", "100.25", "true"],
                   ["L2", "C-R", "marketplace", "2026-07-04", "50.50", "false"],
                   ["L3", "C-T", "ecs", "2026-07-05", "20.00", "true"]])
    with workspace.engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0012")
        command.upgrade(_alembic_config(connection), "head")
    unbilled = {line.partner_id: line.unbilled for line in credit_report(workspace, dt.date(2026, 7, 31)).partners}
    # 100.25 + 50.50 of the reseller's own customer; the tier-2 reseller's 20.00 is its distributor's
    assert unbilled == {reseller: Decimal("150.75"), distributor: Decimal("20.00")}
