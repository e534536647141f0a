"""Setting up the benchmark databases: fresh schema, then bulk loads where the product has no
bulk path (partners and tier-2 resellers, 100,000 open applications). Everything measured
goes through the product's own code; these loads only put the data in place, quickly.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, delete, insert, text

from bench.config import MONTHS, POSTGRES_ADMIN_URL, POSTGRES_DATABASE, USERS
from bench.progress import Progress, say

STATES = ("submitted",) * 9 + ("info_requested",)


def postgres_available() -> str | None:
    """None when the bench's PostgreSQL server answers, else why not."""
    from partnerdesk.settings import Settings

    try:
        engine = create_engine(Settings(database_url=POSTGRES_ADMIN_URL).database_url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as error:  # noqa: BLE001 - any failure means: skip PostgreSQL
        return f"{POSTGRES_ADMIN_URL}: {error.__class__.__name__}: {str(error).splitlines()[0]}"


def reset_database(backend: str, url: str) -> None:
    """An empty database for the bench: the SQLite file removed, the PostgreSQL database recreated."""
    from partnerdesk.settings import Settings

    if backend == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    admin = create_engine(Settings(database_url=POSTGRES_ADMIN_URL).database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{POSTGRES_DATABASE}"'))
    admin.dispose()


def drop_postgres_database() -> None:
    from partnerdesk.settings import Settings

    admin = create_engine(Settings(database_url=POSTGRES_ADMIN_URL).database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)'))
    admin.dispose()


def read_partners(directory: Path) -> list[dict]:
    with open(directory / "partners.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def load_partners(ws, directory: Path) -> int:
    """Partners and tier-2 resellers with the ids of partners.csv ('P-n' in customers.csv)."""
    from storage.tables import PartnerRow, TerritoryLock

    rows = read_partners(directory)
    at = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    values = [{"id": int(r["id"]), "partner_type": r["partner_type"], "name": r["name"], "territory": r["territory"],
               "tier": r["tier"] or None, "discount_rate": r["discount_rate"] or None,
               "parent_id": int(r["parent_id"]) if r["parent_id"] else None, "application_id": None,
               "approved_on": dt.date.fromisoformat(r["approved_on"]), "created_at": at} for r in rows]
    from bench.generate import TERRITORIES

    with ws.engine.begin() as connection:
        connection.execute(insert(TerritoryLock.__table__), [{"code": code} for code, _, _ in TERRITORIES])
        # Parents first (tier-2 rows reference their distributor).
        connection.execute(insert(PartnerRow.__table__), [v for v in values if v["parent_id"] is None])
        connection.execute(insert(PartnerRow.__table__), [v for v in values if v["parent_id"] is not None])
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT setval(pg_get_serial_sequence('partner', 'id'), "
                                    "(SELECT max(id) FROM partner))"))
    return len(values)


def add_users(ws, directory: Path) -> None:
    from partnerdesk.accounts import add_user
    from partnerdesk.partner_accounts import add_partner_account

    for role, (username, password) in USERS.items():
        if role == "partner":
            add_partner_account(ws, username, password, f"P-{busiest_distributor(directory)}", "Bench partner")
        else:
            add_user(ws, username, password, role, f"Bench {role}")


def busiest_distributor(directory: Path) -> int:
    """The distributor with the most tier-2 resellers: the partner whose pages show the most."""
    rows = read_partners(directory)
    children = Counter(int(r["parent_id"]) for r in rows if r["parent_id"])
    return children.most_common(1)[0][0]


def an_eligible_application(ws, partner_type: str) -> int:
    """An open, eligible application of this type (the page figure approves it)."""
    from sqlalchemy import select

    from storage.tables import ApplicationRow

    table = ApplicationRow.__table__
    with ws.engine.connect() as connection:
        return connection.execute(select(table.c.id).where(
            table.c.state == "submitted", table.c.eligible.is_(True), table.c.partner_type == partner_type)
            .order_by(table.c.id).limit(1)).scalar_one()


def store_applications(ws, directory: Path, decide) -> int:
    """Every application of applications.jsonl stored open with its decision, as `submit` stores
    them (document = the validated application's JSON; `decide` gives the product's decision),
    in batches."""
    from qualification.application import Application
    from storage.tables import ApplicationRow, DecisionRow

    lines = (directory / "applications.jsonl").read_text().splitlines()
    progress = Progress("setup: store applications", len(lines))
    start = dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)
    applications: list[dict] = []
    decisions: list[dict] = []
    with ws.engine.begin() as connection:
        for number, line in enumerate(lines, 1):
            raw = json.loads(line, parse_float=Decimal)
            application, decision = Application.model_validate(raw), decide(raw)
            at = start + dt.timedelta(seconds=60 * number)
            applications.append({
                "id": number, "partner_type": application.partner_type.value,
                "company_name": application.company_name, "territory": application.territory,
                "registration_key": application.registration_key, "state": STATES[number % len(STATES)],
                "eligible": decision.eligible, "submitted_by": f"applicant{number % 5000}@example.com",
                "document": json.dumps(application.as_json()), "created_at": at, "updated_at": at})
            decisions.append({"application_id": number, "as_of": decision.as_of, "rules_version": decision.rules_version,
                              "eligible": decision.eligible, "document": decision.model_dump_json(), "created_at": at})
            if len(applications) == 5_000 or number == len(lines):
                connection.execute(insert(ApplicationRow.__table__), applications)
                connection.execute(insert(DecisionRow.__table__), decisions)
                applications.clear()
                decisions.clear()
                progress.update(number)
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT setval(pg_get_serial_sequence('application', 'id'), "
                                    "(SELECT max(id) FROM application))"))
    progress.done()
    return len(lines)


def reopen_period(ws, period: str) -> None:
    """Undo the bench's own settlement of a period so that a settle figure can be measured again."""
    from sqlalchemy import select

    from storage.settlement_tables import CommissionAdjustmentRow, CommissionRow, InvoiceRow, PaymentRow, Settlement

    invoices = InvoiceRow.__table__
    ids = select(invoices.c.invoice_id).where(invoices.c.period == period)
    with ws.engine.begin() as connection:
        connection.execute(delete(PaymentRow.__table__).where(PaymentRow.__table__.c.invoice_id.in_(ids)))
        connection.execute(delete(invoices).where(invoices.c.period == period))
        for commissions in (CommissionRow.__table__, CommissionAdjustmentRow.__table__):
            connection.execute(delete(commissions).where(commissions.c.period == period))
        connection.execute(delete(Settlement.__table__).where(Settlement.__table__.c.period == period))


def settled_periods(ws) -> list[str]:
    from storage.settlement_tables import Settlement

    with ws.engine.connect() as connection:
        return [row[0] for row in connection.execute(Settlement.__table__.select().with_only_columns(
            Settlement.__table__.c.period))]


def remove_month_lines(ws, month: str) -> int:
    """Delete a month's billing lines and their sums, so that importing it is measured on new lines again."""
    from storage.settlement_tables import LateLine, PartnerSumRow, UsageLine, UsageSumRow

    year, mon = map(int, month.split("-"))
    first = dt.date(year, mon, 1)
    end = dt.date(year + mon // 12, mon % 12 + 1, 1)
    table = UsageLine.__table__
    with ws.engine.begin() as connection:
        for derived in (UsageSumRow.__table__, PartnerSumRow.__table__, LateLine.__table__):
            connection.execute(delete(derived).where(derived.c.month == month))
        return connection.execute(delete(table).where(table.c.usage_date >= first, table.c.usage_date < end)).rowcount


def line_counts(ws) -> dict[str, int]:
    from sqlalchemy import func, select

    from storage.settlement_tables import UsageLine

    table = UsageLine.__table__
    counts = {}
    with ws.engine.connect() as connection:
        for month in MONTHS:
            year, mon = map(int, month.split("-"))
            first, end = dt.date(year, mon, 1), dt.date(year + mon // 12, mon % 12 + 1, 1)
            counts[month] = connection.execute(select(func.count()).select_from(table).where(
                table.c.usage_date >= first, table.c.usage_date < end)).scalar_one()
    return counts


def say_counts(ws) -> None:
    say(f"setup: billing lines stored per month: {line_counts(ws)}")


def analyze(ws) -> None:
    """Planner statistics on every table (PostgreSQL), as autovacuum would gather them later."""
    with ws.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    say("setup: ANALYZE done (--pg-analyze)")


def end_postgres_sessions() -> int:
    """End the sessions still open on the bench database (all of them the bench's own)."""
    from partnerdesk.settings import Settings

    admin = create_engine(Settings(database_url=POSTGRES_ADMIN_URL).database_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return len(connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": POSTGRES_DATABASE}).all())
    finally:
        admin.dispose()


def remove_deliveries(ws, month: str) -> int:
    """Forget every delivery summed by an engine and derive the month's sums again from its lines,
    so that an engine figure is measured on a new delivery and leaves the month as it found it."""
    from kernel.periods import Month
    from storage.delivery_tables import LateDaySum, UsageDaySum, UsageDelivery

    with ws.engine.begin() as connection:
        for table in (LateDaySum.__table__, UsageDaySum.__table__):
            connection.execute(delete(table))
        removed = connection.execute(delete(UsageDelivery.__table__)).rowcount
    with ws.unit_of_work() as uow:
        uow.usage.derive_sums(Month.parse(month))
    return removed
