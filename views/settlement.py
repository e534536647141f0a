"""Settlement: import billing files, settle a month or a quarter, invoices, commissions, payments."""

from collections.abc import Callable

import pandas as pd
import streamlit as st

from partnerdesk.accounts import Role
from partnerdesk.csvfiles import ImportSummary
from partnerdesk.errors import InputError
from partnerdesk.imports import import_customers, import_usage
from partnerdesk.lookups import quarter_commissions
from partnerdesk.payments import import_payments, invoice_balances
from partnerdesk.settling import closed_periods, preview_month
from partnerdesk.spreadsheet import csv_text
from settlement.invoices import PaymentStatus
from views.common import humanize, require, show_input_error, today, uploaded_file, workspace
from views.settlement_charts import commission_by_partner_and_tier, revenue_by_month
from views.settlement_periods import last_complete_quarter, month_choices, quarter_choices, recent_months, settle_form

IMPORTS = {  # what the file holds: (its columns, the service that imports it)
    "customers": ("customer_id, partner_id, associated_on", import_customers),
    "usage": ("line_id, customer_id, product, usage_date, amount [, commissionable]", import_usage),
    "payments": ("invoice_id, paid_on, amount", lambda ws, path, progress: import_payments(ws, path)),
}


def csv_download(table: pd.DataFrame, name: str, label: str) -> None:
    document = csv_text(list(table.columns), table.itertuples(index=False))
    st.download_button(label, document.encode(), file_name=name, mime="text/csv",
                       icon=":material/download:", key=f"download.{name}", disabled=table.empty)


def overview() -> None:
    revenue_by_month(recent_months(6))
    commission_by_partner_and_tier(last_complete_quarter())
    st.subheader("Settled periods")
    st.dataframe(pd.DataFrame([p.model_dump() for p in closed_periods(workspace())]), hide_index=True)


def import_one(kind: str) -> None:
    columns, service = IMPORTS[kind]
    upload = st.file_uploader(f"{humanize(kind)} file (CSV: {columns})", type=["csv"], key=f"import.{kind}")
    if upload is None or not st.button(f"Import {kind}", key=f"import.{kind}.button"):
        return
    total = max(upload.getvalue().count(b"\n") - 1, 1)
    bar = st.progress(0.0, text=f"Importing {upload.name}")
    try:
        with uploaded_file(upload) as path:
            summary = service(workspace(), path, _progress(bar, total))
    except InputError as error:
        bar.empty()
        show_input_error(error)
        return
    bar.progress(1.0, text=f"{upload.name} imported")
    _imported(kind, summary)


def _progress(bar, total: int) -> Callable[[int], None]:
    return lambda done: bar.progress(min(done / total, 1.0), text=f"{done:,} of about {total:,} rows read")


def _imported(kind: str, summary: ImportSummary) -> None:
    st.success(f"{humanize(kind)}: {summary.rows_read:,} rows read, {summary.imported:,} imported, "
               f"{summary.already_present:,} already present.")


def invoices() -> None:
    month = st.selectbox("Month", month_choices(_settled()), key="invoices.month")
    figures = preview_month(workspace(), month)
    table = pd.DataFrame([i.model_dump(mode="json", exclude={"lines"}) for i in figures.invoices])
    st.caption("Settled: the stored invoices." if month in _settled() else "Not settled yet: the figures as they stand.")
    st.dataframe(table, hide_index=True)
    csv_download(table, f"invoices-{month}.csv", "Invoices as CSV")
    if figures.invoices:
        by_id = {i.invoice_id: i for i in figures.invoices}
        chosen = st.selectbox("Invoice lines of", list(by_id), key="invoices.chosen",
                              format_func=lambda i: f"{i}: {by_id[i].issuer} to {by_id[i].bill_to}, {by_id[i].total} USD")
        lines = pd.DataFrame([line.model_dump(mode="json") for line in by_id[chosen].lines])
        st.dataframe(lines, hide_index=True)
        csv_download(lines, f"invoice-{chosen}.csv", "These lines as CSV")


def commissions() -> None:
    month, quarter = st.columns(2)
    chosen_month = month.selectbox("Agency commissions of", month_choices(_settled()), key="commissions.month")
    agencies = pd.DataFrame([c.model_dump(mode="json") for c in preview_month(workspace(), chosen_month).agency_commissions])
    month.dataframe(agencies, hide_index=True)
    with month:
        csv_download(agencies, f"agency-commissions-{chosen_month}.csv", "Agency commissions as CSV")
    chosen_quarter = quarter.selectbox("Quarterly commissions of", quarter_choices(_settled()),
                                       key="commissions.quarter")
    if chosen_quarter not in _settled():
        quarter.info(f"{chosen_quarter} is not settled yet; the What-if page shows its commissions as they stand.")
        return
    statements = pd.DataFrame([c.model_dump(mode="json") for c in quarter_commissions(workspace(), chosen_quarter)])
    quarter.dataframe(statements, hide_index=True)
    with quarter:
        csv_download(statements, f"commissions-{chosen_quarter}.csv", "Quarterly commissions as CSV")


def payments() -> None:
    status = st.radio("Invoices", ["all", *PaymentStatus], horizontal=True, key="payments.status", format_func=humanize)
    as_of = st.date_input("Payment status on", today(), key="payments.as_of")
    listed = invoice_balances(workspace(), as_of, None if status == "all" else status)
    overdue = [i for i in listed.invoices if i.status is PaymentStatus.overdue]
    st.metric("Overdue invoices", len(overdue), help="Unpaid after their due date")
    table = pd.DataFrame([i.model_dump(mode="json") for i in listed.invoices])
    st.dataframe(table, hide_index=True)
    csv_download(table, f"invoices-{status}-{as_of}.csv", "This list as CSV")
    st.divider()
    import_one("payments")


def _settled() -> set[str]:
    return {p.period for p in closed_periods(workspace())}


def import_files() -> None:
    import_one("customers")
    import_one("usage")


def settling() -> None:
    settle_form()
    st.dataframe(pd.DataFrame([p.model_dump() for p in closed_periods(workspace())]), hide_index=True)


SECTIONS = {"Overview": overview, "Import files": import_files, "Settle": settling, "Invoices": invoices,
            "Commissions": commissions, "Payments": payments}

require(Role.analyst)
st.title("Settlement")
section = st.radio("Section", list(SECTIONS), horizontal=True, key="settlement.section",
                   label_visibility="collapsed")
SECTIONS[section]()
