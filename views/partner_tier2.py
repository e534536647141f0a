"""A distributor's tier-2 resellers (each with its customers, this month's usage and the
invoices to it) and the form that registers one with its owner account; a tier-2 reseller
sees its own."""

import streamlit as st

from partnerdesk.errors import InputError
from partnerdesk.partner_accounts import add_tier2_with_account
from partnerdesk.tier2 import resellers_of
from views.common import flash, plain, show_input_error, today, workspace
from views.partner_common import money_table, partner_caption, signed_in_partner, writable

WORDS = {"--name": "Name", "--email": "Contact e-mail", "--discount": "Discount", "username": "Username",
         "password": "Password"}


def register_form(member) -> None:
    with st.form("partner_tier2.register", clear_on_submit=True):
        st.subheader("Register a tier-2 reseller")
        name = st.text_input("Company name", key="partner_tier2.name")
        email = st.text_input("Contact e-mail *", key="partner_tier2.email")
        discount = st.text_input("Its discount (e.g. 0.05; empty: the plan's default)", key="partner_tier2.discount")
        username = st.text_input("Username of its owner account", key="partner_tier2.username")
        display_name = st.text_input("Owner's name", key="partner_tier2.display_name")
        password = st.text_input("Initial password", type="password", key="partner_tier2.password")
        if not st.form_submit_button("Register", type="primary"):
            return
    try:
        account = add_tier2_with_account(workspace(), member.username, name, email, discount or None, username,
                                         password, display_name, today())
    except InputError as error:
        show_input_error(error, WORDS)
        return
    flash(f"Tier-2 reseller {account.partner_id} registered; {account.username} can sign in.")
    st.rerun()


def reseller(found) -> None:
    st.subheader(plain(f"{found.partner_id} {found.name}"))
    rate = found.discount_rate or "the plan's default"
    st.text(f"Contact e-mail: {found.contact_email or '—'}")
    st.text(f"Discount: {rate}. Usage in {found.month} so far: {found.month_usage:,.2f} USD.")
    if found.customers:
        money_table([{"customer": c.customer_id, "usage this month": c.month_usage} for c in found.customers],
                    ["usage this month"])
    else:
        st.text("No customers yet.")
    if found.invoices:
        money_table([{"invoice": i.invoice_id, "period": i.period, "due on": i.due_on, "total": i.total,
                      "paid": i.paid, "balance": i.balance, "status": i.status.value} for i in found.invoices],
                    ["total", "paid", "balance"])


member = signed_in_partner()
st.title("Tier-2 resellers" if member.partner_type.value == "distributor" else "Your reseller account")
partner_caption(member)
if member.partner_type.value not in ("distributor", "tier2_reseller"):
    st.info("Only distributors recruit tier-2 resellers.")
    st.stop()
if member.partner_type.value == "distributor" and member.owner and writable(member):
    register_form(member)
found = resellers_of(workspace(), member.partner_id, today())
if not found:
    st.info("No tier-2 resellers yet.")
for overview in found:
    reseller(overview)
