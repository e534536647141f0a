"""The application form (every field of the contract's application) and the live pre-check.

Fields are grouped as a person fills them in. Each widget has a slot under it where the
validation message of its field appears; messages come from the `Application` model and
`parse_application`, never from rules written here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pycountry
import streamlit as st
from pydantic import ValidationError

from partnerdesk.applications import parse_application, qualify
from partnerdesk.errors import InputError
from partnerdesk.workspace import Workspace
from qualification.application import Application, BusinessArea, PartnerType
from qualification.decision import Decision
from qualification.rulebook import Rulebook
from views.common import STATUS_ICONS, STATUS_WORDS, humanize

COUNTRIES = {c.alpha_2: c.name for c in sorted(pycountry.countries, key=lambda c: c.name)}
HEALTH = ["healthy", "concerns", "unknown"]
INDUSTRIES = ["retail", "finance", "healthcare", "manufacturing", "logistics", "education",
              "government", "media", "gaming", "telecommunications"]
CERTIFICATE_COLUMNS = {
    "id": st.column_config.TextColumn("Certificate id", required=True),
    "holder": st.column_config.TextColumn("Holder"),
    "expires_on": st.column_config.DateColumn("Expires on", format="YYYY-MM-DD", required=True),
}
PRECHECK_STAND_INS = {"company_name": "(company name)", "contact_email": "precheck@partnerdesk.example"}


def _country(label: str, key: str, value: str | None) -> str | None:
    codes = list(COUNTRIES)
    return st.selectbox(label, codes, index=codes.index(value) if value in COUNTRIES else None, key=key,
                        format_func=lambda code: f"{code} — {COUNTRIES[code]}", placeholder="Choose a country")


def _currency(label: str, key: str, rulebook: Rulebook, value: str) -> str:
    codes = list(rulebook.currencies.rates)
    return st.selectbox(label, codes, index=codes.index(value) if value in codes else 0, key=key)


def _certificates(key: str, initial: Application | None) -> list[dict]:
    rows = [c.model_dump() for c in initial.acp_certificates] if initial else []
    table = pd.DataFrame(rows, columns=list(CERTIFICATE_COLUMNS)).astype({"expires_on": "datetime64[ns]"})
    edited = st.data_editor(table, key=key, num_rows="dynamic", column_config=CERTIFICATE_COLUMNS,
                            hide_index=True)
    return [_certificate(row) for row in edited.to_dict("records") if _filled(row.get("id"))]


def _certificate(row: dict) -> dict:
    certificate = {"id": str(row["id"]).strip(), "holder": str(row.get("holder") or "").strip()}
    expires = row.get("expires_on")
    if _filled(expires):
        certificate["expires_on"] = expires if isinstance(expires, str) else pd.Timestamp(expires).date().isoformat()
    return certificate


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value is not pd.NaT \
        and str(value).strip() != ""


def _text(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _decimal_text(value: float) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def application_fields(key: str, rulebook: Rulebook, initial: Application | None = None,
                       fixed_type: bool = False) -> dict:
    """Draw the form and return what is filled in as application data (empty fields left out)."""
    a = initial
    slots: dict[str, st.delta_generator.DeltaGenerator] = {}
    values: dict[str, object] = {}

    def field(name: str, widget) -> None:
        values[name] = widget
        slots[name] = st.empty()

    st.subheader("Company")
    types = list(PartnerType)
    field("partner_type", st.selectbox(
        "Partner type", types, index=types.index(a.partner_type) if a else 1, key=f"{key}.partner_type",
        format_func=humanize, disabled=fixed_type))
    field("company_name", st.text_input("Company name *", a.company_name if a else "", key=f"{key}.company_name"))
    field("territory", _country("Territory (where you sell) *", f"{key}.territory", a.territory if a else None))
    left, right = st.columns(2)
    with left:
        field("registration_country", _country("Registration country", f"{key}.registration_country",
                                               a.registration_country if a else None))
        field("registration_date", st.date_input(
            "Registration date", a.registration_date if a else None, min_value=dt.date(1800, 1, 1),
            key=f"{key}.registration_date"))
    with right:
        field("registration_number", st.text_input(
            "Registration number", (a.registration_number or "") if a else "", key=f"{key}.registration_number"))
        field("contact_email", st.text_input("Contact e-mail *", a.contact_email if a else "",
                                             key=f"{key}.contact_email"))

    st.subheader("Finances")
    left, right = st.columns([2, 1])
    with left:
        field("registered_capital", st.text_input(
            "Registered capital", str(a.registered_capital) if a else "0", key=f"{key}.registered_capital"))
    with right:
        field("capital_currency", _currency("Capital currency", f"{key}.capital_currency", rulebook,
                                            a.capital_currency if a else "USD"))
    field("financial_health", st.radio(
        "Financial health", HEALTH, index=HEALTH.index(a.financial_health if a else "unknown"),
        key=f"{key}.financial_health", horizontal=True))

    st.subheader("Team and certificates")
    field("business_areas", st.multiselect(
        "Business areas", [b.value for b in BusinessArea], [b.value for b in a.business_areas] if a else [],
        key=f"{key}.business_areas", format_func=humanize))
    chosen = list(a.industries) if a else []
    field("industries", st.multiselect(
        "Industries you serve", sorted({*INDUSTRIES, *chosen}), chosen, key=f"{key}.industries",
        accept_new_options=True))
    st.markdown("Staff dedicated to the vendor")
    staff = {}
    for column, role in zip(st.columns(3), ("sales", "tech", "ops")):
        with column:
            staff[role] = st.number_input(humanize(role), min_value=0, step=1, key=f"{key}.dedicated_staff.{role}",
                                          value=getattr(a.dedicated_staff, role) if a else 0)
    field("dedicated_staff", staff)
    st.markdown("ACP certificates")
    field("acp_certificates", _certificates(f"{key}.acp_certificates", a))

    st.subheader("Customers and commitment")
    left, right = st.columns(2)
    with left:
        field("existing_customers", st.number_input(
            "Existing customers", min_value=0, step=1, value=a.existing_customers if a else 0,
            key=f"{key}.existing_customers"))
        field("tier2_resellers_managed", st.number_input(
            "Tier-2 resellers managed", min_value=0, step=1, value=a.tier2_resellers_managed if a else 0,
            key=f"{key}.tier2_resellers_managed"))
    with right:
        field("customer_operations_years", _decimal_text(st.number_input(
            "Years of customer operations", min_value=0.0, step=0.5,
            value=float(a.customer_operations_years) if a else 0.0, key=f"{key}.customer_operations_years")))
    left, right = st.columns([2, 1])
    with left:
        field("first_year_revenue_commitment", st.text_input(
            "First-year revenue commitment", str(a.first_year_revenue_commitment) if a else "0",
            key=f"{key}.first_year_revenue_commitment"))
    with right:
        field("commitment_currency", _currency("Commitment currency", f"{key}.commitment_currency", rulebook,
                                               a.commitment_currency if a else "USD"))
    field("statement", st.text_area("Why you want to partner, and the resources you bring",
                                    a.statement if a else "", key=f"{key}.statement"))

    data = _as_data(values)
    for name, message in problems(data, rulebook).items():
        slots.get(name, st).error(message)
    return data


def _as_data(values: dict[str, object]) -> dict:
    data = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = _text(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, PartnerType):
            value = value.value
        if value is not None:
            data[name] = value
    return data


def problems(data: dict, rulebook: Rulebook) -> dict[str, str]:
    """Each field's validation message; required fields still empty are left to submission."""
    try:
        Application.model_validate(data)
    except ValidationError as error:
        found = {}
        for item in error.errors():
            if item["type"] != "missing":
                found.setdefault(str(item["loc"][0]), item["msg"].removeprefix("Value error, "))
        return found
    try:
        parse_application(data, rulebook)
    except InputError as error:
        name, _, message = str(error).partition(": ")
        return {name: message}
    return {}


def show_precheck(ws: Workspace, data: dict, as_of: dt.date) -> None:
    """For each partner type, every criterion as pass / fail / needs review and what is missing."""
    st.subheader("Pre-check")
    if "territory" not in data:
        st.info("Choose a territory to see which partner types you qualify for.")
        return
    chosen = PartnerType(data["partner_type"])
    decisions = {}
    for partner_type in [chosen, *(t for t in PartnerType if t is not chosen)]:
        try:
            decisions[partner_type] = qualify(ws, {**PRECHECK_STAND_INS, **data, "partner_type": partner_type.value},
                                              as_of)
        except InputError as error:
            st.warning(f"Fix the form to see the pre-check: {error}")
            return
    titles = {t: {c.id: c.title for c in ws.rulebook.criteria(t)} for t in PartnerType}
    tabs = st.tabs([_tab_label(t, d, t is chosen) for t, d in decisions.items()])
    for tab, (partner_type, decision) in zip(tabs, decisions.items()):
        with tab:
            _criteria(decision, titles[partner_type])


def _tab_label(partner_type: PartnerType, decision: Decision, chosen: bool) -> str:
    outcome = "eligible" if decision.eligible else f"{len(decision.failed)} to fix"
    return f"{humanize(partner_type.value)}{' (your choice)' if chosen else ''}: {outcome}"


def _criteria(decision: Decision, titles: dict[str, str]) -> None:
    if decision.eligible:
        st.success("Eligible; a channel manager confirms the criteria marked as needing review.")
    else:
        st.error(f"Not eligible yet: {', '.join(titles[c] for c in decision.failed)}.")
    for criterion in decision.criteria:
        status = criterion.status.value
        st.markdown(f"{STATUS_ICONS[status]} **{titles[criterion.id]}** ({STATUS_WORDS[status]}): "
                    f"{criterion.message}")
        if status == "fail":
            st.caption(f"Required: {criterion.required}")


def show_decision(decision: Decision, titles: dict[str, str]) -> None:
    """A stored decision, criterion by criterion, as a table."""
    st.dataframe(
        pd.DataFrame([{"criterion": titles.get(c.id, c.id), "status": STATUS_WORDS[c.status.value],
                       "message": c.message, "required": c.required,
                       "actual": "" if c.actual is None else str(c.actual)} for c in decision.criteria]),
        hide_index=True)
