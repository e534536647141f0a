"""Approved partners, each distributor's tier-2 resellers, and their customers (past ones with an end date)."""

import altair as alt
import pandas as pd
import streamlit as st

from kernel.directory import PartnerRecord
from kernel.partner_types import partner_key
from partnerdesk.accounts import Role
from partnerdesk.lookups import customers_of, partners
from views.common import humanize, require, workspace


def partner_table(rows: list[PartnerRecord]) -> pd.DataFrame:
    return pd.DataFrame([
        {"partner": partner_key(p.id), "name": p.name, "type": humanize(p.partner_type), "tier": p.tier,
         "territory": p.territory, "approved on": p.approved_on, "application": p.application_id,
         "discount": p.discount_rate} for p in rows])


def by_type_and_tier(rows: list[PartnerRecord]) -> None:
    table = partner_table(rows).fillna({"tier": "(none)"})
    st.altair_chart(alt.Chart(table).mark_bar().encode(
        x=alt.X("count():Q", title="partners", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("type:N", title=None), color=alt.Color("tier:N", title="tier")).properties(height=140))


def details(partner: PartnerRecord, everyone: list[PartnerRecord]) -> None:
    st.subheader(f"{partner_key(partner.id)} {partner.name}")
    tier = f", tier {partner.tier}" if partner.tier else ""
    st.markdown(f"{humanize(partner.partner_type)} in {partner.territory}{tier}; approved on "
                f"{partner.approved_on} from application {partner.application_id}.")
    resellers = [p for p in everyone if p.parent_id == partner.id]
    if partner.partner_type == "distributor":
        st.markdown(f"**{len(resellers)} tier-2 resellers**")
        if resellers:
            st.dataframe(partner_table(resellers), hide_index=True)
    customers = customers_of(workspace(), [partner.id, *(r.id for r in resellers)])
    st.markdown(f"**{len({c['customer'] for c in customers if c['until'] is None})} customers now**"
                + (", including its tier-2 resellers' customers" if resellers else ""))
    if customers:
        st.dataframe(pd.DataFrame(customers), hide_index=True)


require(Role.manager)
st.title("Partners")
everyone = partners(workspace())
if not everyone:
    st.info("No partners yet: approving an application creates one.")
    st.stop()
direct = [p for p in everyone if p.parent_id is None]
by_type_and_tier(direct)
search = st.text_input("Find a partner", key="partners.search", placeholder="name or P-number")
shown = [p for p in direct if search.strip().lower() in f"{partner_key(p.id)} {p.name}".lower()]
st.caption(f"{len(shown)} of {len(direct)} partners.")
if shown:
    st.dataframe(partner_table(shown), hide_index=True)
    by_key = {p.id: p for p in shown}
    chosen = st.selectbox("Partner", list(by_key), key="partners.chosen",
                          format_func=lambda i: f"{partner_key(i)} {by_key[i].name}")
    details(by_key[chosen], everyone)
