"""Charts of the settlement overview: revenue through partners by month, commission by partner
and tier. The figures come from the service's read models (partnerdesk/overview.py)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from partnerdesk.errors import InputError
from partnerdesk.overview import commission_by_partner, revenue_by_channel
from views.common import humanize, show_input_error, workspace
from views.finance_tables import partner_names

CHARTED_PARTNERS = 25
"""A bar per partner: beyond a few dozen the chart is too tall to read."""


def revenue_by_month(months: list[str]) -> None:
    st.subheader("Revenue through partners by month")
    open_months = st.toggle("Include open months as they stand", key="overview.open_months",
                            help="Works each open month out as settling it now would: seconds for a month "
                                 "of millions of billing lines.")
    rows = [{"month": r.month, "channel": humanize(r.channel.value), "USD": float(r.amount)}  # a chart plots floats
            for r in revenue_by_channel(workspace(), months, open_months)]
    st.caption("Gross billed by the vendor to direct resellers and distributors, and the commissionable "
               "revenue of agencies' customers; settled months as issued"
               + (", open months as they stand." if open_months else "."))
    st.altair_chart(alt.Chart(pd.DataFrame(rows, columns=["month", "channel", "USD"])).mark_bar().encode(
        x=alt.X("month:O", title=None), y=alt.Y("sum(USD):Q", title="USD"),
        color=alt.Color("channel:N", title=None), tooltip=["month", "channel", "USD"]).properties(height=300))


def commission_by_partner_and_tier(quarter: str) -> None:
    st.subheader(f"Commission by partner and tier, {quarter}")
    try:
        earned = commission_by_partner(workspace(), quarter)
    except InputError as error:
        show_input_error(error)
        return
    if not earned:
        st.caption("No commission earned in this quarter.")
        return
    names, shown = partner_names(), sorted(earned, key=lambda c: c.commission, reverse=True)[:CHARTED_PARTNERS]
    if len(earned) > len(shown):
        st.caption(f"The {len(shown)} partners that earned the most, of {len(earned):,} that earned a commission; "
                   "the What-if page lists every partner's.")
    table = pd.DataFrame([
        {"partner": f"{c.partner_id} {names.get(c.partner_id, '')}",
         "type and tier": f"{humanize(c.partner_type.value)} {c.tier or ''}".strip(), "commission": float(c.commission)}
        for c in shown])
    st.altair_chart(alt.Chart(table).mark_bar().encode(
        x=alt.X("commission:Q", title="USD"),
        y=alt.Y("partner:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("type and tier:N", title=None), tooltip=["partner", "type and tier", "commission"],
    ).properties(height=28 * len(table)))
