"""A partner's statements: a month's or a quarter's invoices, payments, balance and commissions,
with CSV and PDF downloads (a distributor also picks one of its tier-2 resellers)."""

import datetime as dt

import streamlit as st

from partnerdesk.errors import InputError
from partnerdesk.partner_accounts import visible_partners
from partnerdesk.statement_documents import as_csv, as_pdf
from partnerdesk.statements import statement
from views.common import humanize, show_input_error, today, workspace
from views.partner_common import money_table, partner_caption, signed_in_partner

INVOICE_MONEY = ["gross", "discount", "total", "paid", "balance"]


def invoices(title: str, rows) -> None:
    st.subheader(title)
    if not rows:
        st.text("None in this period.")
        return
    money_table([{"invoice": i.invoice_id, "from": i.issuer, "to": i.bill_to, "period": i.period,
                  "issued on": i.issued_on, "due on": i.due_on, "gross": i.gross, "discount": i.discount,
                  "total": i.total, "paid": i.paid, "balance": i.balance, "status": humanize(i.status)}
                 for i in rows], INVOICE_MONEY)
    money_table([{"invoice": i.invoice_id, "customer": l.customer_id, "product": l.product, "gross": l.gross,
                  "discount": l.discount, "net": l.net, "adjusts": l.adjusts or ""} for i in rows for l in i.lines],
                ["gross", "discount", "net"])


def period_default() -> str:
    """Last month: the latest one that can have been settled."""
    previous = today().replace(day=1) - dt.timedelta(days=1)
    return f"{previous:%Y-%m}"


member = signed_in_partner()
st.title("Statements")
partner_caption(member)
mine = {p.key: p.name for p in visible_partners(workspace(), member.partner_id)}
whose = st.selectbox("Statement of", list(mine), key="partner_statements.partner",
                     format_func=lambda key: f"{key} {mine[key]}")
period = st.text_input("Period (YYYY-MM or YYYY-Qn)", value=period_default(), key="partner_statements.period")
try:
    found = statement(workspace(), whose, period, today(), visible_to=list(mine))
except InputError as error:
    show_input_error(error, {"--period": "Period"})
    st.stop()
invoices("Invoices to you" if whose == member.partner_id else "Invoices to this reseller", found.invoices)
if found.invoices_issued:
    invoices("Invoices issued to tier-2 resellers", found.invoices_issued)
st.subheader("Payments")
money_table([{"invoice": p.invoice_id, "paid on": p.paid_on, "amount": p.amount} for p in found.payments], ["amount"])
st.subheader("Commissions")
money_table([{"period": c.period, "tier": c.tier, "commissionable": c.commissionable, "rate": float(c.rate),
              "commission": c.commission, "adjusts": c.adjusts or ""} for c in found.commissions],
            ["commissionable", "commission"])
columns = st.columns(3)
columns[0].metric("Balance owed", f"{found.balance:,.2f} USD")
columns[1].metric("Owed to you by tier-2 resellers", f"{found.receivable:,.2f} USD")
columns[2].metric("Commission", f"{found.commission_total:,.2f} USD")
name = f"statement-{found.partner_id}-{found.period}"
downloads = st.columns(2)  # the PDF is made when asked for: fpdf loads its font for each document
downloads[0].download_button("Download CSV", as_csv(found), file_name=f"{name}.csv", mime="text/csv",
                             key="partner_statements.csv")
downloads[1].download_button("Download PDF", lambda: as_pdf(found), file_name=f"{name}.pdf", mime="application/pdf",
                             key="partner_statements.pdf")
