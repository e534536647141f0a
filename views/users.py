"""Administration: the accounts that can sign in, and new staff accounts."""

import pandas as pd
import streamlit as st

from partnerdesk.accounts import Role, add_user
from partnerdesk.errors import InputError
from partnerdesk.lookups import accounts
from views.common import flash, require, show_input_error, workspace


def new_account() -> None:
    with st.form("users.add", clear_on_submit=True):
        st.subheader("New account")
        username = st.text_input("Username", key="users.username")
        display_name = st.text_input("Name", key="users.display_name")
        role = st.selectbox("Role", [r for r in Role if r is not Role.partner], key="users.role")  # partners: Team page
        password = st.text_input("Initial password (at least 8 characters)", type="password", key="users.password")
        if not st.form_submit_button("Create account", type="primary"):
            return
    try:
        add_user(workspace(), username, password, role, display_name)
    except InputError as error:
        show_input_error(error)
        return
    flash(f"Account {username.strip().lower()} ({role.value}) created.")
    st.rerun()


require(Role.admin)
st.title("Accounts")
st.dataframe(pd.DataFrame([
    {"username": u.username, "name": u.display_name, "role": u.role, "created": u.created_at}
    for u in accounts(workspace())]), hide_index=True)
new_account()
