"""The application an applicant submits (contract section 2), validated strictly.

Unknown fields, wrong types, impossible dates and negative amounts are input errors; money
stays an exact `Decimal`, written as the contract's decimal string or a JSON number. Text may
not hold a NUL character (PostgreSQL cannot store one). Currency codes are checked against the
rules' rate table by the rulebook, because that table is data.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Annotated, Literal

import pycountry
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, GetPydanticSchema, StrictInt,
                      model_validator)
from pydantic_core import core_schema

from kernel.money import DECIMAL_TEXT, MAX_DIGITS, contract_decimal
from kernel.partner_types import APPLICABLE, PartnerType
from kernel.validation import NUL_FREE, NUL_REFUSED, email_address, shown


class BusinessArea(StrEnum):
    internet_services = "internet_services"
    system_integration = "system_integration"
    software_development = "software_development"
    consulting = "consulting"
    investment = "investment"
    media = "media"
    msp = "msp"
    isv = "isv"
    other = "other"


_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _applicable(value: object) -> object:
    """One applies as an agency, a direct reseller or a distributor, never as a tier-2 reseller."""
    if value == PartnerType.tier2_reseller:
        raise ValueError("a tier2_reseller does not apply; its distributor registers it (tier2 add)")
    if value not in APPLICABLE:
        raise ValueError(f"must be one of {', '.join(t.value for t in APPLICABLE)}, not {shown(value)}")
    return value


def _text(value: str) -> str:
    if "\x00" in value:
        raise ValueError(NUL_REFUSED)
    return value


@cache
def _country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code, read from pycountry once (a look-up per field is slow)."""
    return frozenset(country.alpha_2 for country in pycountry.countries)


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in _country_codes():
        raise ValueError(f"unknown ISO 3166-1 alpha-2 country code {shown(value)}")
    return code


def _money_text(value: object) -> object:
    """Money is a decimal string in the contract's grammar or a number, never a boolean or a
    float's rounding. Short text in the grammar (nearly every amount) is read here at once, as
    `contract_decimal` would read it."""
    if type(value) is str and len(value) <= MAX_DIGITS and DECIMAL_TEXT.fullmatch(value):
        return Decimal(value)
    if not isinstance(value, (str, int, Decimal)):
        raise ValueError("must be a decimal amount, as a string or a number")
    return contract_decimal(value)


def _currency(value: str) -> str:
    code = value.strip().upper()
    if not _CURRENCY.match(code):
        raise ValueError(f"unknown ISO 4217 currency code {shown(value)}")
    return code


Text = Annotated[str, Field(pattern=NUL_FREE)]
"""Text without a NUL character, checked by pydantic-core itself (kernel.validation words it)."""
_DATE_TEXT = core_schema.str_schema(pattern=r"^\d{4}-\d{2}-\d{2}\n?$", strip_whitespace=False, strict=True)
_ISO_DATE_TEXT = core_schema.custom_error_schema(
    core_schema.json_or_python_schema(
        json_schema=_DATE_TEXT,
        python_schema=core_schema.union_schema([core_schema.is_instance_schema(dt.date), _DATE_TEXT])),
    custom_error_type="value_error", custom_error_context={"error": "must be a date written YYYY-MM-DD"})
IsoDate = Annotated[dt.date, GetPydanticSchema(lambda kind, handler: core_schema.chain_schema([_ISO_DATE_TEXT,
                                                                                               handler(kind)]))]
"""Dates are ISO text (YYYY-MM-DD), numbers are not silently read as timestamps; checked by
pydantic-core before it reads the date (a Python check per date cost more than the date). The
pattern lets one trailing newline through to the date's own error, as Python's `$` did."""
CountryCode = Annotated[str, AfterValidator(_country)]
CurrencyCode = Annotated[str, AfterValidator(_currency)]
Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False), BeforeValidator(_money_text)]
"""An amount: its digits are limited by `contract_decimal` (in words, and at least as strictly
as pydantic's `max_digits`); its constraints sit on the decimal itself, so pydantic-core checks
them after the one Python call that reads the text."""
Count = Annotated[StrictInt, Field(ge=0, le=10_000_000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_missing(cls, data: object) -> object:
        """An optional field written as null is missing (contract section 2: missing numbers
        count as 0, missing lists as empty, a missing currency is USD): serialisers write absent
        values as null. A required field written as null is still refused."""
        if isinstance(data, dict) and None in data.values():
            optional = _optional_fields(cls)
            return {name: value for name, value in data.items() if value is not None or name not in optional}
        return data


@cache
def _optional_fields(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(name for name, field in model.model_fields.items() if not field.is_required())


def _certificate_id(value: str) -> str:
    if not value:
        raise ValueError("every certificate needs its id")
    return _text(value)


class AcpCertificate(_Strict):
    id: Annotated[str, AfterValidator(_certificate_id)]
    holder: Text = ""
    expires_on: IsoDate


class DedicatedStaff(_Strict):
    sales: Count = 0
    tech: Count = 0
    ops: Count = 0

    @property
    def total(self) -> int:
        return self.sales + self.tech + self.ops


class Application(_Strict):
    partner_type: Annotated[PartnerType, BeforeValidator(_applicable)]
    company_name: Text = Field(min_length=1, max_length=300)
    territory: CountryCode
    contact_email: Annotated[str, AfterValidator(email_address)]
    registration_country: CountryCode | None = None
    registration_number: Text | None = Field(default=None, max_length=64)
    registration_date: IsoDate | None = None
    registered_capital: Money = Decimal(0)
    capital_currency: CurrencyCode = "USD"
    financial_health: Literal["healthy", "concerns", "unknown"] = "unknown"
    business_areas: list[BusinessArea] = []
    industries: list[Annotated[Text, Field(min_length=1)]] = []
    dedicated_staff: DedicatedStaff = DedicatedStaff()
    acp_certificates: list[AcpCertificate] = []
    existing_customers: Count = 0
    customer_operations_years: Annotated[
        Decimal, Field(ge=0, le=1000, allow_inf_nan=False), BeforeValidator(_money_text)
    ] = Decimal(0)
    tier2_resellers_managed: Count = 0
    first_year_revenue_commitment: Money = Decimal(0)
    commitment_currency: CurrencyCode = "USD"
    statement: Text = Field(default="", max_length=20_000)

    @property
    def registration_key(self) -> str | None:
        """The registration number as compared for duplicates: no spaces or dashes, upper case."""
        if not self.registration_number:
            return None
        return re.sub(r"[\s\-./]", "", self.registration_number).upper() or None

    def as_json(self) -> dict:
        """The application as JSON-ready data: money as strings, dates as ISO text."""
        return self.model_dump(mode="json", exclude_none=True)

