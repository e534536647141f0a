"""Settlement: import billing files, settle a month or a quarter, invoices, commissions, payments
and receivables by age, credit control.

Money columns hold numbers (so they sort as numbers) shown as money; partners show their name
beside their id. Every figure and total comes from a service.
"""

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
from partnerdesk.credit import credit_report
from partnerdesk.receivables import receivables_by_age
from settlement.invoices import VENDOR, PaymentStatus
from views.common import humanize, require, show_input_error, today, uploaded_file, workspace
from views.finance_tables import money, partner_names
from views.settlement_charts import commission_by_partner_and_tier, revenue_by_month
from views.settlement_periods import last_complete_quarter, month_choices, quarter_choices, recent_months, settle_form

INVOICE_AMOUNTS = ["gross", "discount", "total"]
CREDIT_AMOUNTS = ["credit limit", "unpaid", "unbilled", "exposure", "available"]
AGE_COLUMNS = {"days_1_30": "1-30 days", "days_31_60": "31-60 days", "days_61_90": "61-90 days",
               "days_over_90": "over 90 days", "overdue": "overdue"}
MONEY_COLUMNS = {c: money() for c in [*INVOICE_AMOUNTS, *CREDIT_AMOUNTS, "net", "paid", "balance", "commissionable",
                                       "commission"]}
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


def _party(partner_id: str, names: dict[str, str]) -> str:
    return "Vendor" if partner_id == VENDOR else names.get(partner_id, partner_id)


def invoices() -> None:
    month = st.selectbox("Month", month_choices(_settled()), key="invoices.month")
    figures = preview_month(workspace(), month)
    names = partner_names()
    table = pd.DataFrame([
        {"invoice": i.invoice_id, "issued by": _party(i.issuer, names), "billed to": i.bill_to,
         "name": names.get(i.bill_to, ""), "issued on": i.issued_on, "due on": i.due_on, "gross": i.gross,
         "discount": i.discount, "total": i.total} for i in figures.invoices],
        columns=["invoice", "issued by", "billed to", "name", "issued on", "due on", *INVOICE_AMOUNTS])
    st.caption("Settled: the stored invoices." if month in _settled() else "Not settled yet: the figures as they stand.")
    st.dataframe(table, hide_index=True, column_config=MONEY_COLUMNS)
    csv_download(table, f"invoices-{month}.csv", "Invoices as CSV")
    if figures.invoices:
        by_id = {i.invoice_id: i for i in figures.invoices}
        chosen = st.selectbox("Invoice lines of", list(by_id), key="invoices.chosen",
                              format_func=lambda i: f"{i}: {_party(by_id[i].issuer, names)} to "
                                                    f"{_party(by_id[i].bill_to, names)}, {by_id[i].total:,} USD")
        lines = pd.DataFrame([{"customer": line.customer_id, "product": line.product, "gross": line.gross,
                               "discount": line.discount, "net": line.net}
                              for line in by_id[chosen].lines])
        st.dataframe(lines, hide_index=True, column_config=MONEY_COLUMNS)
        csv_download(lines, f"invoice-{chosen}.csv", "These lines as CSV")


def _commission_table(rows, names: dict[str, str], period_column: bool) -> pd.DataFrame:
    return pd.DataFrame([
        {"partner": c.partner_id, "name": names.get(c.partner_id, ""),
         **({"period": c.period} if period_column else {"tier": c.tier}),
         "commissionable": c.commissionable, "rate": float(c.rate), "commission": c.commission}
        for c in rows])


def commissions() -> None:
    month, quarter = st.columns(2)
    names = partner_names()
    chosen_month = month.selectbox("Agency commissions of", month_choices(_settled()), key="commissions.month")
    agencies = _commission_table(preview_month(workspace(), chosen_month).agency_commissions, names, True)
    month.dataframe(agencies, hide_index=True, column_config=MONEY_COLUMNS)
    with month:
        csv_download(agencies, f"agency-commissions-{chosen_month}.csv", "Agency commissions as CSV")
    chosen_quarter = quarter.selectbox("Quarterly commissions of", quarter_choices(_settled()),
                                       key="commissions.quarter")
    if chosen_quarter not in _settled():
        quarter.info(f"{chosen_quarter} is not settled yet; the What-if page shows its commissions as they stand.")
        return
    statements = _commission_table(quarter_commissions(workspace(), chosen_quarter), names, False)
    quarter.dataframe(statements, hide_index=True, column_config=MONEY_COLUMNS)
    with quarter:
        csv_download(statements, f"commissions-{chosen_quarter}.csv", "Quarterly commissions as CSV")


def payments() -> None:
    status = st.radio("Invoices", ["all", *PaymentStatus], horizontal=True, key="payments.status", format_func=humanize)
    as_of = st.date_input("Payment status on", today(), key="payments.as_of")
    listed = invoice_balances(workspace(), as_of, None if status == "all" else status)
    overdue = [i for i in listed.invoices if i.status is PaymentStatus.overdue]
    st.metric("Overdue invoices", len(overdue), help="Unpaid after their due date")
    names = partner_names()
    table = pd.DataFrame([
        {"invoice": i.invoice_id, "issued by": _party(i.issuer, names), "billed to": i.bill_to,
         "name": names.get(i.bill_to, ""), "due on": i.due_on, "total": i.total, "paid": i.paid,
         "balance": i.balance, "status": humanize(i.status.value)} for i in listed.invoices],
        columns=["invoice", "issued by", "billed to", "name", "due on", "total", "paid", "balance", "status"])
    st.dataframe(table, hide_index=True, column_config=MONEY_COLUMNS)
    csv_download(table, f"invoices-{status}-{as_of}.csv", "This list as CSV")
    receivables(as_of, names)
    st.divider()
    import_one("payments")


def receivables(as_of, names: dict[str, str]) -> None:
    st.subheader("Overdue by age")
    aged = receivables_by_age(workspace(), as_of)
    st.caption(f"The vendor's invoices unpaid after their due date, on {as_of}, by days past due.")
    rows = [{"partner": p.partner_id, "name": names.get(p.partner_id, ""),
             **{label: getattr(p, field) for field, label in AGE_COLUMNS.items()}} for p in aged.partners]
    rows.append({"partner": "Total", "name": "", **{label: getattr(aged.totals, field)
                                                   for field, label in AGE_COLUMNS.items()}})
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="payments.aging",
                 column_config={label: money() for label in AGE_COLUMNS.values()})


def credit() -> None:
    as_of = st.date_input("Exposure on", today(), key="credit.as_of")
    report = credit_report(workspace(), as_of)
    names = partner_names()
    over = report.over_limit
    st.metric("Partners over their credit limit", len(over))
    if over:
        st.subheader("Over their limit")
        st.dataframe(_credit_table(over, names), hide_index=True, key="credit.over",
                     column_config=MONEY_COLUMNS)
    st.subheader("Exposure and available credit")
    st.caption("Exposure = the unpaid balance of the vendor's invoices + the gross of usage not yet invoiced.")
    st.dataframe(_credit_table(report.partners, names), hide_index=True, key="credit.all",
                 column_config=MONEY_COLUMNS)


def _credit_table(lines, names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([
        {"partner": c.partner_id, "name": names.get(c.partner_id, ""), "credit limit": c.credit_limit,
         "unpaid": c.unpaid, "unbilled": c.unbilled, "exposure": c.exposure,
         "available": c.available, "over limit": c.over_limit} for c in lines],
        columns=["partner", "name", *CREDIT_AMOUNTS, "over limit"])


def _settled() -> set[str]:
    return {p.period for p in closed_periods(workspace())}


def import_files() -> None:
    import_one("customers")
    import_one("usage")


def settling() -> None:
    settle_form()
    st.dataframe(pd.DataFrame([p.model_dump() for p in closed_periods(workspace())]), hide_index=True)


SECTIONS = {"Overview": overview, "Import files": import_files, "Settle": settling, "Invoices": invoices,
            "Commissions": commissions, "Payments": payments, "Credit": credit}

require(Role.analyst)
st.title("Settlement")
section = st.radio("Section", list(SECTIONS), horizontal=True, key="settlement.section",
                   label_visibility="collapsed")
SECTIONS[section]()
