"""The partner's accounts; its owner adds colleagues."""

import pandas as pd
import streamlit as st

from partnerdesk.errors import InputError
from partnerdesk.partner_accounts import accounts_of, add_colleague
from views.common import flash, show_input_error, today, workspace
from views.partner_common import partner_caption, signed_in_partner, writable


def colleague_form(member) -> None:
    with st.form("partner_team.add", clear_on_submit=True):
        st.subheader("Add a colleague")
        username = st.text_input("Username", key="partner_team.username")
        display_name = st.text_input("Name", key="partner_team.display_name")
        password = st.text_input("Initial password", type="password", key="partner_team.password")
        if not st.form_submit_button("Add the account", type="primary"):
            return
    try:
        account = add_colleague(workspace(), member.username, username, password, display_name, today())
    except InputError as error:
        show_input_error(error)
        return
    flash(f"Account {account.username} added.")
    st.rerun()


member = signed_in_partner()
st.title("Team")
partner_caption(member)
st.dataframe(pd.DataFrame([{"username": a.username, "name": a.display_name, "owner": a.owner,
                            "added by": a.added_by, "added": a.added_at}
                           for a in accounts_of(workspace(), member.partner_id)]), hide_index=True)
if member.owner and writable(member):
    colleague_form(member)
elif not member.owner:
    st.caption("The owner account of your partner adds colleagues.")
