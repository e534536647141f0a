"""Monthly invoices (contract section 4): lines per customer and product, rounded to the cent.

A line sums one customer's month of one product and rounds it half up to the cent; its
discount is that gross times the rate, rounded half up; net = gross - discount. The invoice's
figures are the sums of its lines, so they always add up on paper.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import core_schema

from kernel.money import Money, Rate, as_cent_count, cent_count_of, cent_text, divide_half_up, from_cent_count
from kernel.periods import Month

VENDOR = "vendor"


class InvoiceLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    customer_id: str
    product: str
    gross: Money
    discount: Money
    net: Money
    adjusts: str | None = Field(default=None, exclude_if=lambda month: month is None)
    """On an adjustment line: the earlier, settled month its late usage belongs to."""


LineDocument = dict[str, str]
"""A line as the contract writes it in JSON: its texts, its amounts as cent strings."""


class InvoiceLines(Sequence[InvoiceLine]):
    """An invoice's lines, kept as the documents the contract writes; read one and it is an
    `InvoiceLine`. A month has a few hundred thousand lines and each is written twice (stored
    with its invoice, then in the settlement's output): as models, building and serialising
    them was most of settling a month. A document is made once, from the line's cents."""

    __slots__ = ("_documents",)

    def __init__(self, documents: Iterable[LineDocument] = ()) -> None:
        self._documents = tuple(documents)

    @classmethod
    def of(cls, lines: Iterable[InvoiceLine]) -> InvoiceLines:
        """Lines given as models (an adjustment's, a test's), kept as their documents."""
        return cls(line.model_dump(mode="json") for line in lines)

    @property
    def documents(self) -> tuple[LineDocument, ...]:
        """The lines as JSON-ready documents (not to be changed)."""
        return self._documents

    def __len__(self) -> int:
        return len(self._documents)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return InvoiceLines(self._documents[index])
        return InvoiceLine.model_validate(self._documents[index])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, InvoiceLines):
            return self._documents == other._documents
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"InvoiceLines({list(self)!r})"

    def __reduce__(self):
        return InvoiceLines, (self._documents,)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler) -> core_schema.CoreSchema:
        """Lines pass as they are; a list of lines (or their documents) is validated line by line."""
        from_lines = core_schema.chain_schema([handler.generate_schema(list[InvoiceLine]),
                                               core_schema.no_info_plain_validator_function(cls.of)])
        return core_schema.union_schema(
            [core_schema.is_instance_schema(cls), from_lines],
            serialization=core_schema.plain_serializer_function_ser_schema(cls._serialised, info_arg=True))

    def _serialised(self, info) -> list:
        """JSON: the documents as they are; Python: each line's `model_dump`, as a list of models gave."""
        return list(self._documents) if info.mode_is_json() else [line.model_dump() for line in self]


class Invoice(BaseModel):
    model_config = ConfigDict(frozen=True)

    invoice_id: str
    issuer: str
    bill_to: str
    period: str
    issued_on: dt.date
    due_on: dt.date
    gross: Money
    discount: Money
    total: Money
    lines: InvoiceLines
    discount_rate: Rate = Field(exclude=True)
    """Kept with the invoice for people to read; the contract's JSON does not carry it."""


def invoice_id(month: Month, bill_to: str) -> str:
    """Deterministic: a partner gets one invoice a month, always from the same issuer."""
    return f"INV-{month.key}-{bill_to}"


def line_discount_cents(gross_cents, rate: tuple):
    """A line's discount in cents: its rounded gross times the rate (numerator, denominator),
    rounded half up to the cent. In integers: every line of a month goes through here, and each
    what-if plan's quarter of lines as numpy arrays (`divide_half_up` takes both)."""
    numerator, denominator = rate
    return divide_half_up(gross_cents * numerator, denominator)


def line_discount(gross: Decimal, rate: Decimal) -> Decimal:
    """A line's discount: its rounded gross times the rate, rounded half up to the cent."""
    return from_cent_count(line_discount_cents(as_cent_count(gross), rate.as_integer_ratio()))


def discounted_line(customer_id: str, product: str, gross: Decimal, rate: Decimal,
                    adjusts: str | None = None) -> InvoiceLine:
    """A line of this gross: its discount rounded half up to the cent, net the rest."""
    discount = line_discount(gross, rate)
    return InvoiceLine(customer_id=customer_id, product=product, gross=gross, discount=discount,
                       net=gross - discount, adjusts=adjusts)


def _line_document(customer_id: str, product: str, gross: int, discount: int) -> LineDocument:
    """A line of these cents as `InvoiceLine` would write it (net = gross - discount)."""
    return {"customer_id": customer_id, "product": product, "gross": cent_text(gross),
            "discount": cent_text(discount), "net": cent_text(gross - discount)}


def build_invoice(issuer: str, bill_to: str, month: Month, rate: Decimal, payment_terms_days: int,
                  sums: Mapping[tuple[str, str], int], adjustments: Sequence[InvoiceLine] = ()) -> Invoice:
    """The invoice of one partner's month, issued the first day of the next month.

    `sums`: (customer, product) -> the month's micro-units, one line each; `adjustments`: lines
    for late usage of earlier months, after them. The figures are worked out in cents."""
    ratio, documents, gross, discount = rate.as_integer_ratio(), [], 0, 0
    for customer_id, product in sorted(sums):
        line_gross = cent_count_of(sums[customer_id, product])
        line_discount = line_discount_cents(line_gross, ratio)
        documents.append(_line_document(customer_id, product, line_gross, line_discount))
        gross += line_gross
        discount += line_discount
    for line in adjustments:
        documents.append(line.model_dump(mode="json"))
        gross += as_cent_count(line.gross)
        discount += as_cent_count(line.discount)
    issued_on = month.end
    return Invoice(
        invoice_id=invoice_id(month, bill_to), issuer=issuer, bill_to=bill_to, period=month.key,
        issued_on=issued_on, due_on=issued_on + dt.timedelta(days=payment_terms_days),
        gross=from_cent_count(gross), discount=from_cent_count(discount), total=from_cent_count(gross - discount),
        lines=InvoiceLines(documents), discount_rate=rate,
    )


class IssuedInvoice(BaseModel):
    """An issued invoice without its lines: what payments and receivables need of it."""

    model_config = ConfigDict(frozen=True)

    invoice_id: str
    issuer: str
    bill_to: str
    period: str
    issued_on: dt.date
    due_on: dt.date
    total: Money


class PaymentStatus(StrEnum):
    open = "open"
    paid = "paid"
    overdue = "overdue"


class InvoiceBalance(IssuedInvoice):
    """An invoice's standing on a date: what was paid by then and what is still owed."""

    paid: Money
    balance: Money
    status: PaymentStatus


def payment_status(balance: Decimal, due_on: dt.date, as_of: dt.date) -> PaymentStatus:
    """Paid once nothing is owed; overdue when something is still owed after the due date."""
    if balance <= 0:
        return PaymentStatus.paid
    return PaymentStatus.overdue if as_of > due_on else PaymentStatus.open
