"""Receivables by age (`partnerdesk invoices --aging`, the settlement page): the vendor's overdue
invoices per partner in buckets of days past due. The vendor's own receivables only: what a
distributor's tier-2 resellers owe it is the distributor's."""

from __future__ import annotations

import datetime as dt

from partnerdesk.payments import invoice_balances
from partnerdesk.workspace import Workspace
from settlement.aging import Aging, aging
from settlement.invoices import VENDOR


def receivables_by_age(ws: Workspace, as_of: dt.date) -> Aging:
    """Payments made by `as_of` counted; each overdue invoice's balance in the bucket of its age."""
    invoices = invoice_balances(ws, as_of).invoices
    return aging(as_of, ((i.bill_to, i.due_on, i.balance) for i in invoices if i.issuer == VENDOR))
