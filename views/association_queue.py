"""The channel manager's queue of customer association requests waiting for review (transfers
and cross-region customers), with both partners shown; approve or reject with a reason."""

import pandas as pd
import streamlit as st

from partnerdesk.accounts import Role
from partnerdesk.customers import decide, requests
from partnerdesk.errors import InputError
from views.common import flash, humanize, require, show_input_error, today, workspace


def decide_form(request, manager: str) -> None:
    with st.form(f"association_queue.{request.request_id}", clear_on_submit=True):
        st.subheader(f"Request {request.request_id}")
        st.text(f"Customer {request.customer_id} {request.name} ({request.country})")
        st.text(f"Requested by {request.partner_id} {request.partner_name}")
        st.text(f"Belongs now to {request.from_partner_id or 'no partner'} {request.from_partner_name or ''}".rstrip())
        st.text(f"Waits for: {', '.join(humanize(r) for r in request.review_reasons)}")
        reason = st.text_input("Reason", key=f"association_queue.{request.request_id}.reason")
        approve, reject = st.columns(2)
        approving = approve.form_submit_button("Approve", type="primary")
        rejecting = reject.form_submit_button("Reject")
    if not (approving or rejecting):
        return
    try:
        decided = decide(workspace(), request.request_id, approving, reason, manager, today())
    except InputError as error:
        show_input_error(error, {"--reason": "Reason"})
        return
    flash(f"Request {request.request_id}: {humanize(decided.state)}.")
    st.rerun()


account = require(Role.manager)
st.title("Customer association queue")
waiting = requests(workspace(), today(), state="pending_review")
if not waiting:
    st.info("No customer association waits for review.")
    st.stop()
st.dataframe(pd.DataFrame([
    {"request": r.request_id, "customer": r.customer_id, "name": r.name, "country": r.country,
     "requested by": f"{r.partner_id} {r.partner_name}", "belongs now to":
     f"{r.from_partner_id} {r.from_partner_name}" if r.from_partner_id else "", "waits for":
     ", ".join(humanize(x) for x in r.review_reasons), "accepted on": r.history[-1].on} for r in waiting]),
    hide_index=True)
chosen = st.selectbox("Request", [r.request_id for r in waiting], key="association_queue.chosen")
decide_form(next(r for r in waiting if r.request_id == chosen), account.username)
