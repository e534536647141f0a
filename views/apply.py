"""The applicant's application form with a live pre-check beside it, and submission."""

import streamlit as st

from partnerdesk.accounts import Role
from partnerdesk.applications import submit
from partnerdesk.errors import InputError
from views.application_form import application_fields, show_precheck
from views.common import Account, flash, require, show_input_error, today, workspace


def submit_application(account: Account, data: dict) -> None:
    try:
        application_id, decision = submit(workspace(), data, today(), submitted_by=account.username)
    except InputError as error:
        show_input_error(error)
        return
    outcome = "eligible" if decision.eligible else "not eligible yet"
    flash(f"Application {application_id} submitted ({outcome}); a channel manager reviews it next.")
    st.switch_page("views/my_applications.py")


account = require(Role.applicant)
ws = workspace()
st.title("Apply to the partner program")
form, precheck = st.columns([3, 2], gap="large")
with form:
    data = application_fields("apply", ws.rulebook)
    if st.button("Submit application", type="primary", key="apply.submit"):
        submit_application(account, data)
with precheck:
    show_precheck(ws, data, today())
