"""What-if: a quarter's commissions under an edited (or uploaded) plan beside the plan in force."""

import altair as alt
import pandas as pd
import streamlit as st

from kernel.partner_types import partner_key
from partnerdesk.accounts import Role
from partnerdesk.errors import InputError
from partnerdesk.lookups import partners
from partnerdesk.whatif import what_if
from partnerdesk.workspace import Workspace, plan_from
from settlement.plan import Plan
from settlement.quarterly import WhatIf
from views.common import humanize, plain, require, show_input_error, uploaded_file, workspace
from views.plan_form import plan_fields, plan_of
from views.settlement_periods import last_complete_quarter

RESULT = "whatif.result"
AMOUNTS = ["commission now", "commission what-if", "difference"]


def proposed_plan(current: Plan) -> Plan | None:
    """The plan to compare: an uploaded file when given, else the form; None until asked."""
    upload = st.file_uploader("Upload a plan file instead (YAML, the schema of rules/plan.yaml)",
                              type=["yaml", "yml"], key="whatif.upload")
    with st.form("whatif.plan"):
        data = plan_fields(current)
        if not st.form_submit_button("Compare with the plan in force", type="primary"):
            return None
    if upload is None:
        return plan_of(data)
    with uploaded_file(upload) as path:
        return plan_from(path)


def compare(ws: Workspace, quarter: str) -> None:
    try:
        plan = proposed_plan(ws.plan())
        if plan is not None:
            st.session_state[RESULT] = what_if(ws, quarter, plan)
            st.rerun()
    except InputError as error:
        show_input_error(error)


def totals(result: WhatIf) -> None:
    now, then, change = st.columns(3)
    now.metric(f"Plan in force ({result.current_plan})", f"{result.totals.current:,} USD")
    then.metric(f"What-if plan ({result.whatif_plan})", f"{result.totals.whatif:,} USD")
    change.metric("Difference", f"{result.totals.difference:,} USD", delta=f"{result.totals.difference:,}")


def by_partner(result: WhatIf) -> pd.DataFrame:
    names = {partner_key(p.id): p.name for p in partners(workspace())}
    return pd.DataFrame([
        {"partner": r.partner_id, "name": names.get(r.partner_id, ""), "type": humanize(r.partner_type),
         "tier": r.tier or "", "commissionable": r.current.commissionable, "rate now": r.current.rate,
         "commission now": r.current.commission, "rate what-if": r.whatif.rate,
         "commission what-if": r.whatif.commission, "difference": r.difference}
        for r in result.partners])


def difference_chart(table: pd.DataFrame) -> None:
    st.altair_chart(alt.Chart(table.astype({c: float for c in AMOUNTS})).mark_bar().encode(
        x=alt.X("name:N", sort="-y", title=None, axis=alt.Axis(labelLimit=160)),
        y=alt.Y("difference:Q", title="difference (USD)"),
        color=alt.condition("datum.difference >= 0", alt.value("#2e7d32"), alt.value("#c62828")),
        tooltip=["partner", "name", "tier", "commission now", "commission what-if", "difference"],
    ).properties(title="Commission difference per partner", height=320))


def commission_by_tier_chart(table: pd.DataFrame) -> None:
    long = table.astype({c: float for c in AMOUNTS}).melt(
        id_vars=["type", "tier"], value_vars=["commission now", "commission what-if"], var_name="plan",
        value_name="commission")
    long["type and tier"] = long["type"] + " " + long["tier"]
    st.altair_chart(alt.Chart(long).mark_bar().encode(
        x=alt.X("type and tier:N", title=None), xOffset="plan:N", y=alt.Y("sum(commission):Q", title="USD"),
        color=alt.Color("plan:N", title=None)).properties(title="Commission by partner type and tier", height=280))


def show(result: WhatIf) -> None:
    st.subheader(f"{result.period}: {plain(result.whatif_plan)} beside {plain(result.current_plan)}")
    totals(result)
    table = by_partner(result)
    chart, tiers = st.columns([3, 2])
    with chart:
        difference_chart(table)
    with tiers:
        commission_by_tier_chart(table)
    st.dataframe(table, hide_index=True, column_config={
        **{c: st.column_config.NumberColumn(format="%.2f") for c in ["commissionable", *AMOUNTS]},
        **{c: st.column_config.NumberColumn(format="%.4f") for c in ["rate now", "rate what-if"]}})


require(Role.analyst)
ws = workspace()
st.title("What-if")
quarter = st.text_input("Quarter", last_complete_quarter(), key="whatif.quarter", help="YYYY-Qn, e.g. 2026-Q3")
if RESULT in st.session_state:
    show(st.session_state[RESULT])
with st.expander("Plan terms to try", expanded=RESULT not in st.session_state):
    compare(ws, quarter)
