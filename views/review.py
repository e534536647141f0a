"""One application under review: its decision, the manager's action, the territory and the audit trail."""

import datetime as dt

import pandas as pd
import streamlit as st

from kernel.partner_types import PartnerType
from kernel.states import OPEN_STATES, Action, allowed
from partnerdesk.accounts import Role
from partnerdesk.applications import history
from partnerdesk.errors import InputError
from partnerdesk.lookups import latest_decision
from partnerdesk.queries import review_choices, territory_status
from partnerdesk.review import review
from qualification.decision import Decision
from qualification.filed import FiledApplication
from views.application_form import show_decision
from views.common import REVIEW_ID, SHOWN_APPLICATIONS, Account, flash, humanize, plain, require, show_input_error, workspace

BUTTONS = {  # label: (action, override)
    "Approve": (Action.approve, False),
    "Override and approve": (Action.approve, True),
    "Request information": (Action.request_info, False),
    "Reject": (Action.reject, False),
}
TRAIL_COLUMNS = {"at": "when (UTC)", "action": "action", "by": "by", "reason": "reason",
                 "rules_version": "rules version"}
OPTION_WORDS = {  # the review service's command-line terms, as this page names them
    "(--override with --reason)": "(press “Override and approve” and write a reason)",
    "--reason:": "Reason:", "--confirm:": "Confirmations:", "--tier:": "Tier:", "--by:": "Manager:",
}


def choose(rows: list[FiledApplication]) -> FiledApplication:
    """Open applications first (oldest first), then the one opened from the queue or just decided."""
    ordered = [r for r in rows if r.state in OPEN_STATES] + [r for r in rows if r.state not in OPEN_STATES]
    by_id = {r.id: r for r in ordered}
    chosen = st.selectbox("Application", list(by_id), key=REVIEW_ID,
                          format_func=lambda i: f"{i}: {by_id[i].company_name}")
    return by_id[chosen]


def summary(row: FiledApplication, decision: Decision, titles: dict[str, str]) -> None:
    st.header(plain(row.company_name))
    st.markdown(f"**{humanize(row.partner_type)}** in **{row.territory}**: {humanize(row.state).lower()}. "
                f"Applied on {row.created_at:%Y-%m-%d} by {plain(row.submitted_by or 'the command line')}.")
    failed = ", ".join(titles.get(c, humanize(c)) for c in decision.failed)
    eligible = "eligible" if decision.eligible else f"not eligible (failed: {failed})"
    also = ", ".join(humanize(t.value) for t in decision.qualifies_as) or "no other type"
    st.markdown(f"Decided {eligible} on {decision.as_of} under rules {decision.rules_version}; "
                f"also qualifies as: {also}.")
    application = row.application()
    st.markdown("**The applicant's statement**")
    paragraphs = [plain(line) for line in application.statement.splitlines() if line.strip()]
    st.markdown("\n\n".join(paragraphs) if paragraphs else "_No statement given._")
    with st.expander("The application as submitted"):
        st.json(application.as_json())


def territory(row: FiledApplication) -> None:
    """The territory's distributors against its cap (only a distributor's approval depends on it)."""
    status = territory_status(workspace(), row.territory)
    st.subheader(f"Territory {row.territory}")
    st.metric("Distributors / cap", f"{status.territory.approved_distributors} / {status.territory.cap}")
    if status.territory.full:
        st.caption("Full: no further distributor can be approved here, not even by an override.")
    for partner in status.distributors:
        st.markdown(f"- {partner.key} {plain(partner.name)} ({plain(partner.tier)}, since {partner.approved_on})")


def actions(row: FiledApplication, decision: Decision, titles: dict[str, str], account: Account) -> None:
    shown = _buttons(row, decision)
    tiers = _tiers(row.partner_type)
    with st.form(f"review.{row.id}"):
        st.subheader("Your decision")
        confirmed = [c for c in decision.to_review if st.checkbox(
            f"I have checked **{titles[c]}**: {plain(decision.criterion(c).message)}", key=f"review.{row.id}.{c}")]
        approving = any(BUTTONS[label][0] is Action.approve for label in shown)
        tier = st.selectbox("Tier", tiers, key=f"review.{row.id}.tier") if tiers and approving else None
        reason = st.text_area("Reason (required to reject, request information or override)",
                              key=f"review.{row.id}.reason")
        pressed = [label for label, column in zip(shown, st.columns(len(shown)))
                   if column.form_submit_button(label, type="primary" if label == "Approve" else "secondary")]
    if not decision.eligible:
        st.caption("Not eligible: approving it is an override, which needs a reason and is recorded as one.")
    if pressed:
        act(row, pressed[0], account, reason, confirmed, tier, titles)


def _buttons(row: FiledApplication, decision: Decision) -> list[str]:
    """The actions the application's state allows; an ineligible one is approved only by an override."""
    return [label for label, (action, override) in BUTTONS.items() if allowed(action, row.state)
            and (decision.eligible or override or action is not Action.approve)]


def _tiers(partner_type: PartnerType) -> list[str]:
    return workspace().plan().tier_names(partner_type)


def act(row: FiledApplication, label: str, account: Account, reason: str, confirmed: list[str],
        tier: str | None, titles: dict[str, str]) -> None:
    action, override = BUTTONS[label]
    try:
        result = review(workspace(), row.id, action, by=account.username, reason=reason or None,
                        confirm=confirmed, override=override, tier=tier)
    except InputError as error:
        show_input_error(error, {**OPTION_WORDS, **titles})
        return
    done = f"approved as partner {result['partner_id']}" if "partner_id" in result else humanize(result["state"]).lower()
    flash(f"Application {row.id} ({row.company_name}): {done}.")
    st.rerun()


def audit_trail(row: FiledApplication, titles: dict[str, str]) -> None:
    st.subheader("Audit trail")
    st.dataframe(pd.DataFrame([_trail_row(e, titles) for e in history(workspace(), row.id)]), hide_index=True,
                 column_config={"when (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})


def _trail_row(entry: dict, titles: dict[str, str]) -> dict:
    """An audit entry as a person reads it: its time as a time, the action in words, the rest as
    details, with criteria named by their titles."""
    shown = {name: entry[key] for key, name in TRAIL_COLUMNS.items()}
    shown["when (UTC)"] = dt.datetime.fromisoformat(entry["at"])
    shown["action"] = humanize(entry["action"])
    shown["details"] = "; ".join(f"{humanize(k)}: {_detail(v, titles)}" for k, v in entry.items()
                                 if k not in TRAIL_COLUMNS and v not in ([], None))
    return shown


def _detail(value: object, titles: dict[str, str]) -> str:
    """A list of criteria by their titles; anything else as it is."""
    if isinstance(value, list):
        return ", ".join(titles.get(str(v), str(v)) for v in value)
    return str(value)


account = require(Role.manager)
ws = workspace()
st.title("Review an application")
applications = review_choices(ws, st.session_state.get(REVIEW_ID), SHOWN_APPLICATIONS)
if not applications:
    st.info("No open applications: the review queue (state: any) opens a decided one.")
    st.stop()
row = choose(applications)
decision = latest_decision(ws, row.id)
titles = {c.id: c.title for c in ws.rulebook.criteria(row.partner_type)}
capped = row.partner_type == PartnerType.distributor
main, side = st.columns([3, 1], gap="large") if capped else (st.container(), None)
with main:
    summary(row, decision, titles)
    show_decision(decision, titles)
    if row.state in OPEN_STATES:
        actions(row, decision, titles, account)
    audit_trail(row, titles)
if side is not None:
    with side:
        territory(row)
