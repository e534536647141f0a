"""Receivables by age: what is overdue on the vendor's invoices, by days past the due date.

An invoice is overdue from the day after its due date: 1-30 days, 31-60, 61-90, over 90. Its
whole unpaid balance goes into the bucket of its age.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from kernel.money import ZERO, Money
from settlement.monthly import partner_order

BUCKETS = ((30, "days_1_30"), (60, "days_31_60"), (90, "days_61_90"))
OVER = "days_over_90"


class AgedBalance(BaseModel):
    model_config = ConfigDict(frozen=True)

    days_1_30: Money = ZERO
    days_31_60: Money = ZERO
    days_61_90: Money = ZERO
    days_over_90: Money = ZERO
    overdue: Money = ZERO
    """All four buckets together."""


class PartnerAging(AgedBalance):
    partner_id: str


class Aging(BaseModel):
    """`partnerdesk invoices --aging`: every partner with something overdue, and the totals."""

    model_config = ConfigDict(frozen=True)

    as_of: dt.date
    partners: list[PartnerAging]
    totals: AgedBalance


def bucket(days_overdue: int) -> str:
    for limit, name in BUCKETS:
        if days_overdue <= limit:
            return name
    return OVER


def _added(buckets: dict[str, Decimal]) -> dict[str, Decimal]:
    return {**buckets, "overdue": sum(buckets.values(), ZERO)}


def aging(as_of: dt.date, owed: Iterable[tuple[str, dt.date, Decimal]]) -> Aging:
    """`owed`: (partner, due date, unpaid balance) of each invoice on `as_of`; only those past
    their due date with a balance count."""
    names = [name for _, name in BUCKETS] + [OVER]
    per_partner: dict[str, dict[str, Decimal]] = {}
    totals = dict.fromkeys(names, ZERO)
    for partner_id, due_on, balance in owed:
        if balance <= 0 or as_of <= due_on:
            continue
        name = bucket((as_of - due_on).days)
        per_partner.setdefault(partner_id, dict.fromkeys(names, ZERO))[name] += balance
        totals[name] += balance
    partners = [PartnerAging(partner_id=p, **_added(b)) for p, b in sorted(per_partner.items(),
                                                                             key=lambda i: partner_order(i[0]))]
    return Aging(as_of=as_of, partners=partners, totals=AgedBalance(**_added(totals)))
