"""Sign in with a username and password, or register as an applicant."""

import streamlit as st

from partnerdesk.accounts import MIN_PASSWORD, Role, add_user
from partnerdesk.errors import InputError
from views.common import show_input_error, sign_in, workspace
from views.sign_in_form import sign_in_form


def registration_form() -> None:
    st.caption("Companies applying to become partners register here. Staff accounts are created "
               "by an administrator.")
    with st.form("register"):
        username = st.text_input("Username", key="register.username")
        display_name = st.text_input("Your name", key="register.display_name")
        password = st.text_input(f"Password (at least {MIN_PASSWORD} characters, not easy to guess)", type="password",
                                 key="register.password")
        repeated = st.text_input("Password again", type="password", key="register.repeated")
        if not st.form_submit_button("Register"):
            return
    if password != repeated:
        st.error("The two passwords differ.")
        return
    try:
        account = add_user(workspace(), username, password, Role.applicant, display_name)
    except InputError as error:
        show_input_error(error)
        return
    sign_in(account)
    st.rerun()


st.title("PartnerDesk")
st.markdown("The channel partner program: apply, review, settle.")
signing_in, registering = st.tabs(["Sign in", "Register as an applicant"])
with signing_in:
    sign_in_form()
with registering:
    registration_form()
