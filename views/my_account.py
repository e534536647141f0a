"""Your account: change your own password (your other sessions end)."""

import streamlit as st

from partnerdesk.accounts import MIN_PASSWORD, Role, change_own_password
from partnerdesk.errors import InputError
from views.common import flash, require, show_input_error, sign_in, workspace

account = require(*Role)
st.title("My account")
st.text(f"{account.display_name} ({account.username}), {account.role.value}")
with st.form("my_account.password", clear_on_submit=True):
    st.subheader("Change your password")
    current = st.text_input("Current password", type="password", key="my_account.current")
    new = st.text_input(f"New password (at least {MIN_PASSWORD} characters, not easy to guess)", type="password",
                        key="my_account.new")
    repeated = st.text_input("New password again", type="password", key="my_account.repeated")
    submitted = st.form_submit_button("Change the password", type="primary")
if submitted:
    if new != repeated:
        st.error("The two new passwords differ.")
    else:
        try:
            record = change_own_password(workspace(), account.username, current, new)
        except InputError as error:
            show_input_error(error)
        else:
            sign_in(record)
            flash("Password changed; any other session of yours has ended.")
            st.rerun()
