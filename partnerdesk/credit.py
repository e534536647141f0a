"""Credit control: each direct reseller's and distributor's exposure against its credit limit.

`credit_report` is `partnerdesk credit` and the settlement page; `partner_credit` one partner's
line (the partner's home page); `set_credit_limit` a manager's override, kept with its reason
in the partner's terms trail (append-only). Exposure counts invoices issued and payments made
by `as_of`, and the usage dated by `as_of` of the months whose invoices were not issued by then
(usage dated later has not happened on that day).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from kernel.money import ZERO, as_cent_count, cents_of, decimal_from_text, from_cent_count, parse_amount
from kernel.partner_types import VENDOR_BILLED, PartnerType, parse_partner_key
from kernel.periods import Month
from partnerdesk.errors import InputError
from partnerdesk.settling import partners as billing_partners
from partnerdesk.term_changes import required, vendor_billed
from partnerdesk.workspace import Workspace
from settlement.credit import CreditLine, credit_limit, credit_line
from settlement.monthly import partner_order
from settlement.partners import Partner, TermsMissing, billing_partners as settlement_partners
from settlement.terms import TermKind
from storage.uow import UnitOfWork


class CreditReport(BaseModel):
    as_of: dt.date
    partners: list[CreditLine]

    @property
    def over_limit(self) -> list[CreditLine]:
        """The partners whose exposure is above their limit, the furthest over first."""
        over = [line for line in self.partners if line.over_limit]
        return sorted(over, key=lambda line: line.available)


def _unbilled(uow: UnitOfWork, partners: dict[str, Partner], as_of: dt.date,
              owners: list[int] | None) -> dict[str, int]:
    """Micro-units per vendor-billed partner not on an invoice issued by `as_of`: the usage dated
    by then of the months whose invoices were not issued by then, and the late lines of those that
    were which no invoice issued by then carries (`owners`: only these partners' usage)."""
    settled = [p.period for p in uow.periods.list() if p.kind == "month"]
    invoiced = [month for month in settled if Month.parse(month).end <= as_of]
    unbilled = uow.exposure.unbilled_micros(as_of, invoiced, owners)
    later = set(settled) - set(invoiced)
    for _, owner, _, _, micros in uow.usage.late_month_sums(invoiced, owners, later):
        partner = partners[owner]
        bill_to = partner.parent_id if partner.partner_type is PartnerType.tier2_reseller else owner
        if partners[bill_to].partner_type in VENDOR_BILLED:
            unbilled[bill_to] = unbilled.get(bill_to, 0) + micros
    return unbilled


def _lines(ws: Workspace, uow: UnitOfWork, as_of: dt.date, partners: dict[str, Partner],
           owners: list[int] | None = None) -> list[CreditLine]:
    """The credit lines of the vendor-billed ones of `partners`; `owners` (partner row ids):
    read only these partners' invoices and usage, when `partners` is one partner's family."""
    plan, month = ws.plan(), Month.of(as_of).key
    overrides = uow.partner_terms.credit_limits()
    unpaid, unbilled = uow.exposure.unpaid_cents(as_of, owners), _unbilled(uow, partners, as_of, owners)
    wanted = sorted((p for p in partners.values() if p.partner_type in VENDOR_BILLED),
                    key=lambda p: partner_order(p.partner_id))
    try:
        return [credit_line(p.partner_id, credit_limit(plan, p, month, overrides.get(p.partner_id)),
                            from_cent_count(unpaid.get(p.partner_id, 0)), cents_of(unbilled.get(p.partner_id, 0)))
                for p in wanted]
    except TermsMissing as error:
        raise InputError(str(error)) from None


def credit_report(ws: Workspace, as_of: dt.date) -> CreditReport:
    """`partnerdesk credit [--as-of DATE]`: every direct reseller and distributor."""
    with ws.reading() as uow:
        return CreditReport(as_of=as_of, partners=_lines(ws, uow, as_of, billing_partners(uow)))


def family_credit_line(ws: Workspace, uow: UnitOfWork, partner_id: str, as_of: dt.date) -> CreditLine:
    """One direct reseller's or distributor's credit line ('P-n') inside a unit of work, reading
    only its own and its tier-2 resellers' records, invoices and usage."""
    number = parse_partner_key(partner_id or "")
    family = uow.partners.family(number) if number is not None else []
    partners = settlement_partners(family, uow.partner_terms.tier_changes())
    vendor_billed(partners, partner_id)
    return _lines(ws, uow, as_of, partners, [r.id for r in family])[0]


def partner_credit(ws: Workspace, partner_id: str, as_of: dt.date) -> CreditLine:
    """One direct reseller's or distributor's credit line ('P-n')."""
    with ws.reading() as uow:
        return family_credit_line(ws, uow, partner_id, as_of)


def _limit(text: str) -> str:
    """A credit limit as the contract writes money: a decimal of at most 2 places, not negative."""
    try:
        limit = parse_amount(str(decimal_from_text(str(text))), places=2)
    except ValueError as error:
        raise InputError(f"--limit: {error}") from None
    if limit < ZERO:
        raise InputError(f"--limit: {text!r} is negative; a credit limit is 0 or more")
    return str(as_cent_count(limit))


def set_credit_limit(ws: Workspace, partner_id: str, limit: str, reason: str | None, by: str | None,
                     as_of: dt.date, at: dt.datetime | None = None) -> CreditLine:
    """`partnerdesk credit set PARTNER_ID --limit AMOUNT --reason TEXT --by NAME`: a manager's
    override of the partner's credit limit; returns its credit line with the new limit."""
    reason, by = required(reason, "--reason", "a reason for the credit limit"), required(by, "--by", "who sets it")
    cents = _limit(limit)
    with ws.unit_of_work() as uow:
        partner = vendor_billed(billing_partners(uow), partner_id)
        uow.partner_terms.add(parse_partner_key(partner.partner_id), TermKind.credit_limit, cents, reason, by,
                              at or dt.datetime.now(dt.timezone.utc))
        return family_credit_line(ws, uow, partner.partner_id, as_of)
