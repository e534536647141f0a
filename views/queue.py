"""The channel managers' review queue: filters, oldest first, counts per state of the filtered applications."""

import altair as alt
import pandas as pd
import streamlit as st

from kernel.partner_types import APPLICABLE, PartnerType
from kernel.states import ApplicationState
from partnerdesk.accounts import Role
from partnerdesk.applications import application_territories
from partnerdesk.queries import ReviewQueue, review_queue
from qualification.filed import FiledApplication
from views.common import REVIEW_ID, SHOWN_APPLICATIONS, humanize, require, workspace

ANY = "any"
STATES = [ANY, *(s.value for s in ApplicationState)]


def applications(count: int) -> str:
    return f"{count} application{'' if count == 1 else 's'}"


def counts(per_state: dict[ApplicationState, int]) -> None:
    """The applications of the chosen type and territory in each state."""
    for column, (state, count) in zip(st.columns(len(per_state)), per_state.items()):
        column.metric(humanize(state), count)
    chart = pd.DataFrame({"state": [humanize(s) for s in per_state], "applications": list(per_state.values())})
    st.altair_chart(alt.Chart(chart).mark_bar().encode(
        x=alt.X("applications:Q", title="applications", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("state:N", sort=None, title=None), color=alt.Color("state:N", legend=None)).properties(height=160))


def filters(territories: list[str]) -> dict:
    state, partner_type, territory = st.columns(3)
    chosen_state = state.selectbox("State", STATES, index=1, key="queue.state",
                                   format_func=lambda s: "Any state" if s == ANY else humanize(s))
    chosen_type = partner_type.selectbox("Partner type", [t.value for t in APPLICABLE], index=None,
                                         key="queue.partner_type", format_func=humanize,
                                         placeholder="Any partner type")
    return {
        "state": None if chosen_state == ANY else ApplicationState(chosen_state),
        "partner_type": PartnerType(chosen_type) if chosen_type else None,
        "territory": territory.selectbox("Territory", territories, index=None, key="queue.territory",
                                         placeholder="Any territory"),
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


def caption(queue: ReviewQueue) -> str:
    if queue.matching > len(queue.applications):
        return f"The oldest {len(queue.applications)} of {applications(queue.matching)}."
    return f"{applications(queue.matching)}, oldest first."


require(Role.manager)
ws = workspace()
st.title("Review queue")
counted = st.container()
queue = review_queue(ws, **filters(application_territories(ws)), limit=SHOWN_APPLICATIONS)
with counted:
    counts(queue.per_state)
st.caption(caption(queue))
if queue.applications:
    queue_table(queue.applications)
    open_application(queue.applications)
