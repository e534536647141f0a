"""A fresh database has no accounts: the first person here creates the administrator.

Demo accounts exist only when the demo is loaded on purpose (`partnerdesk demo`), so a new
production database never has a known password.
"""

import streamlit as st

from partnerdesk.accounts import MIN_PASSWORD, add_first_admin
from partnerdesk.errors import InputError
from views.common import show_input_error, sign_in, workspace

st.title("Set up PartnerDesk")
st.markdown("This database has no accounts yet. Create the administrator's account: the administrator "
            "then creates the accounts of managers and analysts, and applicants register themselves.")
with st.form("first_admin"):
    username = st.text_input("Username", key="first_admin.username")
    display_name = st.text_input("Your name", key="first_admin.display_name")
    password = st.text_input(f"Password (at least {MIN_PASSWORD} characters, not easy to guess)", type="password",
                             key="first_admin.password")
    repeated = st.text_input("Password again", type="password", key="first_admin.repeated")
    submitted = st.form_submit_button("Create the administrator", type="primary")
if submitted:
    if password != repeated:
        st.error("The two passwords differ.")
    else:
        try:
            account = add_first_admin(workspace(), username, password, display_name)
        except InputError as error:
            show_input_error(error)
        else:
            sign_in(account)
            st.rerun()
