"""The rule files in force with their version, and what a draft rules directory would change."""

from pathlib import Path

import pandas as pd
import streamlit as st

from partnerdesk.accounts import Role
from partnerdesk.errors import InputError
from partnerdesk.rules import check, impact
from views.common import humanize, require, show_input_error, today, workspace


def rules_in_force() -> None:
    ws = workspace()
    checked = check(ws.rules_dir)
    left, right = st.columns(2)
    left.metric("Rules version", checked["rules_version"])
    right.metric("Plan version", checked["plan_version"])
    for partner_type, criteria in checked["criteria"].items():
        st.markdown(f"**{humanize(partner_type)}**: {', '.join(criteria)}")
    for path in sorted(ws.rules_dir.glob("*.yaml")):
        with st.expander(path.name):
            st.code(path.read_text(encoding="utf-8"), language="yaml")


def draft_impact() -> None:
    st.subheader("Impact of a draft")
    with st.form("rules.impact"):
        draft = st.text_input("Draft rules directory (a path on the server)", key="rules.draft")
        as_of = st.date_input("Decision date", today(), key="rules.as_of")
        if not st.form_submit_button("Show the impact", type="primary"):
            return
    bar = st.progress(0.0, text="Re-deciding open applications")
    try:
        found = impact(workspace(), Path(draft.strip()), as_of,
                       progress=lambda done, total: bar.progress(done / total, text=f"{done} of {total} re-decided"))
    except InputError as error:
        show_input_error(error)
        return
    st.markdown(f"{len(found['changed'])} of {found['open_applications']} open applications change "
                f"from rules {found['current_rules_version']} to {found['draft_rules_version']}.")
    st.dataframe(pd.DataFrame([
        {"application": c["application_id"], "company": c["company_name"], "partner type": humanize(c["partner_type"]),
         "state": humanize(c["state"]), "eligible now": c["eligible"]["current"],
         "eligible under draft": c["eligible"]["draft"],
         "criteria": "; ".join(f"{x['id']}: {x['current']} → {x['draft']}" for x in c["criteria"])}
        for c in found["changed"]]), hide_index=True)


require(Role.analyst)
st.title("Rules")
rules_in_force()
draft_impact()
