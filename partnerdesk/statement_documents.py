"""A partner's statement written as a CSV file (through `partnerdesk.spreadsheet`, formula-safe)
or as a PDF a partner can file (fpdf2), with the same figures as the statement's JSON, the
period each adjustment adjusts included."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from partnerdesk.errors import InputError
from partnerdesk.spreadsheet import csv_text
from partnerdesk.statements import Statement, StatementInvoice

CSV_COLUMNS = ("record", "invoice_id", "issuer", "bill_to", "period", "date", "customer_id", "product", "gross",
               "discount", "net", "paid", "balance", "status", "rate", "amount", "commissionable", "adjusts")
FONTS = Path("/usr/share/fonts/truetype/dejavu")
UNICODE_FONTS = {"": FONTS / "DejaVuSans.ttf", "B": FONTS / "DejaVuSans-Bold.ttf"}


def _money(amount) -> str:
    return f"{amount:.2f}"


def _row(record: str, **cells: str | None) -> tuple[str, ...]:
    """One CSV row: the record's kind and its cells by column, the other columns empty."""
    return (record, *(cells.get(column) or "" for column in CSV_COLUMNS[1:]))


def _invoice_rows(record: str, invoice: StatementInvoice) -> list[tuple]:
    rows = [_row(record, invoice_id=invoice.invoice_id, issuer=invoice.issuer, bill_to=invoice.bill_to,
                 period=invoice.period, date=invoice.issued_on.isoformat(), gross=_money(invoice.gross),
                 discount=_money(invoice.discount), net=_money(invoice.total), paid=_money(invoice.paid),
                 balance=_money(invoice.balance), status=invoice.status.value)]
    rows += [_row("line", invoice_id=invoice.invoice_id, period=invoice.period, customer_id=line.customer_id,
                  product=line.product, gross=_money(line.gross), discount=_money(line.discount), net=_money(line.net),
                  adjusts=line.adjusts)
             for line in invoice.lines]
    return rows


def as_csv(found: Statement) -> str:
    rows = []
    for invoice in found.invoices:
        rows += _invoice_rows("invoice", invoice)
    for invoice in found.invoices_issued:
        rows += _invoice_rows("invoice_issued", invoice)
    rows += [_row("payment", invoice_id=p.invoice_id, date=p.paid_on.isoformat(), amount=_money(p.amount))
             for p in found.payments]
    rows += [_row("commission", bill_to=found.partner_id, period=c.period, rate=str(c.rate),
                  amount=_money(c.commission), commissionable=_money(c.commissionable), adjusts=c.adjusts)
             for c in found.commissions]
    rows.append(_row("commission_total", bill_to=found.partner_id, period=found.period,
                     amount=_money(found.commission_total)))
    rows.append(_row("balance", bill_to=found.partner_id, period=found.period, date=found.as_of.isoformat(),
                     balance=_money(found.balance)))
    return csv_text(CSV_COLUMNS, rows)


class _Document(FPDF):
    """A statement's pages: DejaVu Sans when the system has it (any script), else Helvetica (Latin-1)."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        if all(path.exists() for path in UNICODE_FONTS.values()):
            for style, path in UNICODE_FONTS.items():
                self.add_font("statement", style, str(path))
            self.family = "statement"
        else:
            self.family = "helvetica"
        self.set_auto_page_break(True, margin=15)
        self.add_page()

    def text_of(self, text: str) -> str:
        return text if self.family == "statement" else text.encode("latin-1", "replace").decode("latin-1")

    def line_of(self, text: str, size: int = 9) -> None:
        self.set_font(self.family, size=size)
        self.multi_cell(0, size * 0.5, self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[int, ...]) -> None:
        self.set_font(self.family, size=8)
        with self.table(col_widths=widths, text_align="LEFT", line_height=4.5) as table:
            for cells in [header, *rows]:
                row = table.row()
                for cell in cells:
                    row.cell(self.text_of(str(cell)))
        self.ln(2)


def _adjusts(period: str | None) -> str:
    return f"adjusts {period}" if period else ""


def _invoices(pdf: _Document, title: str, invoices: list[StatementInvoice]) -> None:
    pdf.line_of(title, 11)
    if not invoices:
        pdf.line_of("None in this period.")
        return
    for invoice in invoices:
        pdf.line_of(f"{invoice.invoice_id}: from {invoice.issuer} to {invoice.bill_to}, issued {invoice.issued_on}, "
                    f"due {invoice.due_on}; gross {_money(invoice.gross)}, discount {_money(invoice.discount)}, "
                    f"total {_money(invoice.total)}, paid {_money(invoice.paid)}, balance {_money(invoice.balance)} "
                    f"({invoice.status.value})")
        pdf.grid(("customer", "product", "gross", "discount", "net", "adjusts"),
                 [(l.customer_id, l.product, _money(l.gross), _money(l.discount), _money(l.net), _adjusts(l.adjusts))
                  for l in invoice.lines], (40, 35, 25, 25, 25, 30))


def as_pdf(found: Statement) -> bytes:
    pdf = _Document()
    pdf.line_of(f"Statement {found.period}: {found.partner_id} {found.partner_name}", 14)
    tier = f", tier {found.tier}" if found.tier else ""
    pdf.line_of(f"{found.partner_type.value}{tier}; payments counted to {found.as_of}; amounts in USD")
    pdf.ln(2)
    _invoices(pdf, "Invoices to you", found.invoices)
    if found.invoices_issued or found.partner_type.value == "distributor":
        _invoices(pdf, "Invoices you issued to your tier-2 resellers", found.invoices_issued)
    pdf.line_of("Payments", 11)
    pdf.grid(("invoice", "paid on", "amount"),
             [(p.invoice_id, p.paid_on.isoformat(), _money(p.amount)) for p in found.payments], (70, 50, 40))
    pdf.line_of("Commissions", 11)
    pdf.grid(("period", "tier", "commissionable", "rate", "commission", "adjusts"),
             [(c.period, c.tier or "", _money(c.commissionable), str(c.rate), _money(c.commission),
               _adjusts(c.adjusts)) for c in found.commissions], (25, 25, 35, 20, 30, 35))
    pdf.line_of(f"Balance owed: {_money(found.balance)}", 11)
    if found.invoices_issued:
        pdf.line_of(f"Owed to you by your tier-2 resellers: {_money(found.receivable)}", 11)
    pdf.line_of(f"Commission total: {_money(found.commission_total)}", 11)
    return bytes(pdf.output())


def render(found: Statement, form: str) -> bytes:
    """The statement as a document: `json`, `csv` or `pdf`."""
    if form == "json":
        return (found.model_dump_json(indent=2) + "\n").encode()
    if form == "csv":
        return as_csv(found).encode()
    if form == "pdf":
        return as_pdf(found)
    raise InputError(f"--format: {form!r} is not json, csv or pdf")


def write(content: bytes, path: Path) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise InputError(f"--out: {path} cannot be written ({error.strerror})") from None
