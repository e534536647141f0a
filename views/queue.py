"""The channel managers' review queue: filters, oldest first, counts per state."""

import altair as alt
import pandas as pd
import streamlit as st

from kernel.partner_types import APPLICABLE
from kernel.states import ApplicationState
from partnerdesk.accounts import Role
from partnerdesk.applications import (
    application_territories,
    applications_by_state,
    count_applications,
    list_applications,
)
from qualification.filed import FiledApplication
from views.common import REVIEW_ID, humanize, require, workspace

STATES = [s.value for s in ApplicationState]
SHOWN = 500  # the oldest applications of the queue shown at once; the rest wait their turn


def counts(per_state: dict[str, int]) -> None:
    for column, state in zip(st.columns(len(STATES)), STATES):
        column.metric(humanize(state), per_state.get(state, 0))
    chart = pd.DataFrame({"state": [humanize(s) for s in STATES],
                          "applications": [per_state.get(s, 0) for s in STATES]})
    st.altair_chart(alt.Chart(chart).mark_bar().encode(
        x=alt.X("applications:Q", title="applications", axis=alt.Axis(tickMinStep=1, format="d")), y=alt.Y("state:N", sort=None, title=None),
        color=alt.Color("state:N", legend=None)).properties(height=160))


def filters(territories: list[str]) -> dict[str, str | None]:
    state, partner_type, territory = st.columns(3)
    return {
        "state": state.selectbox("State", STATES, index=0, key="queue.state", format_func=humanize),
        "partner_type": partner_type.selectbox("Partner type", [t.value for t in APPLICABLE], index=None,
                                               key="queue.partner_type", format_func=humanize,
                                               placeholder="Any partner type"),
        "territory": territory.selectbox("Territory", territories, index=None,
                                         key="queue.territory", placeholder="Any territory"),
    }


def queue_table(rows: list[FiledApplication]) -> None:
    st.dataframe(pd.DataFrame([
        {"id": r.id, "submitted": f"{r.created_at:%Y-%m-%d %H:%M}", "company": r.company_name,
         "partner type": humanize(r.partner_type), "territory": r.territory, "state": humanize(r.state),
         "eligible": r.eligible, "submitted by": r.submitted_by} for r in rows]), hide_index=True)


def open_application(rows: list[FiledApplication]) -> None:
    chosen = st.selectbox("Application to review", [r.id for r in rows], key="queue.open",
                          format_func={r.id: f"{r.id}: {r.company_name}" for r in rows}.get)
    if st.button("Review this application", type="primary", key="queue.open_button"):
        st.session_state[REVIEW_ID] = chosen
        st.switch_page("views/review.py")


require(Role.manager)
ws = workspace()
st.title("Review queue")
counts(applications_by_state(ws))
chosen = filters(application_territories(ws))
waiting = list_applications(ws, **chosen, limit=SHOWN)
total = count_applications(ws, **chosen)
st.caption(f"The oldest {len(waiting)} of {total} applications." if total > len(waiting)
           else f"{total} applications, oldest first.")
if waiting:
    queue_table(waiting)
    open_application(waiting)
