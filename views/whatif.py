"""What-if: what a quarter would cost under an edited (or uploaded) plan beside the plan in force.

The cost is discounts plus commissions, so a discount, tier or band change shows. A result
belongs to its quarter: changing the quarter drops it, and a quarter written wrongly is
refused before anything is compared.
"""

import altair as alt
import pandas as pd
import streamlit as st

from partnerdesk.accounts import Role
from partnerdesk.errors import InputError
from partnerdesk.settling import parse_quarter
from partnerdesk.whatif import what_if
from partnerdesk.workspace import Workspace, plan_from
from settlement.plan import Plan
from settlement.whatif import WhatIf
from views.common import humanize, plain, require, show_input_error, uploaded_file, workspace
from views.finance_tables import money, partner_names
from views.plan_form import plan_fields, plan_of
from views.settlement_periods import last_complete_quarter

RESULT, PLAN = "whatif.result", "whatif.compared_plan"
AMOUNTS = ["discount now", "discount what-if", "commission now", "commission what-if", "cost now",
           "cost what-if", "cost difference"]


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
            st.session_state[RESULT], st.session_state[PLAN] = what_if(ws, quarter, plan), plan
            st.rerun()
    except InputError as error:
        show_input_error(error)


def totals(result: WhatIf) -> None:
    now, then, change = st.columns(3)
    cost = result.totals.cost
    now.metric(f"Cost under the plan in force ({result.current_plan})", f"{cost.current:,} USD",
               help="Invoice discounts plus commissions")
    then.metric(f"Cost under the what-if plan ({result.whatif_plan})", f"{cost.whatif:,} USD")
    change.metric("Difference in cost", f"{cost.difference:,} USD", delta=f"{cost.difference:,}",
                  delta_color="inverse")
    st.caption(f"Discounts {result.totals.discount.current:,} → {result.totals.discount.whatif:,} USD; "
               f"commissions {result.totals.current:,} → {result.totals.whatif:,} USD.")


def by_partner(result: WhatIf) -> pd.DataFrame:
    names = partner_names()
    return pd.DataFrame([
        {"partner": r.partner_id, "name": names.get(r.partner_id, ""), "type": humanize(r.partner_type),
         "tier": r.tier or "", "commissionable": r.commissionable.current,
         "discount now": r.discount.current, "discount what-if": r.discount.whatif,
         "commission now": r.current, "commission what-if": r.whatif,
         "cost now": r.cost.current, "cost what-if": r.cost.whatif,
         "cost difference": r.cost.difference}
        for r in result.partners])


def plotted(table: pd.DataFrame) -> pd.DataFrame:
    """The table's money as floats, which is what a chart plots."""
    return table.astype({c: float for c in AMOUNTS})


def difference_chart(table: pd.DataFrame) -> None:
    st.altair_chart(alt.Chart(plotted(table)).mark_bar().encode(
        x=alt.X("name:N", sort="-y", title=None, axis=alt.Axis(labelLimit=160)),
        y=alt.Y("cost difference:Q", title="difference in cost (USD)"),
        color=alt.condition("datum['cost difference'] <= 0", alt.value("#2e7d32"), alt.value("#c62828")),
        tooltip=["partner", "name", "tier", "cost now", "cost what-if", "cost difference"],
    ).properties(title="Difference in cost per partner", height=320))


def cost_by_tier_chart(table: pd.DataFrame) -> None:
    long = plotted(table).melt(id_vars=["type", "tier"], value_vars=["cost now", "cost what-if"], var_name="plan",
                      value_name="cost")
    long["type and tier"] = long["type"] + " " + long["tier"]
    st.altair_chart(alt.Chart(long).mark_bar().encode(
        x=alt.X("type and tier:N", title=None), xOffset="plan:N", y=alt.Y("sum(cost):Q", title="USD"),
        color=alt.Color("plan:N", title=None)).properties(title="Cost by partner type and tier", height=280))


def download(plan: Plan) -> None:
    st.download_button("Download this plan (YAML)", plan.as_yaml().encode(), file_name=f"plan-{plan.version}.yaml",
                       mime="application/x-yaml", icon=":material/download:", key="whatif.download",
                       help="A plan file: `partnerdesk whatif --plan FILE` or `settle --plan FILE` read it.")


def show(result: WhatIf) -> None:
    st.subheader(f"{result.period}: {plain(result.whatif_plan)} beside {plain(result.current_plan)}")
    totals(result)
    table = by_partner(result)
    if not table.empty:
        chart, tiers = st.columns([3, 2])
        with chart:
            difference_chart(table)
        with tiers:
            cost_by_tier_chart(table)
    st.dataframe(table, hide_index=True, column_config={c: money() for c in ["commissionable", *AMOUNTS]})
    download(st.session_state[PLAN])


def chosen_quarter() -> str | None:
    """The quarter typed, or None (with the reason shown) when it is not one; a result of
    another quarter is dropped."""
    typed = st.text_input("Quarter", last_complete_quarter(), key="whatif.quarter", help="YYYY-Qn, e.g. 2026-Q3")
    try:
        quarter = parse_quarter(typed).key
    except InputError as error:
        show_input_error(error)
        quarter = None
    if RESULT in st.session_state and st.session_state[RESULT].period != quarter:
        del st.session_state[RESULT]
    return quarter


require(Role.analyst)
ws = workspace()
st.title("What-if")
quarter = chosen_quarter()
if quarter is not None:
    if RESULT in st.session_state:
        show(st.session_state[RESULT])
    with st.expander("Plan terms to try", expanded=RESULT not in st.session_state):
        compare(ws, quarter)
