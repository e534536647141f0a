"""Charts of the settlement pages: revenue through partners by month, commission by partner and tier."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import altair as alt
import pandas as pd
import streamlit as st

from kernel.partner_types import partner_key
from partnerdesk.errors import InputError
from partnerdesk.lookups import partners
from partnerdesk.settling import preview_month
from partnerdesk.whatif import what_if
from settlement.invoices import VENDOR
from views.common import humanize, show_input_error, workspace


def _billed_by_channel(month: str, types: dict[str, str]) -> dict[str, Decimal]:
    """The vendor's invoiced gross per partner type, and the agencies' commissionable revenue."""
    figures = preview_month(workspace(), month)
    billed: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in figures.invoices:
        if invoice.issuer == VENDOR:
            billed[humanize(types[invoice.bill_to])] += invoice.gross
    billed["Agency customers"] = sum((c.commissionable for c in figures.agency_commissions), Decimal(0))
    return billed


def revenue_by_month(months: list[str]) -> None:
    types = {partner_key(p.id): p.partner_type for p in partners(workspace())}
    rows = [{"month": month, "channel": channel, "USD": float(amount)}
            for month in sorted(months) for channel, amount in _billed_by_channel(month, types).items()]
    st.subheader("Revenue through partners by month")
    st.caption("Gross billed by the vendor to direct resellers and distributors, and the commissionable "
               "revenue of agencies' customers; open months as they stand.")
    st.altair_chart(alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        x=alt.X("month:O", title=None), y=alt.Y("sum(USD):Q", title="USD"),
        color=alt.Color("channel:N", title=None), tooltip=["month", "channel", "USD"]).properties(height=300))


def commission_by_partner_and_tier(quarter: str) -> None:
    st.subheader(f"Commission by partner and tier, {quarter}")
    ws = workspace()
    try:
        result = what_if(ws, quarter, ws.plan())
    except InputError as error:
        show_input_error(error)
        return
    names = {partner_key(p.id): p.name for p in partners(ws)}
    table = pd.DataFrame([
        {"partner": f"{r.partner_id} {names.get(r.partner_id, '')}", "type and tier":
         f"{humanize(r.partner_type)} {r.tier or ''}".strip(), "commission": float(r.current.commission)}
        for r in result.partners if r.current.commission])
    if table.empty:
        st.caption("No commission earned in this quarter.")
        return
    st.altair_chart(alt.Chart(table).mark_bar().encode(
        x=alt.X("commission:Q", title="USD"), y=alt.Y("partner:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("type and tier:N", title=None), tooltip=["partner", "type and tier", "commission"],
    ).properties(height=28 * len(table)))
