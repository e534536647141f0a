"""Administration: the accounts that can sign in, new staff accounts, and changes to an account.

An administrator disables or enables an account, resets its password and changes its role;
each change is kept in the account's trail (shown below it) and ends the account's sessions.
"""

import pandas as pd
import streamlit as st

from partnerdesk.accounts import Role, account_trail, add_user, change_role, reset_password, set_disabled
from partnerdesk.errors import InputError
from partnerdesk.lookups import accounts as list_accounts
from views.common import flash, require, show_input_error, workspace

ACTIONS = {"sign_in_failed": "failed sign-in", "sign_in_held": "sign-in refused (too many failures)",
           "signed_in": "signed in", "sign_in_disabled": "sign-in refused (disabled)", "locked": "locked",
           "created": "created", "disabled": "disabled", "enabled": "enabled", "password_reset": "password reset",
           "password_changed": "password changed", "role_changed": "role changed"}


def new_account(admin: str) -> None:
    with st.form("users.add", clear_on_submit=True):
        st.subheader("New account")
        username = st.text_input("Username", key="users.username")
        display_name = st.text_input("Name", key="users.display_name")
        role = st.selectbox("Role", [r for r in Role if r is not Role.partner], key="users.role")  # partners: Team page
        password = st.text_input("Initial password (at least 10 characters, not easy to guess)", type="password",
                                 key="users.password")
        if not st.form_submit_button("Create account", type="primary"):
            return
    try:
        add_user(workspace(), username, password, role, display_name, by=admin)
    except InputError as error:
        show_input_error(error)
        return
    flash(f"Account {username.strip().lower()} ({role.value}) created.")
    st.rerun()


def _done(call, message: str) -> None:
    try:
        call()
    except InputError as error:
        show_input_error(error)
        return
    flash(message)
    st.rerun()


def change_account(admin: str, usernames: list[str]) -> None:
    st.subheader("Change an account")
    username = st.selectbox("Account", usernames, index=None, key="users.chosen", placeholder="Choose an account")
    if username is None:
        return
    account = next(a for a in list_accounts(workspace()) if a.username == username)
    left, middle, right = st.columns(3)
    with left, st.form("users.standing"):
        reason = st.text_input("Reason", key="users.reason")
        label = "Enable the account" if account.disabled else "Disable the account"
        if st.form_submit_button(label):
            _done(lambda: set_disabled(workspace(), username, not account.disabled, by=admin, reason=reason),
                  f"Account {username} {'enabled' if account.disabled else 'disabled'}.")
    with middle, st.form("users.reset", clear_on_submit=True):
        password = st.text_input("New password", type="password", key="users.new_password")
        if st.form_submit_button("Reset the password"):
            _done(lambda: reset_password(workspace(), username, password, by=admin),
                  f"Password of {username} reset; its sessions have ended.")
    with right, st.form("users.role_change"):
        role = st.selectbox("New role", list(Role), index=list(Role).index(Role(account.role)), key="users.new_role")
        if st.form_submit_button("Change the role"):
            _done(lambda: change_role(workspace(), username, role, by=admin), f"Role of {username} is now {role.value}.")
    trail = account_trail(workspace(), username)
    st.dataframe(pd.DataFrame([{"When (UTC)": e.at.replace(tzinfo=None), "What": ACTIONS.get(e.action, e.action),
                                "By": e.actor, "Details": e.details} for e in trail]),
                 hide_index=True, column_config={"When (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")})


admin = require(Role.admin)
st.title("Accounts")
accounts = list_accounts(workspace())
st.dataframe(pd.DataFrame([
    {"Username": a.username, "Name": a.display_name, "Role": a.role, "Status": "disabled" if a.disabled else "enabled",
     "Created (UTC)": a.created_at.replace(tzinfo=None)} for a in accounts]), hide_index=True,
    column_config={"Created (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})
new_account(admin.username)
change_account(admin.username, [a.username for a in accounts])
