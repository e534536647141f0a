"""Approved partners, each distributor's tier-2 resellers, and their customers (past ones with an end date)."""

import altair as alt
import pandas as pd
import streamlit as st

from kernel.channel import StandingAction
from kernel.directory import PartnerRecord
from kernel.partner_types import partner_key
from partnerdesk.accounts import Role
from partnerdesk.customers import requests
from partnerdesk.lookups import customers_of, partners
from partnerdesk.errors import InputError
from partnerdesk.partner_accounts import accounts_of
from partnerdesk.standing import change_standing, current_standing, standing_history
from views.common import flash, humanize, plain, require, show_input_error, today, workspace


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
    st.subheader(f"{partner_key(partner.id)} {plain(partner.name)}")
    tier = f", tier {partner.tier}" if partner.tier else ""
    st.markdown(f"{humanize(partner.partner_type)} in {partner.territory}{plain(tier)}; approved on "
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
    platform(partner_key(partner.id))


def platform(key: str) -> None:
    """The partner's accounts, standing with its history, association requests, and a change of standing."""
    ws = workspace()
    st.markdown(f"**Standing: {current_standing(ws, key, today()).value}**")
    changes = standing_history(ws, key)
    if changes:
        st.dataframe(pd.DataFrame([{"action": c.action.value, "standing": c.standing.value, "from": c.effective_on,
                                    "why": c.reason, "by": c.by, "at": c.at} for c in changes]), hide_index=True)
    accounts = accounts_of(ws, key)
    st.markdown(f"**{len(accounts)} accounts**")
    if accounts:
        st.dataframe(pd.DataFrame([{"username": a.username, "name": a.display_name, "owner": a.owner,
                                    "added by": a.added_by, "added": a.added_at} for a in accounts]), hide_index=True)
    asked = requests(ws, today(), partner_ids=[key])
    if asked:
        st.markdown(f"**{len(asked)} customer association requests**")
        st.dataframe(pd.DataFrame([{"request": r.request_id, "customer": r.customer_id, "name": r.name,
                                    "state": humanize(r.state), "steps": " → ".join(s.step for s in r.history)}
                                   for r in asked]), hide_index=True)
    standing_form(key)


def standing_form(key: str) -> None:
    with st.form(f"partners.standing.{key}", clear_on_submit=True):
        st.markdown("**Change the standing**")
        action = st.selectbox("Action", list(StandingAction), key=f"partners.standing.{key}.action",
                              format_func=lambda a: a.value.capitalize())
        effective = st.date_input("From", value=today(), key=f"partners.standing.{key}.on")
        reason = st.text_input("Reason", key=f"partners.standing.{key}.reason")
        if not st.form_submit_button("Change the standing"):
            return
    try:
        done = change_standing(workspace(), key, action, reason, require(Role.manager).username, effective)
    except InputError as error:
        show_input_error(error, {"--reason": "Reason", "--as-of": "From", "PARTNER_ID": "Partner"})
        return
    flash(f"{done.partner_id} is {done.standing.value} from {done.effective_on}.")
    st.rerun()


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
