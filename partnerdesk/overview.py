"""Read models of the settlement overview's charts: revenue through partners month by month and
each partner's commission of a quarter. The pages draw them; every figure is made here."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel

from kernel.money import ZERO, Money
from kernel.partner_types import PartnerType
from partnerdesk.errors import InputError
from partnerdesk.settling import parse_month, parse_quarter, preview_month, partners as billing_partners
from partnerdesk.workspace import Workspace
from settlement.invoices import VENDOR
from settlement.partners import TermsMissing
from settlement.quarterly import commission_base
from settlement.whatif import earnings


class ChannelRevenue(BaseModel):
    month: str
    channel: PartnerType
    """Direct resellers and distributors: the gross the vendor billed them; agencies: their
    customers' commissionable revenue (the vendor bills those customers itself)."""
    amount: Money


class PartnerCommission(BaseModel):
    partner_id: str
    partner_type: PartnerType
    tier: str | None
    commission: Money


def revenue_by_channel(ws: Workspace, months: list[str], open_months: bool = False) -> list[ChannelRevenue]:
    """Per month and channel, oldest month first: settled months as issued, added up by the
    database; open months as they stand only when asked, as each is a whole settlement's work."""
    keys = sorted(parse_month(m).key for m in months)
    with ws.reading() as uow:
        settled_months = {p.period for p in uow.periods.list() if p.kind == "month"}
        settled = [m for m in keys if m in settled_months]
        totals: dict[tuple[str, PartnerType], Decimal] = {}
        for month, channel, amount in uow.periods.channel_totals(settled):
            key = (month, PartnerType(channel))
            totals[key] = totals.get(key, ZERO) + amount
        unsettled = [m for m in keys if open_months and m not in settled]
        types = {p.key: p.partner_type for p in uow.partners.list()} if unsettled else {}
    for month in unsettled:
        totals.update(_as_it_stands(ws, month, types))
    return [ChannelRevenue(month=month, channel=channel, amount=amount)
            for (month, channel), amount in sorted(totals.items(), key=lambda item: item[0][0])]


def _as_it_stands(ws: Workspace, month: str, types: dict[str, PartnerType]) -> dict[tuple[str, PartnerType], Decimal]:
    """An open month's figures by channel, computed as settling it now would."""
    figures = preview_month(ws, month)
    billed = {(month, PartnerType.agency): sum((c.commissionable for c in figures.agency_commissions), ZERO)}
    for invoice in figures.invoices:
        if invoice.issuer == VENDOR:
            key = (month, types[invoice.bill_to])
            billed[key] = billed.get(key, ZERO) + invoice.gross
    return billed


def commission_by_partner(ws: Workspace, quarter: str) -> list[PartnerCommission]:
    """Each partner's commission of the quarter under the plan in force, as its usage stands
    (agencies' three months added up); partners that earned nothing are left out."""
    quarter, plan = parse_quarter(quarter), ws.plan()
    with ws.reading() as uow:
        partners = billing_partners(uow)
        sums = uow.usage.commissionable_sums(quarter.months, plan.non_commissionable_products)
    try:
        earned = earnings(quarter, plan, partners, commission_base(sums, partners))
    except TermsMissing as error:
        raise InputError(str(error)) from None
    last_month = quarter.months[-1].key
    return [PartnerCommission(partner_id=partner_id, partner_type=partners[partner_id].partner_type,
                              tier=partners[partner_id].tier_in(last_month), commission=e.commission)
            for partner_id, e in earned.items() if e.commission]
