"""A partner's home: who it is, this month's usage, this quarter's commission band, what it owes."""

import altair as alt
import pandas as pd
import streamlit as st

from partnerdesk.partner_home import home
from views.common import humanize, plain, today, workspace
from views.partner_common import money_table, signed_in_partner


def money(amount) -> str:
    return f"{amount:,.2f} USD"


def who(found) -> None:
    columns = st.columns(4)
    columns[0].metric("Partner type", humanize(found.partner_type))
    columns[1].metric("Tier", found.tier or "none")
    columns[2].metric("Territory", found.territory or "")
    columns[3].metric("Standing", found.standing.value)
    if found.distributor_id:
        st.caption(plain(f"Tier-2 reseller of {found.distributor_id}."))


def quarter(found) -> None:
    st.subheader(f"This quarter, {found.quarter}")
    progress = found.progress
    if progress is None:
        st.text("A tier-2 reseller earns no commission of its own; its distributor does.")
        return
    columns = st.columns(3)
    columns[0].metric("Commissionable so far", money(progress.performance))
    columns[1].metric("Band reached", f"from {progress.band_from:,.0f} at {progress.rate * 100:.2f} %")
    columns[2].metric("Commission at this band", money(progress.commission))
    if progress.next_band_from is not None:
        st.text(f"{money(progress.to_next_band)} more reaches the band from {progress.next_band_from:,.0f} "
                f"({progress.next_rate * 100:.2f} %), where the commission would be "
                f"{money(progress.commission_at_next_band)}.")
    else:
        st.text("This is the highest band.")


def owed(found) -> None:
    st.subheader("Invoices")
    overdue = [i for i in found.unpaid if i.status.value == "overdue"]
    columns = st.columns(2)
    columns[0].metric("Balance owed", money(found.balance))
    columns[1].metric("Overdue invoices", len(overdue))
    if found.credit is not None:
        credit = st.columns(3)
        credit[0].metric("Credit exposure", money(found.credit.exposure),
                         help="Unpaid invoices plus usage not invoiced yet")
        credit[1].metric("Credit limit", money(found.credit.credit_limit) if found.credit.credit_limit is not None
                         else "none")
        credit[2].metric("Available", money(found.credit.available) if found.credit.available is not None else "-")
        if found.credit.over_limit:
            st.error("Your exposure is over your credit limit.")
    if found.unpaid:
        money_table([{"invoice": i.invoice_id, "period": i.period, "due on": i.due_on, "total": i.total,
                      "balance": i.balance, "status": i.status.value} for i in found.unpaid], ["total", "balance"])


def usage_chart(found) -> None:
    st.subheader("Usage, last 12 months")
    table = pd.DataFrame([{"month": m.month, "USD": float(m.usage)} for m in found.usage_by_month])
    st.altair_chart(alt.Chart(table).mark_bar().encode(
        x=alt.X("month:O", title=None), y=alt.Y("USD:Q", title="USD"), tooltip=["month", "USD"]).properties(height=260))


member = signed_in_partner()
found = home(workspace(), member.partner_id, today())
st.title(plain(found.name))
who(found)
st.metric(f"Usage this month so far ({found.month})", money(found.month_usage))
quarter(found)
owed(found)
usage_chart(found)
