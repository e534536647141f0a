"""Approved partners, each distributor's tier-2 resellers, and their customers."""

import altair as alt
import pandas as pd
import streamlit as st

from partnerdesk.accounts import Role
from storage.records import partner_key
from storage.tables import PartnerRow
from views.common import humanize, require, workspace
from views.queries import partners


def partner_table(rows: list[PartnerRow]) -> pd.DataFrame:
    return pd.DataFrame([
        {"partner": partner_key(p.id), "name": p.name, "type": humanize(p.partner_type), "tier": p.tier,
         "territory": p.territory, "approved on": p.approved_on, "application": p.application_id,
         "discount": p.discount_rate} for p in rows])


def by_type_and_tier(rows: list[PartnerRow]) -> None:
    table = partner_table(rows).fillna({"tier": "(none)"})
    st.altair_chart(alt.Chart(table).mark_bar().encode(
        x=alt.X("count():Q", title="partners"), y=alt.Y("type:N", title=None),
        color=alt.Color("tier:N", title="tier")).properties(height=140))


def tier2_resellers(distributor: PartnerRow, rows: list[PartnerRow]) -> None:
    resellers = [p for p in rows if p.parent_id == distributor.id]
    with st.expander(f"{partner_key(distributor.id)} {distributor.name}: {len(resellers)} tier-2 resellers"):
        if resellers:
            st.dataframe(partner_table(resellers), hide_index=True)
        else:
            st.caption("No tier-2 resellers registered yet.")


require(Role.manager)
st.title("Partners")
everyone = partners(workspace())
if not everyone:
    st.info("No partners yet: approving an application creates one.")
    st.stop()
direct = [p for p in everyone if p.parent_id is None]
by_type_and_tier(direct)
search = st.text_input("Find a partner", key="partners.search", placeholder="name or P-number")
shown = [p for p in direct if search.lower() in f"{partner_key(p.id)} {p.name}".lower()]
st.dataframe(partner_table(shown), hide_index=True)
st.subheader("Distributors and their tier-2 resellers")
for distributor in (p for p in shown if p.partner_type == "distributor"):
    tier2_resellers(distributor, everyone)
