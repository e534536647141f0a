"""The applicant's own applications: state, decision, requests for information and updates."""

import pandas as pd
import streamlit as st

from partnerdesk.accounts import Role
from partnerdesk.applications import history, list_applications, update
from partnerdesk.errors import InputError
from partnerdesk.lookups import latest_decision
from partnerdesk.partner_accounts import approved_as
from qualification.filed import FiledApplication
from views.application_form import application_fields, show_decision
from views.common import flash, humanize, plain, require, show_input_error, today, workspace


def overview(rows: list[FiledApplication]) -> None:
    partners = approved_as(workspace(), [r.id for r in rows])
    st.dataframe(pd.DataFrame([
        {"id": r.id, "company": r.company_name, "partner type": humanize(r.partner_type),
         "territory": r.territory, "state": humanize(r.state), "eligible": r.eligible,
         "partner id": partners[r.id].partner_id if r.id in partners else None,
         "tier": partners[r.id].tier if r.id in partners else None,
         "submitted": f"{r.created_at:%Y-%m-%d}", "last change": f"{r.updated_at:%Y-%m-%d %H:%M}"}
        for r in rows]), hide_index=True)


def request_for_information(row: FiledApplication, actor: str) -> None:
    """The manager's latest request and a form to answer it with updated data."""
    ws = workspace()
    asked = [e for e in history(ws, row.id) if e["action"] == "info_requested"][-1]
    st.warning(f"**The channel manager asks:** {plain(asked['reason'])}")
    data = application_fields(f"update.{row.id}", ws.rulebook, row.application(), fixed_type=True)
    if st.button("Send the update", type="primary", key=f"update.{row.id}.send"):
        try:
            decision = update(ws, row.id, data, today(), actor=actor)
        except InputError as error:
            show_input_error(error)
            return
        flash(f"Application {row.id} updated and decided again "
              f"({'eligible' if decision.eligible else 'not eligible yet'}).")
        st.rerun()


def details(row: FiledApplication, actor: str) -> None:
    ws = workspace()
    with st.expander(f"Application {row.id}: {plain(row.company_name)} ({humanize(row.state)})",
                     expanded=row.state == "info_requested"):
        if row.state == "info_requested":
            request_for_information(row, actor)
        titles = {c.id: c.title for c in ws.rulebook.criteria(row.partner_type)}
        show_decision(latest_decision(ws, row.id), titles)


account = require(Role.applicant, Role.partner)
st.title("My applications")
mine = list_applications(workspace(), submitted_by=account.username)
if not mine:
    st.info("You have not applied yet. The Apply page has the form and a pre-check.")
    st.stop()
overview(mine)
for application in reversed(mine):
    details(application, account.username)
