"""Random and malformed applications: `qualify` gives a decision or a clear input error, nothing else."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RULES_DIR
from factories import AS_OF, application
from partnerdesk import applications
from partnerdesk.errors import InputError
from partnerdesk.settings import Settings
from partnerdesk.workspace import Workspace
from qualification.application import BusinessArea

FIELDS = list(application("agency"))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)).map(dt.date.isoformat)
money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False).map(str)
counts = st.integers(min_value=0, max_value=50)

valid_applications = st.fixed_dictionaries(
    {
        "partner_type": st.sampled_from(["agency", "direct_reseller", "distributor"]),
        "company_name": st.text(st.characters(blacklist_characters="\x00"), min_size=1, max_size=40).filter(str.strip),
        "territory": st.sampled_from(["SG", "HK", "FR", "US", "de", "BR"]),
        "contact_email": st.just("ops@example.com"),
    },
    optional={
        "registration_country": st.sampled_from(["SG", "CN", "FR", "DK"]),
        "registration_number": st.text(alphabet="0123456789ABCDEFGHRZ", min_size=1, max_size=18),
        "registration_date": dates,
        "registered_capital": money,
        "capital_currency": st.sampled_from(["USD", "EUR", "SGD", "JPY"]),
        "financial_health": st.sampled_from(["healthy", "concerns", "unknown"]),
        "business_areas": st.lists(st.sampled_from([a.value for a in BusinessArea]), max_size=4),
        "industries": st.lists(st.sampled_from(["retail", "finance", "gaming"]), max_size=3),
        "dedicated_staff": st.fixed_dictionaries({"sales": counts, "tech": counts, "ops": counts}),
        "acp_certificates": st.lists(st.fixed_dictionaries(
            {"id": st.text(alphabet="ACP-0123456789", min_size=1, max_size=8), "expires_on": dates}), max_size=6),
        "existing_customers": counts,
        "customer_operations_years": st.decimals(min_value=0, max_value=30, places=1).map(str),
        "tier2_resellers_managed": counts,
        "first_year_revenue_commitment": money,
        "commitment_currency": st.sampled_from(["USD", "EUR", "CNY"]),
        "statement": st.text(st.characters(blacklist_characters="\x00"), max_size=200),
    },
)


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Workspace:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'partnerdesk.db'}"
    return Workspace.open(Settings(database_url=url, rules_dir=RULES_DIR))


def decide_or_refuse(ws: Workspace, data) -> None:
    """The only two outcomes a user may see."""
    try:
        decision = applications.qualify(ws, data, AS_OF)
    except InputError as error:
        message = str(error)
        assert message and "\n" not in message
        return
    criteria = ws.rulebook.criteria(decision.partner_type)
    assert [c.id for c in decision.criteria] == [c.id for c in criteria]
    assert decision.eligible == (decision.failed == [])
    assert decision.partner_type not in decision.qualifies_as
    json.dumps(decision.model_dump(mode="json"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=valid_applications)
def test_well_formed_applications_always_get_a_decision(ws, data):
    decision = applications.qualify(ws, data, AS_OF)
    assert decision.as_of == AS_OF
    assert set(decision.failed) | set(decision.to_review) <= {c.id for c in decision.criteria}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS + ["unknown_field"]), value=json_values,
       partner_type=st.sampled_from(["agency", "direct_reseller", "distributor"]))
def test_one_malformed_field_gives_a_decision_or_an_input_error(ws, field, value, partner_type):
    data = application(partner_type)
    data[field] = value
    decide_or_refuse(ws, data)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=json_values)
def test_any_json_document_gives_a_decision_or_an_input_error(ws, data):
    decide_or_refuse(ws, data)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=200) | st.text(max_size=200))
def test_any_file_content_gives_a_decision_or_an_input_error(ws, tmp_path_factory, content):
    path = tmp_path_factory.mktemp("files") / "application.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    try:
        data = applications.read_json_file(path)
    except InputError:
        return
    decide_or_refuse(ws, data)


def test_float_money_in_json_is_read_exactly(ws, tmp_path):
    path = tmp_path / "app.json"
    path.write_text(json.dumps(application("agency")).replace('"50000.00"', "2000.01"))
    data = applications.read_json_file(path)
    assert data["registered_capital"] == Decimal("2000.01")
    assert applications.qualify(ws, data, AS_OF).criterion("registered_capital").status.value == "pass"
