"""What a quarter would cost under another plan, beside the plan in force.

The Streamlit what-if page builds a `Plan` from a form and calls `what_if`; the CLI loads
the plan from a file with `what_if_file`. Both only read: nothing is written or closed.
The cost is the whole of it: the commissions (agencies included, their three monthly
commissions added up, so agency-rate and excluded-product changes show) and the discounts on
the vendor's invoices of the quarter's months (so discount-rate and tier changes show).
"""

from __future__ import annotations

from pathlib import Path

from kernel.periods import Quarter
from partnerdesk.bulk import cycle_collection_paused
from partnerdesk.errors import InputError
from partnerdesk.settling import parse_quarter, partners as billing_partners
from partnerdesk.workspace import Workspace, plan_from
from settlement.partners import TermsMissing
from settlement.plan import Plan
from settlement.quarterly import commission_base
from settlement.whatif import PlanCost, WhatIf, billed_lines, compare, discounts, earnings


def what_if(ws: Workspace, quarter: str | Quarter, plan: Plan, current: Plan | None = None) -> WhatIf:
    """Each partner's commission, discount and cost for the quarter under `plan` beside
    `current` (default: the plan in force).

    The vendor's invoice lines' sums are read once for both plans; the partners' commissionable sums
    once per plan, as each plan names its own products that earn no commission."""
    quarter, current = parse_quarter(quarter), current or ws.plan()
    with cycle_collection_paused(), ws.reading() as uow:
        partners = billing_partners(uow)
        bases = [commission_base(uow.usage.commissionable_sums(quarter.months, p.non_commissionable_products), partners)
                 for p in (current, plan)]
        lines = billed_lines(uow.usage.vendor_line_sums(quarter.months))
    try:
        plans = (current, plan)
        costs = [PlanCost(plan=p, discounts=given, earned=earnings(quarter, p, partners, base))
                 for p, base, given in zip(plans, bases, discounts(plans, partners, lines))]
    except TermsMissing as error:
        raise InputError(str(error)) from None
    return compare(quarter, partners, *costs)


def what_if_file(ws: Workspace, quarter: str | Quarter, path: Path) -> WhatIf:
    """`whatif --plan FILE --quarter Q`."""
    return what_if(ws, quarter, plan_from(path))
