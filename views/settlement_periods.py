"""The months and quarters the settlement pages offer, counted back from today, and the
Settle section: which months a settlement closes, confirmed before it runs."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kernel.periods import Month, Quarter, parse_period
from partnerdesk.errors import InputError
from partnerdesk.settling import SettlementPreview, preview_settlement, settle
from views.common import flash, plain, show_input_error, today, workspace

PENDING = "settle.pending"


def _month_before(month: Month) -> Month:
    return Month.of(month.first_day - dt.timedelta(days=1))


def recent_months(count: int) -> list[str]:
    """The last `count` complete months, the latest first."""
    months = [_month_before(Month.of(today()))]
    while len(months) < count:
        months.append(_month_before(months[-1]))
    return [m.key for m in months]


def recent_quarters(count: int) -> list[str]:
    """The last `count` complete quarters, the latest first."""
    quarters = [_month_before(Month.of(today()).quarter.months[0]).quarter]
    while len(quarters) < count:
        quarters.append(_month_before(quarters[-1].months[0]).quarter)
    return [q.key for q in quarters]


def last_complete_quarter() -> str:
    return recent_quarters(1)[0]


def month_choices(settled: set[str]) -> list[str]:
    """The last twelve complete months and every settled month, the latest first."""
    return sorted({*recent_months(12), *(p for p in settled if isinstance(parse_period(p), Month))}, reverse=True)


def quarter_choices(settled: set[str]) -> list[str]:
    """The last four complete quarters and every settled quarter, the latest first."""
    return sorted({*recent_quarters(4), *(p for p in settled if isinstance(parse_period(p), Quarter))}, reverse=True)


def settle_form() -> None:
    """Choose a period; see the months it closes; confirm. A period not ended yet is refused."""
    with st.form("settle"):
        period = st.text_input("Period to settle", recent_months(1)[0], key="settle.period",
                               help="A month (YYYY-MM) settles its invoices and agency commissions; "
                                    "a quarter (YYYY-Qn) the commissions of resellers and distributors.")
        if st.form_submit_button("Settle and close the period", type="primary"):
            try:
                st.session_state[PENDING] = preview_settlement(workspace(), period, today())
            except InputError as error:
                st.session_state.pop(PENDING, None)
                show_input_error(error)
    preview = st.session_state.get(PENDING)
    if preview is not None:
        _confirm(preview)


def _confirm(preview: SettlementPreview) -> None:
    if preview.refusal:
        st.error(plain(preview.refusal))
        return
    if preview.settled:
        st.info(f"{preview.period} is settled already: settling it again shows what was issued.")
    else:
        st.warning(f"Settling {preview.period} closes {', '.join(preview.closes)}: its invoices or commissions "
                   f"are issued for good, and lines that arrive later for these months settle as adjustments.")
    if preview.adjusts:
        st.info(f"Late lines of {', '.join(preview.adjusts)} settle with it as adjustments, each naming its period.")
    if st.button(f"Confirm: settle {preview.period}", key="settle.confirm", type="primary"):
        st.session_state.pop(PENDING, None)
        try:
            result = settle(workspace(), preview.period, today())
        except InputError as error:
            show_input_error(error)
            return
        counted = (f"{len(result.invoices)} invoices and {len(result.agency_commissions)} agency commissions"
                   if preview.kind == "month" else f"{len(result.commissions)} commissions")
        flash(f"{result.period} settled: {counted}.")
        st.rerun()
