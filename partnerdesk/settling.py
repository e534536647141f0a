"""Settling a month (invoices, agency commissions) or a quarter (reseller and distributor
commissions): computed from the usage sums kept per owner, stored, and the period closed.
The first settlement returns what it computed and stored; later ones read what was stored.

A settled period is final. Settling it again with the same plan returns what was stored
(identical output, nothing written); with a plan of other terms it is refused, naming the
plan it was settled with, because the invoices already went out. Settling a quarter closes
its three months for new billing lines, since its commissions were paid on them.

Settling waits for running imports and imports wait for it (`lock_periods`), so two
managers settling the same month at once get the same stored invoices, written once.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from kernel.periods import Month, Quarter
from partnerdesk.bulk import cycle_collection_paused
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace
from settlement import monthly, quarterly
from settlement.monthly import MonthSettlement
from settlement.partners import TermsMissing
from settlement.plan import Plan
from settlement.quarterly import QuarterSettlement
from storage import settlement_records as records
from storage.db import transaction


def parse_month(text: str | Month) -> Month:
    try:
        return text if isinstance(text, Month) else Month.parse(text)
    except ValueError as error:
        raise InputError(f"month: {error}") from None


def parse_quarter(text: str | Quarter) -> Quarter:
    try:
        return text if isinstance(text, Quarter) else Quarter.parse(text)
    except ValueError as error:
        raise InputError(f"quarter: {error}") from None


def _same_plan_or_refuse(session: Session, period: str, plan: Plan) -> bool:
    """True when the period is settled already (with this plan); refused with another plan."""
    settled = records.settlement(session, period)
    if settled is None:
        return False
    if settled.plan_fingerprint != plan.fingerprint:
        raise InputError(f"{period}: settled and closed on {settled.settled_at:%Y-%m-%d} with plan "
                         f"{settled.plan_version} (terms {settled.plan_fingerprint}); the plan given "
                         f"({plan.version}, terms {plan.fingerprint}) has other terms")
    return True


def month_figures(session: Session, month: Month, plan: Plan) -> MonthSettlement:
    """What settling the month would produce now (nothing written): invoices from the month's
    sums per owner, customer and product; agency commissions from the partners' sums."""
    partners = records.partners(session)
    agencies = quarterly.commission_base(records.commissionable_sums(session, [month]), partners,
                                         plan.non_commissionable_products).agency_monthly
    try:
        return monthly.settle_month(month, plan, partners, records.billed_month_sums(session, month),
                                    {agency: sum(micros) for agency, micros in agencies.items()})
    except TermsMissing as error:
        raise InputError(str(error)) from None


def quarter_figures(session: Session, quarter: Quarter, plan: Plan) -> QuarterSettlement:
    """What settling the quarter would produce now (nothing written)."""
    partners = records.partners(session)
    base = quarterly.commission_base(records.commissionable_sums(session, quarter.months), partners,
                                     plan.non_commissionable_products)
    try:
        return quarterly.settle_quarter(quarter, plan, partners, base.quarterly)
    except TermsMissing as error:
        raise InputError(str(error)) from None


def settle_month(ws: Workspace, month: str | Month, plan: Plan | None = None,
                 at: dt.datetime | None = None) -> MonthSettlement:
    """`settle month`: the month's invoices and agency commissions, stored once; the month closes."""
    month, plan = parse_month(month), plan or ws.plan()
    with cycle_collection_paused(), transaction(ws.engine) as session:
        records.lock_periods(session, settling=True)
        if _same_plan_or_refuse(session, month.key, plan):
            return records.load_month(session, month)
        figures = month_figures(session, month, plan)
        records.close(session, month.key, "month", plan, at or dt.datetime.now(dt.timezone.utc))
        records.save_month(session, figures)
        return figures


def settle_quarter(ws: Workspace, quarter: str | Quarter, plan: Plan | None = None,
                   at: dt.datetime | None = None) -> QuarterSettlement:
    """`settle quarter`: each direct reseller's and distributor's commission, stored once."""
    quarter, plan = parse_quarter(quarter), plan or ws.plan()
    with transaction(ws.engine) as session:
        records.lock_periods(session, settling=True)
        if _same_plan_or_refuse(session, quarter.key, plan):
            return QuarterSettlement(period=quarter.key, commissions=records.load_quarter_commissions(session, quarter))
        figures = quarter_figures(session, quarter, plan)
        records.close(session, quarter.key, "quarter", plan, at or dt.datetime.now(dt.timezone.utc))
        records.save_commissions(session, quarter.key, figures.commissions)
        return figures


def preview_month(ws: Workspace, month: str | Month, plan: Plan | None = None) -> MonthSettlement:
    """A month as it stands: stored if settled, else computed now; writes nothing."""
    month = parse_month(month)
    with cycle_collection_paused(), Session(ws.engine) as session:
        if records.settlement(session, month.key) is not None:
            return records.load_month(session, month)
        return month_figures(session, month, plan or ws.plan())


def closed_periods(ws: Workspace) -> list[dict]:
    """Every settled month and quarter with the plan it was settled with, oldest first."""
    with Session(ws.engine) as session:
        return [{"period": s.period, "kind": s.kind, "plan_version": s.plan_version, "settled_at": s.settled_at}
                for s in records.settlements(session)]
