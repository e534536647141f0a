"""Tier review for managers: the tier each direct reseller and distributor earns by its trailing
four quarters' commissionable performance, and a manager's accept or decline of each proposal
(both kept with the manager's name and reason). An accepted tier applies from the month after
the latest settled month. The manager picks one open proposal and decides it in one form: a form per
open proposal made the page slow in a channel of many partners."""

import pandas as pd
import streamlit as st

from partnerdesk.accounts import Role
from partnerdesk.errors import InputError
from partnerdesk.tiers import decline_proposal, declined, set_tier, tier_review
from settlement.tier_review import TierProposal
from views.common import Account, flash, plain, require, show_input_error, workspace
from views.finance_tables import money, partner_names
from views.settlement_periods import recent_quarters

OPTION_WORDS = {"--reason:": "Reason:", "--by:": "Manager:", "--tier:": "Tier:"}


def _standing(proposal: TierProposal, refused: dict[str, str]) -> str:
    if proposal.proposed == proposal.tier:
        return "keeps its tier"
    return "declined" if refused.get(proposal.partner_id) == proposal.proposed else "to decide"


def proposals_table(proposals: list[TierProposal], names: dict[str, str], refused: dict[str, str]) -> None:
    st.dataframe(pd.DataFrame([
        {"partner": p.partner_id, "name": names.get(p.partner_id, ""), "tier": p.tier, "proposed": p.proposed,
         "trailing performance": p.trailing_performance,
         "decision": _standing(p, refused)}
        for p in proposals], columns=["partner", "name", "tier", "proposed", "trailing performance", "decision"]),
        hide_index=True, key="tiers.proposals", column_config={"trailing performance": money()})


def decide(proposal: TierProposal, quarter: str, names: dict[str, str], account: Account) -> None:
    key = f"tiers.{quarter}.{proposal.partner_id}"
    with st.form(key):
        st.markdown(f"**{proposal.partner_id} {plain(names.get(proposal.partner_id, ''))}**: {proposal.tier} → "
                    f"**{proposal.proposed}** (trailing four quarters {proposal.trailing_performance:,} USD)")
        reason = st.text_input("Reason", f"tier review {quarter}: trailing performance "
                                         f"{proposal.trailing_performance:,} USD", key=f"{key}.reason")
        accept, refuse = st.columns(2)
        accepted = accept.form_submit_button(f"Accept {proposal.proposed}", type="primary")
        refused = refuse.form_submit_button(f"Decline {proposal.proposed}")
    if not (accepted or refused):
        return
    try:
        if accepted:
            changed = set_tier(workspace(), proposal.partner_id, proposal.proposed, reason, account.username)
            flash(f"{proposal.partner_id} is {changed.tier} from {changed.in_force_from} on.")
        else:
            decline_proposal(workspace(), proposal.partner_id, quarter, proposal.proposed, reason, account.username)
            flash(f"{proposal.partner_id}: {proposal.proposed} declined for {quarter}.")
    except InputError as error:
        show_input_error(error, OPTION_WORDS)
        return
    st.rerun()


account = require(Role.manager)
st.title("Tier review")
quarter = st.selectbox("Trailing four quarters up to", recent_quarters(4), key="tiers.quarter")
st.caption("A tier is earned by the commissionable performance of the quarter and the three before it "
           "(the plan's review_from); an accepted tier applies from the month after the latest settled month.")
names, proposals, refused = partner_names(), tier_review(workspace(), quarter).root, declined(workspace(), quarter)
proposals_table(proposals, names, refused)
open_proposals = {p.partner_id: p for p in proposals if _standing(p, refused) == "to decide"}
if not open_proposals:
    st.info("No tier changes to decide for this quarter.")
else:
    chosen = st.selectbox("Proposal to decide", list(open_proposals), key=f"tiers.{quarter}.chosen",
                          format_func=lambda p: f"{p} {names.get(p, '')}: {open_proposals[p].tier} → "
                                                f"{open_proposals[p].proposed}")
    decide(open_proposals[chosen], quarter, names, account)
