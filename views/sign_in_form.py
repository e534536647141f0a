"""The sign-in form, shown by the sign-in page and by any page opened signed out (a direct link).

Signing in is throttled per account and per browser session; the form says how long to wait
or that signing in is locked, and it keeps the username typed.
"""

import streamlit as st

from partnerdesk import throttle
from partnerdesk.accounts import sign_in as check_sign_in
from views.common import browser_session, sign_in, workspace


def sign_in_form() -> None:
    with st.form("sign_in"):
        username = st.text_input("Username", key="sign_in.username")
        password = st.text_input("Password", type="password", key="sign_in.password")
        if not st.form_submit_button("Sign in", type="primary"):
            return
    outcome = check_sign_in(workspace(), username, password, browser_session())
    if outcome.account is None:
        st.error(outcome.refusal)
        if outcome.wait_until is not None and not outcome.locked:
            st.caption(f"Each failed sign-in makes the next wait longer; after {throttle.LOCK_AFTER} in a row, "
                       f"signing in is locked for {throttle.LOCK_FOR.seconds // 60} minutes. "
                       "Every attempt is recorded.")
        return
    sign_in(outcome.account)
    st.rerun()
