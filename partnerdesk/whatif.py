"""What a quarter's commissions would be under another plan, beside the plan in force.

The Streamlit what-if page builds a `Plan` from a form and calls `what_if`; the CLI loads
the plan from a file with `what_if_file`. Both only read: nothing is written or closed.
Agencies are included (their three monthly commissions added up), so that a change of the
agency rate or of the non-commissionable products shows too.
"""

from __future__ import annotations

from pathlib import Path

from kernel.periods import Quarter
from partnerdesk.errors import InputError
from partnerdesk.settling import parse_quarter, partners as billing_partners
from partnerdesk.workspace import Workspace, plan_from
from settlement.partners import TermsMissing
from settlement.plan import Plan
from settlement.quarterly import WhatIf, commission_base, compare, earnings


def what_if(ws: Workspace, quarter: str | Quarter, plan: Plan, current: Plan | None = None) -> WhatIf:
    """Each partner's commission for the quarter under `plan` beside `current` (default: in force).

    One read of the quarter's sums per partner, month and product serves both plans, whatever
    products each excludes."""
    quarter, current = parse_quarter(quarter), current or ws.plan()
    with ws.reading() as uow:
        partners = billing_partners(uow)
        sums = uow.usage.commissionable_sums(quarter.months)
    try:
        now = earnings(quarter, current, partners, commission_base(sums, partners, current.non_commissionable_products))
        then = earnings(quarter, plan, partners, commission_base(sums, partners, plan.non_commissionable_products))
    except TermsMissing as error:
        raise InputError(str(error)) from None
    return compare(quarter, partners, current, now, plan, then)


def what_if_file(ws: Workspace, quarter: str | Quarter, path: Path) -> WhatIf:
    """`whatif --plan FILE --quarter Q`."""
    return what_if(ws, quarter, plan_from(path))
