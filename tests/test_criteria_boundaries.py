"""Every criterion at its boundary, decided by the real rules engine from the shipped rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import RULES_DIR
from factories import AS_OF, application
from partnerdesk.workspace import rulebook_from
from qualification.application import Application
from qualification.decide import decide
from qualification.facts import Circumstances

RULEBOOK = rulebook_from(RULES_DIR)


def status(partner_type: str, criterion: str, approved_distributors: int = 0, as_of: dt.date = AS_OF,
           **overrides) -> str:
    app = Application.model_validate(application(partner_type, **overrides))
    decision = decide(app, Circumstances(as_of=as_of, approved_distributors=approved_distributors), RULEBOOK)
    return decision.criterion(criterion).status.value


def test_the_passing_application_passes_every_check_of_every_type():
    for partner_type in ("agency", "direct_reseller", "distributor"):
        app = Application.model_validate(application(partner_type))
        decision = decide(app, Circumstances(as_of=AS_OF), RULEBOOK)
        assert decision.eligible, decision.failed
        assert decision.failed == []


@pytest.mark.parametrize("registered, expected", [
    ("2025-11-24", "pass"),   # exactly one year before as_of
    ("2025-11-25", "fail"),   # one day short of a full year
    ("2020-01-01", "pass"),
    ("2026-12-01", "fail"),   # after the decision date
])
def test_agency_entity_age_counts_full_years(registered, expected):
    assert status("agency", "entity_age", registration_date=registered) == expected


def test_agency_entity_age_fails_without_a_registration_date():
    data = application("agency")
    del data["registration_date"]
    app = Application.model_validate(data)
    result = decide(app, Circumstances(as_of=AS_OF), RULEBOOK).criterion("entity_age")
    assert result.status.value == "fail"
    assert "registration date missing" in result.message


def test_a_leap_day_registration_completes_its_year_on_the_first_of_march():
    assert status("agency", "entity_age", registration_date="2024-02-29", as_of=dt.date(2025, 2, 28)) == "fail"
    assert status("agency", "entity_age", registration_date="2024-02-29", as_of=dt.date(2025, 3, 1)) == "pass"


@pytest.mark.parametrize("capital, currency, expected", [
    ("2000", "USD", "fail"),
    ("2000.00", "USD", "fail"),
    ("2000.01", "USD", "pass"),
    ("0", "USD", "fail"),
    # money is compared exactly (contract section 2), never after rounding to the cent
    ("2000.001", "USD", "pass"),
    # EUR at 1.08 USD (rules/currencies.yaml): 1851.85 EUR = 1999.998 USD
    ("1851.85", "EUR", "fail"),
    # 1851.86 EUR = 2000.0088 USD
    ("1851.86", "EUR", "pass"),
    # SGD at 0.75: 2666.68 SGD = 2000.01 USD; 2666.67 SGD = 2000.0025; 2666.66 SGD = 1999.995
    ("2666.68", "SGD", "pass"),
    ("2666.67", "SGD", "pass"),
    ("2666.66", "SGD", "fail"),
])
def test_agency_registered_capital_must_be_strictly_over_2000_usd(capital, currency, expected):
    assert status("agency", "registered_capital", registered_capital=capital,
                  capital_currency=currency) == expected


RATES = {"USD": Decimal(1), "EUR": Decimal("1.08"), "SGD": Decimal("0.75")}  # rules/currencies.yaml


@settings(max_examples=300, deadline=None)
@given(cents=st.integers(min_value=199_990, max_value=200_010), extra=st.integers(min_value=0, max_value=9999),
       places=st.integers(min_value=0, max_value=6), currency=st.sampled_from(sorted(RATES)))
def test_capital_near_the_threshold_is_compared_exactly(cents, extra, places, currency):
    """Amounts a hair either side of 2000 USD, in any currency: the decision is the exact
    comparison of amount x rate with 2000, whatever the digits."""
    usd = Decimal(cents).scaleb(-2) + Decimal(extra).scaleb(-6)
    amount = (usd / RATES[currency]).quantize(Decimal(1).scaleb(-places))
    expected = "pass" if amount * RATES[currency] > 2000 else "fail"
    assert status("agency", "registered_capital", registered_capital=format(amount, "f"),
                  capital_currency=currency) == expected


def test_registered_capital_message_shows_the_usd_amount():
    app = Application.model_validate(application("agency", registered_capital="1000", capital_currency="EUR"))
    result = decide(app, Circumstances(as_of=AS_OF), RULEBOOK).criterion("registered_capital")
    assert result.actual == "1080.00"
    assert result.required == "> 2000"


@pytest.mark.parametrize("health, expected", [("healthy", "pass"), ("concerns", "fail"), ("unknown", "review")])
def test_agency_financial_health(health, expected):
    assert status("agency", "financial_health", financial_health=health) == expected


def test_undeclared_financial_health_goes_to_review():
    data = application("agency")
    del data["financial_health"]
    app = Application.model_validate(data)
    assert decide(app, Circumstances(as_of=AS_OF), RULEBOOK).criterion("financial_health").status.value == "review"


@pytest.mark.parametrize("customers, expected", [(0, "fail"), (1, "review"), (40, "review")])
def test_agency_customer_resources_need_one_customer_and_a_manager(customers, expected):
    assert status("agency", "customer_resources", existing_customers=customers) == expected


def test_agency_partnership_willingness_is_always_for_a_manager():
    assert status("agency", "partnership_willingness") == "review"
    assert status("agency", "partnership_willingness", statement="") == "review"


@pytest.mark.parametrize("partner_type", ["direct_reseller", "distributor"])
@pytest.mark.parametrize("overrides, expected", [
    ({}, "pass"),
    ({"registration_number": "201912345X"}, "fail"),  # bad UEN check letter
    ({"registration_number": None}, "fail"),
    ({"registration_country": "DK", "registration_number": "anything-goes"}, "pass"),  # format not known
    ({"registration_date": "2026-11-24"}, "pass"),  # registered on the decision date
    ({"registration_date": "2026-11-25"}, "fail"),  # in the future
    ({"registration_date": None}, "fail"),
])
def test_valid_entity(partner_type, overrides, expected):
    data = application(partner_type)
    for key, value in overrides.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    app = Application.model_validate(data)
    assert decide(app, Circumstances(as_of=AS_OF), RULEBOOK).criterion("valid_entity").status.value == expected


@pytest.mark.parametrize("overrides, actual", [
    ({}, "valid"),
    ({"registration_number": "201912345X"}, "invalid"),
    ({"registration_date": "2026-11-25"}, "in_future"),  # the number is valid: the date fails it
])
def test_valid_entity_shows_as_actual_what_failed_it(overrides, actual):
    app = Application.model_validate({**application("direct_reseller"), **overrides})
    assert decide(app, Circumstances(as_of=AS_OF), RULEBOOK).criterion("valid_entity").actual == actual


def test_optional_fields_written_as_null_count_as_missing():
    """Contract section 2: missing numbers count as 0, missing lists as empty, a missing currency
    is USD; a serialiser writes them as null. A required field written as null is refused."""
    nulls = {field: None for field in ("registered_capital", "capital_currency", "financial_health",
                                       "business_areas", "acp_certificates", "existing_customers", "statement")}
    data = {**application("agency"), **nulls, "dedicated_staff": {"sales": 2, "tech": None}}
    assert Application.model_validate(data) == Application.model_validate(
        {**{k: v for k, v in application("agency").items() if k not in nulls}, "dedicated_staff": {"sales": 2}})
    assert status("agency", "registered_capital", registered_capital=None) == "fail"  # 0 is not over 2000
    with pytest.raises(ValueError, match="company_name"):
        Application.model_validate({**application("agency"), "company_name": None})


@pytest.mark.parametrize("areas, expected", [
    (["system_integration"], "pass"),
    (["internet_services", "media"], "pass"),
    (["software_development"], "pass"),
    (["consulting", "msp", "isv"], "fail"),
    ([], "fail"),
])
def test_direct_reseller_business_areas(areas, expected):
    assert status("direct_reseller", "business_areas", business_areas=areas) == expected


@pytest.mark.parametrize("industries, expected", [([], "fail"), (["retail"], "review")])
def test_direct_reseller_industry_capability(industries, expected):
    assert status("direct_reseller", "industry_capability", industries=industries) == expected


@pytest.mark.parametrize("staff, expected", [
    ({"sales": 1, "tech": 0, "ops": 0}, "fail"),
    ({"sales": 1, "tech": 1, "ops": 0}, "pass"),
    ({"sales": 0, "tech": 0, "ops": 2}, "pass"),
])
def test_direct_reseller_dedicated_staff_at_least_two(staff, expected):
    assert status("direct_reseller", "dedicated_staff", dedicated_staff=staff) == expected


def certificates(*expiries: str) -> list[dict]:
    return [{"id": f"ACP-{i}", "holder": "J. Tan", "expires_on": e} for i, e in enumerate(expiries)]


@pytest.mark.parametrize("expiries, expected", [
    (("2027-01-01", "2027-01-01"), "pass"),
    (("2026-11-24", "2026-11-24"), "pass"),   # valid through the decision date
    (("2027-01-01", "2026-11-23"), "fail"),   # one expired the day before
    (("2027-01-01",), "fail"),
])
def test_direct_reseller_acp_certificates(expiries, expected):
    assert status("direct_reseller", "acp_certificates", acp_certificates=certificates(*expiries)) == expected


def test_the_same_certificate_twice_counts_once():
    twice = [{"id": "ACP-1", "holder": "J. Tan", "expires_on": "2027-01-01"}] * 2
    assert status("direct_reseller", "acp_certificates", acp_certificates=twice) == "fail"


@pytest.mark.parametrize("years, expected", [(0, "fail"), ("0.99", "fail"), ("0.995", "fail"), ("0.999", "fail"),
                                             (1, "review"), ("1.001", "review"), (3, "review")])
def test_direct_reseller_customer_operations(years, expected):
    assert status("direct_reseller", "customer_operations", customer_operations_years=years) == expected


@pytest.mark.parametrize("years, actual", [(3, 3), ("3.0", 3), ("2.5", "2.5"), ("0.999", "0.999")])
def test_customer_operations_shows_the_years_as_declared(years, actual):
    app = Application.model_validate(application("direct_reseller", customer_operations_years=years))
    result = decide(app, Circumstances(as_of=AS_OF), RULEBOOK).criterion("customer_operations")
    assert result.actual == actual
    assert result.message.startswith(f"{actual} years of customer operations")


@pytest.mark.parametrize("managed, expected", [(0, "fail"), (1, "pass")])
def test_distributor_tier2_experience(managed, expected):
    assert status("distributor", "tier2_experience", tier2_resellers_managed=managed) == expected


def test_distributor_growth_resources_is_for_a_manager():
    assert status("distributor", "growth_resources") == "review"


@pytest.mark.parametrize("staff, expected", [({"sales": 0}, "fail"), ({"ops": 1}, "pass")])
def test_distributor_dedicated_team(staff, expected):
    assert status("distributor", "dedicated_team", dedicated_staff=staff) == expected


def test_distributor_needs_four_valid_certificates_and_says_how_many_more():
    three = certificates("2027-01-01", "2027-01-01", "2027-01-01", "2026-11-23")
    app = Application.model_validate(application("distributor", acp_certificates=three))
    result = decide(app, Circumstances(as_of=AS_OF), RULEBOOK).criterion("acp_certificates")
    assert result.status.value == "fail"
    assert result.actual == 3
    assert result.required == ">= 4"
    assert result.message == "3 valid ACP certificates; at least 4 required (1 more needed)"
    four = certificates(*["2026-11-24"] * 4)
    assert status("distributor", "acp_certificates", acp_certificates=four) == "pass"


@pytest.mark.parametrize("commitment, currency, expected", [
    ("400000", "USD", "pass"),
    ("399999.99", "USD", "fail"),
    # EUR at 1.08: 370370.36 EUR = 399999.9888 USD
    ("370370.36", "EUR", "fail"),
    # 370370.37 EUR = 399999.9996 USD: short of 400000 by 0.0004, though it rounds to 400000.00
    ("370370.37", "EUR", "fail"),
    # 370370.38 EUR = 400000.0104 USD
    ("370370.38", "EUR", "pass"),
])
def test_distributor_revenue_commitment(commitment, currency, expected):
    assert status("distributor", "revenue_commitment", first_year_revenue_commitment=commitment,
                  commitment_currency=currency) == expected


def test_a_converted_amount_with_more_than_cents_is_shown_exactly_and_its_shortfall_rounded_up():
    app = Application.model_validate(application("distributor", first_year_revenue_commitment="370370.37",
                                                  commitment_currency="EUR"))
    result = decide(app, Circumstances(as_of=AS_OF), RULEBOOK).criterion("revenue_commitment")
    assert result.actual == "399999.9996"
    assert result.message == ("first-year revenue commitment 399999.9996 USD; at least 400000.00 USD required"
                              " (0.01 USD more needed)")


@pytest.mark.parametrize("commitment, currency, shown", [("400000", "USD", "400000.00"), ("250", "EUR", "270.00")])
def test_a_converted_amount_of_whole_cents_is_shown_to_the_cent(commitment, currency, shown):
    app = Application.model_validate(application("distributor", first_year_revenue_commitment=commitment,
                                                  commitment_currency=currency))
    assert decide(app, Circumstances(as_of=AS_OF), RULEBOOK).criterion("revenue_commitment").actual == shown


@pytest.mark.parametrize("approved, expected", [(0, "pass"), (1, "pass"), (2, "fail"), (3, "fail")])
def test_distributor_territory_cap_default_two(approved, expected):
    assert status("distributor", "territory_cap", approved_distributors=approved, territory="FR") == expected


def test_territory_cap_overrides_per_territory():
    # rules/territories.yaml: LU has cap 1; US is not listed and has the default 2
    assert status("distributor", "territory_cap", approved_distributors=1, territory="LU") == "fail"
    assert status("distributor", "territory_cap", approved_distributors=0, territory="LU") == "pass"
    assert status("distributor", "territory_cap", approved_distributors=1, territory="US") == "pass"
    assert status("distributor", "territory_cap", approved_distributors=2, territory="US") == "fail"


def test_qualifies_as_names_the_other_types_the_applicant_is_eligible_for():
    app = Application.model_validate(application("distributor", acp_certificates=certificates("2027-01-01") * 1))
    decision = decide(app, Circumstances(as_of=AS_OF), RULEBOOK)
    assert not decision.eligible
    assert [t.value for t in decision.qualifies_as] == ["agency"]


def test_the_same_application_and_date_always_give_the_same_decision():
    app = Application.model_validate(application("distributor"))
    first = decide(app, Circumstances(as_of=AS_OF, approved_distributors=1), RULEBOOK)
    again = [decide(app, Circumstances(as_of=AS_OF, approved_distributors=1), RULEBOOK) for _ in range(20)]
    assert all(d == first for d in again)
    assert first.rules_version.startswith("2026.11.1+")


def test_entity_age_reports_the_full_years_as_its_actual_value():
    app = Application.model_validate(application("agency", registration_date="2021-03-15"))
    result = decide(app, Circumstances(as_of=AS_OF), RULEBOOK).criterion("entity_age")
    assert result.actual == 5
    assert result.message == "registered 5 full years before the decision date; at least 1 required"
