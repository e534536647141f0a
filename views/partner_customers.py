"""A partner's customers: register a lead, invite it (the code and link to send), the requests
and their history, and the customers it has today."""

from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from partnerdesk.customers import customers_now, invite, own_requests, register
from partnerdesk.errors import InputError
from views.common import flash, humanize, show_input_error, today, workspace
from views.partner_common import money_table, partner_caption, signed_in_partner, writable

INVITATION = "partner_customers.invitation"
WORDS = {"--customer-id": "Customer id", "--partner": "Partner", "customer_id": "Customer id", "name": "Name",
         "country": "Country"}


def register_form(member, can_write: bool) -> None:
    with st.form("partner_customers.register", clear_on_submit=True):
        st.subheader("Register a customer")
        customer_id = st.text_input("Customer id (the vendor's account id)", key="partner_customers.customer_id")
        name = st.text_input("Customer name", key="partner_customers.name")
        country = st.text_input("Country (ISO code, e.g. SG)", key="partner_customers.country", max_chars=2)
        if not st.form_submit_button("Register the lead", type="primary", disabled=not can_write):
            return
    try:
        found = register(workspace(), member.partner_id, customer_id, name, country, today(), by=member.username)
    except InputError as error:
        show_input_error(error, WORDS)
        return
    flash(f"Lead registered as request {found.request_id}, valid through {found.expires_on}.")
    st.rerun()


def invitation_shown() -> None:
    """The code of the invitation just made: shown once, to send to the customer."""
    sent = st.session_state.pop(INVITATION, None)
    if sent is None:
        return
    request_id, code = sent
    page = urlsplit(str(st.context.url or ""))
    base = f"{page.scheme}://{page.netloc}/" if page.netloc else "/"  # the app's root: the accept page
    st.success(f"Invitation for request {request_id} ready. Send the customer this code or link; it works once.")
    st.code(code, language=None)
    st.code(f"{base}?code={code}", language=None)


def invite_leads(member, rows, can_write: bool) -> None:
    leads = [r for r in rows if r.state.value == "lead"]
    if not leads:
        return
    st.subheader("Invite a lead")
    chosen = st.selectbox("Lead", [r.request_id for r in leads], key="partner_customers.lead",
                          format_func=lambda i: next(f"{r.request_id}: {r.customer_id} {r.name}" for r in leads
                                                     if r.request_id == i))
    if st.button("Invite", key="partner_customers.invite", disabled=not can_write):
        try:
            found = invite(workspace(), chosen, today(), by=member.username)
        except InputError as error:
            show_input_error(error)
            return
        st.session_state[INVITATION] = (found.request_id, found.code)
        st.rerun()


def request_table(rows) -> None:
    st.subheader("Requests")
    if not rows:
        st.info("No customer registered yet.")
        return
    st.dataframe(pd.DataFrame([
        {"request": r.request_id, "customer": r.customer_id, "name": r.name, "country": r.country,
         "state": humanize(r.state), "registered": r.registered_on, "expires": r.expires_on,
         "associated from": r.associated_on, "waits for": ", ".join(humanize(x) for x in r.review_reasons)}
        for r in rows]), hide_index=True)
    chosen = st.selectbox("History of request", [r.request_id for r in rows], key="partner_customers.history")
    (shown,) = [r for r in rows if r.request_id == chosen]
    st.dataframe(pd.DataFrame([{"step": s.step, "state": humanize(s.state), "on": s.on, "by": s.by,
                                "why": s.reason or ""} for s in shown.history]), hide_index=True)


member = signed_in_partner()
st.title("Customers")
partner_caption(member)
can_write = writable(member)
invitation_shown()
rows = own_requests(workspace(), member.partner_id, today())
register_form(member, can_write)
invite_leads(member, rows, can_write)
request_table(rows)
st.subheader("Customers today")
current = customers_now(workspace(), [member.partner_id], today())
if current:
    money_table([{"customer": c.customer_id, "usage this month": c.month_usage} for c in current], ["usage this month"])
else:
    st.text("None yet: a customer is yours from the day it accepts your invitation.")
