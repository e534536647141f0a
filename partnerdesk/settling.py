"""Settling a month (invoices, agency commissions) or a quarter (reseller and distributor
commissions): computed from the usage sums kept per owner, stored, and the period closed.
The first settlement returns what it computed and stored; later ones read what was stored.

Only a period that has ended on the settlement's as-of date settles. A settled period is
final. Settling it again with the same plan returns what was stored (identical output,
nothing written); with a plan of other terms it is refused, naming the plan it was settled
with, because the invoices already went out. Late lines of settled periods (dated in a month
closed by a month's or a quarter's settlement) settle as adjustments in the next settlement of
the same kind (settlement/adjustments.py).

Settling waits for running imports and imports wait for it (`Periods.lock`), so two
managers settling the same month at once get the same stored invoices, written once.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from kernel.periods import Month, Quarter, parse_period
from partnerdesk.bulk import cycle_collection_paused
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace
from settlement import adjustments, monthly, quarterly
from settlement.closing import NotEnded, SettledPeriod, check_ended, months_closed_by
from settlement.commissions import AgencyCommission, QuarterlyCommission
from settlement.invoices import InvoiceLine
from settlement.monthly import MonthSettlement
from settlement.partners import Partner, TermsMissing, billing_partners, discount_rate
from settlement.plan import Plan
from settlement.quarterly import QuarterSettlement
from storage.uow import UnitOfWork


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


def partners(uow: UnitOfWork) -> dict[str, Partner]:
    """Every partner as settlement sees it (with its managers' tier changes), by its 'P-n' id."""
    return billing_partners(uow.partners.list(), uow.partner_terms.tier_changes())


def _same_plan_or_refuse(uow: UnitOfWork, period: str, plan: Plan) -> bool:
    """True when the period is settled already (with this plan); refused with another plan."""
    settled = uow.periods.get(period)
    if settled is None:
        return False
    if settled.plan_fingerprint != plan.fingerprint:
        raise InputError(f"{period}: settled and closed on {settled.settled_at:%Y-%m-%d} with plan "
                         f"{settled.plan_version} (terms {settled.plan_fingerprint}); the plan given "
                         f"({plan.version}, terms {plan.fingerprint}) has other terms")
    return True


def _ended_or_refuse(period: Month | Quarter, as_of: dt.date) -> None:
    try:
        check_ended(period, as_of)
    except NotEnded as error:
        raise InputError(f"{'month' if isinstance(period, Month) else 'quarter'}: {error}") from None


def _settled_before(uow: UnitOfWork, kind: str, period: str) -> list[str]:
    """The periods of this kind settled already that come before `period`: the ones whose late
    lines settling `period` takes up. A late line of a later period waits for a settlement after
    it (settling an earlier period late never bills usage dated after its invoice)."""
    return [p.period for p in uow.periods.list() if p.kind == kind and p.period < period]


def _settled_plans(uow: UnitOfWork, periods: list[str], plan: Plan) -> dict[str, Plan]:
    """The plan each period was settled with; `plan`, the one settling now, for a period settled
    before plans were kept whole."""
    kept = uow.periods.plans(periods)
    return {period: kept.get(period, plan) for period in periods}


def _late_commissionable(uow: UnitOfWork, plans: dict[str, Plan]) -> dict[tuple[str, str], int]:
    """Late commissionable usage of settled months, each without the products its own plan excludes."""
    months_by_products: dict[tuple[str, ...], list[str]] = {}
    for month, plan in plans.items():
        months_by_products.setdefault(tuple(plan.non_commissionable_products), []).append(month)
    late: dict[tuple[str, str], int] = {}
    for products, months in months_by_products.items():
        late.update(uow.usage.late_commissionable(months, products))
    return late


def _month_adjustments(uow: UnitOfWork, month: Month, plan: Plan, known: dict[str, Partner]
                       ) -> tuple[dict[str, list[InvoiceLine]], list[AgencyCommission]]:
    """Adjustment lines per invoice and agency adjustments for the late lines of settled months,
    each under the terms its month was settled with."""
    settled = _settled_before(uow, "month", month.key)
    if not settled or not uow.usage.has_late("month", settled):
        return {}, []
    rates, plans = uow.periods.invoice_rates(settled), _settled_plans(uow, settled, plan)

    def rate_of(adjusted: str, bill_to: str):
        """The rate of the partner's invoice of the adjusted month; with none, its tier's then."""
        if (adjusted, bill_to) in rates:
            return rates[adjusted, bill_to]
        return discount_rate(plans[adjusted], known[bill_to], adjusted)

    lines = adjustments.invoice_adjustments(known, uow.usage.late_month_sums(settled), rate_of)
    late = _late_commissionable(uow, plans)
    agencies = adjustments.agency_adjustments(month.key, known, late, uow.periods.paid(sorted({m for m, _ in late})),
                                              {m: p.agency.commission_rate for m, p in plans.items()})
    return lines, agencies


def month_figures(uow: UnitOfWork, month: Month, plan: Plan) -> MonthSettlement:
    """What settling the month would produce now (nothing written): invoices from the month's
    sums per owner, customer and product; agency commissions from the partners' sums; and the
    adjustments for late lines of settled months."""
    known = partners(uow)
    agencies = quarterly.commission_base(uow.usage.commissionable_sums([month], plan.non_commissionable_products),
                                         known).agency_monthly
    try:
        lines, agency_adjustments = _month_adjustments(uow, month, plan, known)
        return monthly.settle_month(month, plan, known, uow.usage.billed_month_sums(month),
                                    {agency: sum(micros) for agency, micros in agencies.items()},
                                    lines, agency_adjustments)
    except TermsMissing as error:
        raise InputError(str(error)) from None


def _quarter_adjustments(uow: UnitOfWork, quarter: Quarter, plan: Plan,
                         known: dict[str, Partner]) -> list[QuarterlyCommission]:
    """Each settled quarter with late lines recomputed under the plan it was settled with, for
    the partners they count for."""
    settled = [Quarter.parse(q) for q in _settled_before(uow, "quarter", quarter.key)]
    months = [m.key for q in settled for m in q.months]
    if not months or not uow.usage.has_late("quarter", months):
        return []
    owners = uow.usage.late_owners("quarter", months)
    plans, entries = _settled_plans(uow, [q.key for q in settled], plan), []
    for adjusted in settled:
        keys, terms = {m.key for m in adjusted.months}, plans[adjusted.key]
        counted = {adjustments.bill_to_of(known[o]) for m, o in owners if m in keys} - {None}
        if counted:
            base = quarterly.commission_base(
                uow.usage.commissionable_sums(adjusted.months, terms.non_commissionable_products), known).quarterly
            paid = {partner: p for (_, partner), p in uow.periods.paid([adjusted.key]).items()}
            entries += adjustments.quarter_adjustments(terms, known, adjusted.key,
                                                       {p: base.get(p, 0) for p in counted}, paid)
    return entries


def quarter_figures(uow: UnitOfWork, quarter: Quarter, plan: Plan) -> QuarterSettlement:
    """What settling the quarter would produce now (nothing written), with the differences
    owed for settled quarters that late lines changed."""
    known = partners(uow)
    base = quarterly.commission_base(uow.usage.commissionable_sums(quarter.months, plan.non_commissionable_products),
                                     known)
    try:
        return quarterly.settle_quarter(quarter, plan, known, base.quarterly,
                                        _quarter_adjustments(uow, quarter, plan, known))
    except TermsMissing as error:
        raise InputError(str(error)) from None


def settle_month(ws: Workspace, month: str | Month, plan: Plan | None = None, at: dt.datetime | None = None,
                 as_of: dt.date | None = None) -> MonthSettlement:
    """`settle month`: the month's invoices and agency commissions, stored once; the month closes.
    `as_of` (default: the day of `at`, now) must be after the month."""
    month, plan = parse_month(month), plan or ws.plan()
    at = at or dt.datetime.now(dt.timezone.utc)
    _ended_or_refuse(month, as_of or at.date())
    with cycle_collection_paused(), ws.unit_of_work() as uow:
        uow.periods.lock(settling=True)
        if _same_plan_or_refuse(uow, month.key, plan):
            return uow.periods.month(month)
        figures = month_figures(uow, month, plan)
        uow.periods.close(month.key, "month", plan, at)
        uow.periods.save_month(figures)
        uow.usage.settle_late("month", _settled_before(uow, "month", month.key), month.key)
        return figures


def settle_quarter(ws: Workspace, quarter: str | Quarter, plan: Plan | None = None, at: dt.datetime | None = None,
                   as_of: dt.date | None = None) -> QuarterSettlement:
    """`settle quarter`: each direct reseller's and distributor's commission, stored once.
    `as_of` (default: the day of `at`, now) must be after the quarter."""
    quarter, plan = parse_quarter(quarter), plan or ws.plan()
    at = at or dt.datetime.now(dt.timezone.utc)
    _ended_or_refuse(quarter, as_of or at.date())
    with ws.unit_of_work() as uow:
        uow.periods.lock(settling=True)
        if _same_plan_or_refuse(uow, quarter.key, plan):
            return QuarterSettlement(period=quarter.key, commissions=uow.periods.quarter_commissions(quarter))
        figures = quarter_figures(uow, quarter, plan)
        uow.periods.close(quarter.key, "quarter", plan, at)
        uow.periods.save_commissions(quarter.key, figures.commissions)
        settled = [Quarter.parse(q) for q in _settled_before(uow, "quarter", quarter.key)]
        uow.usage.settle_late("quarter", [m.key for q in settled for m in q.months], quarter.key)
        return figures


def preview_month(ws: Workspace, month: str | Month, plan: Plan | None = None) -> MonthSettlement:
    """A month as it stands: stored if settled, else computed now; writes nothing."""
    month = parse_month(month)
    with cycle_collection_paused(), ws.reading() as uow:
        if uow.periods.get(month.key) is not None:
            return uow.periods.month(month)
        return month_figures(uow, month, plan or ws.plan())


def closed_periods(ws: Workspace) -> list[SettledPeriod]:
    """Every settled month and quarter with the plan it was settled with, oldest first."""
    with ws.reading() as uow:
        return uow.periods.list()


class SettlementPreview(BaseModel):
    """What settling a period on a day would do, before anyone confirms it."""

    model_config = ConfigDict(frozen=True)

    period: str
    kind: str
    closes: list[str]
    """The months whose lines' partners the settlement fixes for good."""
    settled: bool
    adjusts: list[str]
    """Settled periods whose late lines this settlement settles as adjustments."""
    refusal: str | None
    """Why it cannot be settled on that day (it has not ended), or None."""


def preview_settlement(ws: Workspace, period: str, as_of: dt.date) -> SettlementPreview:
    """Which months settling `period` on `as_of` closes, and whether it may be settled then."""
    try:
        chosen = parse_period(period)
    except ValueError as error:
        raise InputError(f"period: {error}") from None
    try:
        check_ended(chosen, as_of)
        refusal = None
    except NotEnded as error:
        refusal = str(error)
    kind = "month" if isinstance(chosen, Month) else "quarter"
    with ws.reading() as uow:
        settled = uow.periods.get(chosen.key) is not None
        adjusts = [] if settled else _late_periods(uow, kind, chosen.key)
    return SettlementPreview(period=chosen.key, kind=kind, closes=[m.key for m in months_closed_by(chosen)],
                             settled=settled, adjusts=adjusts, refusal=refusal)


def _late_periods(uow: UnitOfWork, kind: str, period: str) -> list[str]:
    """The settled periods before `period` with late lines that no settlement has accounted for yet."""
    periods = _settled_before(uow, kind, period)
    months = {p: [m.key for m in Quarter.parse(p).months] if kind == "quarter" else [p] for p in periods}
    late = {m for m, _ in uow.usage.late_owners(kind, [m for ms in months.values() for m in ms])} if periods else set()
    return [p for p in periods if late & set(months[p])]


def settle(ws: Workspace, period: str, as_of: dt.date) -> MonthSettlement | QuarterSettlement:
    """`settle month` or `settle quarter`, whichever the period is."""
    preview = preview_settlement(ws, period, as_of)
    run = settle_month if preview.kind == "month" else settle_quarter
    return run(ws, preview.period, as_of=as_of)
