"""The public page a customer opens with its invitation code (no sign-in): whose invitation it
is, what accepting means, and the acceptance itself."""

import streamlit as st

from partnerdesk.customers import accept, invitation
from partnerdesk.errors import InputError
from views.common import show_input_error, today, workspace

WORDS = {"CODE: ": "", "--as-of: ": ""}

st.title("Accept an invitation")
code = st.query_params.get("code") or st.text_input("Invitation code", key="accept.code")
if not code:
    st.stop()
try:
    found = invitation(workspace(), code, today())
except InputError as error:
    show_input_error(error, WORDS)
    st.stop()
st.text(f"Partner: {found.partner_name}")
st.text(f"Customer: {found.customer_name} ({found.customer_id})")
st.markdown(
    "Accepting makes this partner your channel partner from **today** on, never earlier: your usage of the "
    "vendor's cloud from today is counted for the partner, who serves you and, if it resells, invoices you. "
    "Usage before today stays where it was. When you already have another partner, or you are outside the "
    "partner's territory, a channel manager of the vendor confirms the change first.")
if found.state.value != "invited":
    st.info(f"This invitation can no longer be accepted (it is {found.state.value.replace('_', ' ')}).")
    st.stop()
st.caption(f"The invitation is valid through {found.expires_on}.")
if st.button("Accept", type="primary", key="accept.accept"):
    try:
        result = accept(workspace(), code, today())
    except InputError as error:
        show_input_error(error, WORDS)
        st.stop()
    if result.state.value == "associated":
        st.success(f"Accepted: from {result.associated_on} your partner is the one named above.")
    else:
        st.success("Accepted: a channel manager of the vendor confirms the change; until then nothing changes.")
