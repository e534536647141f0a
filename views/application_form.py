"""The application form (every field of the contract's application) and the live pre-check.

Fields are grouped as a person fills them in. Each widget has a slot under it where the
validation message of its field appears; messages come from the `Application` model and
`parse_application`, never from rules written here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
import pycountry
import streamlit as st

from kernel.partner_types import APPLICABLE, PartnerType
from partnerdesk.queries import field_problems, precheck
from partnerdesk.workspace import Workspace
from qualification.application import Application, BusinessArea
from qualification.decision import Decision
from qualification.rulebook import Rulebook
from views.common import STATUS_ICONS, STATUS_WORDS, humanize, readable

COUNTRIES = {c.alpha_2: c.name for c in sorted(pycountry.countries, key=lambda c: c.name)}
HEALTH = ["healthy", "concerns", "unknown"]
INDUSTRIES = ["retail", "finance", "healthcare", "manufacturing", "logistics", "education",
              "government", "media", "gaming", "telecommunications"]
MAX_CERTIFICATES = 50
EARLIEST, LATEST = dt.date(1800, 1, 1), dt.date(2199, 12, 31)  # the date pickers' range
BLANK = Application.model_construct(partner_type=PartnerType.direct_reseller, company_name="", territory=None,
                                    contact_email="")  # a new form starts from the model's defaults


def _country(label: str, key: str, value: str | None) -> str | None:
    codes = list(COUNTRIES)
    return st.selectbox(label, codes, index=codes.index(value) if value in COUNTRIES else None, key=key,
                        format_func=lambda code: f"{code} — {COUNTRIES[code]}", placeholder="Choose a country")


def _currency(label: str, key: str, rulebook: Rulebook, value: str) -> str:
    codes = list(rulebook.currencies.rates)
    return st.selectbox(label, codes, index=codes.index(value) if value in codes else 0, key=key)


def _certificates(key: str, initial: Application) -> list[dict]:
    """One row of fields per certificate; a row with anything typed in is kept, so a row
    without an id is named by validation instead of disappearing."""
    count = st.number_input("Number of certificates", min_value=0, max_value=MAX_CERTIFICATES, step=1,
                            value=len(initial.acp_certificates), key=f"{key}.count")
    rows = []
    for i in range(count):
        given = initial.acp_certificates[i] if i < len(initial.acp_certificates) else None
        number, holder, expires = st.columns([2, 2, 1])
        rows.append({
            "id": number.text_input(f"Certificate {i + 1}: id", given.id if given else "", key=f"{key}.{i}.id"),
            "holder": holder.text_input(f"Certificate {i + 1}: holder", given.holder if given else "",
                                        key=f"{key}.{i}.holder"),
            "expires_on": expires.date_input(f"Certificate {i + 1}: expires on", given.expires_on if given else None,
                                             min_value=EARLIEST, max_value=LATEST, key=f"{key}.{i}.expires_on"),
        })
    return [_certificate(row) for row in rows if any(str(v or "").strip() for v in row.values())]


def _certificate(row: dict) -> dict:
    certificate = {"id": row["id"].strip(), "holder": row["holder"].strip()}
    if row["expires_on"] is not None:
        certificate["expires_on"] = row["expires_on"].isoformat()
    return certificate


def _text(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _decimal_text(value: float) -> str:
    return format(Decimal(str(value)).normalize(), "f")


@dataclass
class _Form:
    """The widgets drawn so far: each field's value and the slot under it for its message."""

    key: str
    rulebook: Rulebook
    a: Application
    values: dict[str, object] = field(default_factory=dict)
    slots: dict[str, object] = field(default_factory=dict)

    def k(self, name: str) -> str:
        return f"{self.key}.{name}"

    def add(self, name: str, value: object) -> None:
        self.values[name] = value
        self.slots[name] = st.empty()


def application_fields(key: str, rulebook: Rulebook, initial: Application | None = None,
                       fixed_type: bool = False) -> dict:
    """Draw the form and return what is filled in as application data (empty fields left out)."""
    form = _Form(key, rulebook, initial or BLANK)
    _company(form, fixed_type)
    _finances(form)
    _team(form)
    _customers(form)
    data = _as_data(form.values)
    for name, message in field_problems(data, rulebook).items():
        form.slots.get(name, st).error(message)
    return data


def _company(f: _Form, fixed_type: bool) -> None:
    st.subheader("Company")
    types = list(APPLICABLE)
    f.add("partner_type", st.selectbox("Partner type", types, index=types.index(f.a.partner_type),
                                       key=f.k("partner_type"), format_func=humanize, disabled=fixed_type))
    f.add("company_name", st.text_input("Company name *", f.a.company_name, key=f.k("company_name")))
    f.add("territory", _country("Territory (where you sell) *", f.k("territory"), f.a.territory))
    left, right = st.columns(2)
    with left:
        f.add("registration_country", _country("Registration country", f.k("registration_country"),
                                               f.a.registration_country))
        f.add("registration_date", st.date_input("Registration date", f.a.registration_date,
                                                 min_value=EARLIEST, key=f.k("registration_date")))
    with right:
        f.add("registration_number", st.text_input("Registration number", f.a.registration_number or "",
                                                   key=f.k("registration_number")))
        f.add("contact_email", st.text_input("Contact e-mail *", f.a.contact_email, key=f.k("contact_email")))


def _finances(f: _Form) -> None:
    st.subheader("Finances")
    left, right = st.columns([2, 1])
    with left:
        f.add("registered_capital", st.text_input("Registered capital", str(f.a.registered_capital),
                                                  key=f.k("registered_capital")))
    with right:
        f.add("capital_currency", _currency("Capital currency", f.k("capital_currency"), f.rulebook,
                                            f.a.capital_currency))
    f.add("financial_health", st.radio("Financial health", HEALTH, index=HEALTH.index(f.a.financial_health),
                                       key=f.k("financial_health"), horizontal=True))


def _team(f: _Form) -> None:
    st.subheader("Team and certificates")
    f.add("business_areas", st.multiselect("Business areas", [b.value for b in BusinessArea],
                                           [b.value for b in f.a.business_areas], key=f.k("business_areas"),
                                           format_func=humanize))
    f.add("industries", st.multiselect("Industries you serve", sorted({*INDUSTRIES, *f.a.industries}),
                                       list(f.a.industries), key=f.k("industries"), accept_new_options=True))
    st.markdown("Staff dedicated to the vendor")
    staff = {role: column.number_input(humanize(role), min_value=0, step=1, value=getattr(f.a.dedicated_staff, role),
                                       key=f.k(f"dedicated_staff.{role}"))
             for column, role in zip(st.columns(3), ("sales", "tech", "ops"))}
    f.add("dedicated_staff", staff)
    st.markdown("ACP certificates")
    f.add("acp_certificates", _certificates(f.k("acp_certificates"), f.a))


def _customers(f: _Form) -> None:
    st.subheader("Customers and commitment")
    left, right = st.columns(2)
    with left:
        f.add("existing_customers", st.number_input("Existing customers", min_value=0, step=1,
                                                    value=f.a.existing_customers, key=f.k("existing_customers")))
        f.add("tier2_resellers_managed", st.number_input("Tier-2 resellers managed", min_value=0, step=1,
                                                         value=f.a.tier2_resellers_managed,
                                                         key=f.k("tier2_resellers_managed")))
    with right:
        f.add("customer_operations_years", _decimal_text(st.number_input(
            "Years of customer operations", min_value=0.0, step=0.5, value=float(f.a.customer_operations_years),
            key=f.k("customer_operations_years"))))
    left, right = st.columns([2, 1])
    with left:
        f.add("first_year_revenue_commitment", st.text_input(
            "First-year revenue commitment", str(f.a.first_year_revenue_commitment),
            key=f.k("first_year_revenue_commitment")))
    with right:
        f.add("commitment_currency", _currency("Commitment currency", f.k("commitment_currency"), f.rulebook,
                                               f.a.commitment_currency))
    f.add("statement", st.text_area("Why you want to partner, and the resources you bring", f.a.statement,
                                    key=f.k("statement")))


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


def show_precheck(ws: Workspace, data: dict, as_of: dt.date) -> None:
    """For each partner type, every criterion as pass / fail / needs review and what is missing;
    a criterion that reads a field with a problem is shown as not decided yet."""
    st.subheader("Pre-check")
    if "territory" not in data:
        st.info("Choose a territory to see which partner types you qualify for.")
        return
    found = precheck(ws, data, as_of)
    if not found.decisions:
        st.warning("Fix the form to see the pre-check.")
        return
    if found.problems:
        st.warning(f"Fix the marked fields ({', '.join(humanize(f) for f in found.problems)}) to decide "
                   f"the criteria that need them; the rest is decided below.")
    titles = {t: {c.id: c.title for c in ws.rulebook.criteria(t)} for t in APPLICABLE}
    chosen = PartnerType(data["partner_type"])
    tabs = st.tabs([_tab_label(t, d, found.undecided[t], t is chosen) for t, d in found.decisions.items()])
    for tab, (partner_type, decision) in zip(tabs, found.decisions.items()):
        with tab:
            _criteria(decision, titles[partner_type], found.undecided[partner_type])


def _tab_label(partner_type: PartnerType, decision: Decision, undecided: dict[str, list[str]],
               chosen: bool) -> str:
    to_fix = [c for c in decision.failed if c not in undecided]
    outcome = ", ".join([*([f"{len(to_fix)} to fix"] if to_fix else []),
                         *([f"{len(undecided)} not decided"] if undecided else [])]) or "eligible"
    return f"{humanize(partner_type.value)}{' (your choice)' if chosen else ''}: {outcome}"


def _criteria(decision: Decision, titles: dict[str, str], undecided: dict[str, list[str]]) -> None:
    to_fix = [titles[c] for c in decision.failed if c not in undecided]
    if to_fix:
        st.error(f"Not eligible yet: {', '.join(to_fix)}.")
    elif undecided:
        st.info("Nothing failed so far; the criteria not decided yet wait for the marked fields.")
    else:
        st.success("Eligible; a channel manager confirms the criteria marked as needing review.")
    for criterion in decision.criteria:
        if criterion.id in undecided:
            fields = ", ".join(humanize(f).lower() for f in undecided[criterion.id])
            st.markdown(f":material/pending: **{titles[criterion.id]}** (not decided): fix {fields} first")
            continue
        status = criterion.status.value
        st.markdown(f"{STATUS_ICONS[status]} **{titles[criterion.id]}** ({STATUS_WORDS[status]}): "
                    f"{readable(criterion.message)}")
        if status == "fail":
            st.caption(f"Required: {criterion.required}")


def show_decision(decision: Decision, titles: dict[str, str]) -> None:
    """A stored decision, criterion by criterion, as a table."""
    st.dataframe(
        pd.DataFrame([{"criterion": titles.get(c.id, c.id), "status": STATUS_WORDS[c.status.value],
                       "message": readable(c.message), "required": readable(c.required),
                       "actual": "" if c.actual is None else str(c.actual)} for c in decision.criteria]),
        hide_index=True)
