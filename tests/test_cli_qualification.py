"""The `partnerdesk` qualification commands as a user runs them: JSON out, exit codes, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path
import re

import pytest
from sqlalchemy import create_engine, func, select

from conftest import write_json
from factories import application
from storage.tables import ApplicationRow, AuditEntry, DecisionRow


def stored_counts(url: str) -> tuple[int, int, int]:
    from partnerdesk.settings import Settings

    engine = create_engine(Settings(database_url=url).database_url)
    with engine.connect() as connection:
        counts = tuple(connection.execute(select(func.count()).select_from(t)).scalar_one()
                       for t in (ApplicationRow, DecisionRow, AuditEntry))
    engine.dispose()
    return counts


def test_qualify_prints_the_decision_and_writes_nothing(sqlite_cli, tmp_path):
    path = write_json(tmp_path / "app.json", application("distributor", acp_certificates=[]))
    result = sqlite_cli("qualify", path, "--as-of", "2026-11-24")
    assert result.code == 0, result.stderr
    decision = result.json
    assert decision["partner_type"] == "distributor"
    assert decision["eligible"] is False
    assert decision["as_of"] == "2026-11-24"
    assert [c["id"] for c in decision["criteria"]] == [
        "valid_entity", "tier2_experience", "growth_resources", "dedicated_team",
        "acp_certificates", "revenue_commitment", "territory_cap"]
    assert decision["failed"] == ["acp_certificates"]
    assert decision["to_review"] == ["growth_resources"]
    assert decision["qualifies_as"] == ["agency"]
    acp = decision["criteria"][4]
    assert acp == {"id": "acp_certificates", "status": "fail", "actual": 0, "required": ">= 4",
                   "message": "0 valid ACP certificates; at least 4 required (4 more needed)"}
    assert not Path(sqlite_cli.database_url.removeprefix("sqlite:///")).exists()  # not even an empty database


def test_money_in_the_decision_is_a_decimal_string(sqlite_cli, tmp_path):
    path = tmp_path / "app.json"
    path.write_text(json.dumps(application("agency")).replace('"50000.00"', "2000.01"))
    result = sqlite_cli("qualify", path, "--as-of", "2026-11-24")
    capital = next(c for c in result.json["criteria"] if c["id"] == "registered_capital")
    assert capital["actual"] == "2000.01" and capital["status"] == "pass"


def test_apply_stores_the_application_with_its_decision(cli, tmp_path):
    path = write_json(tmp_path / "app.json", application("direct_reseller"))
    result = cli("apply", path, "--as-of", "2026-11-24")
    assert result.code == 0, result.stderr
    body = result.json
    assert isinstance(body["application_id"], int)
    assert body["decision"]["eligible"] is True
    assert body["decision"]["to_review"] == ["industry_capability", "customer_operations"]
    trail = cli("history", body["application_id"]).json
    assert [e["action"] for e in trail] == ["submitted", "evaluated"]
    assert [e["rules_version"] for e in trail] == [body["decision"]["rules_version"]] * 2


@pytest.mark.parametrize("change, field", [
    ({"unexpected": 1}, "unexpected"),
    ({"existing_customers": "forty"}, "existing_customers"),
    ({"existing_customers": True}, "existing_customers"),
    ({"registration_date": "2026-02-30"}, "registration_date"),
    ({"registration_date": 20260101}, "registration_date"),
    ({"registered_capital": "-1"}, "registered_capital"),
    ({"registered_capital": "NaN"}, "registered_capital"),
    ({"capital_currency": "XYZ"}, "capital_currency"),
    ({"commitment_currency": "ZZZ"}, "commitment_currency"),
    ({"territory": "QQ"}, "territory"),
    ({"registration_country": "Singapore"}, "registration_country"),
    ({"partner_type": "wholesaler"}, "partner_type"),
    ({"business_areas": ["fishing"]}, "business_areas"),
    ({"dedicated_staff": {"sales": -1}}, "dedicated_staff.sales"),
    ({"acp_certificates": [{"id": "A", "expires_on": "soon"}]}, "acp_certificates.0.expires_on"),
    ({"contact_email": "nobody"}, "contact_email"),
    ({"financial_health": "great"}, "financial_health"),
])
def test_bad_input_exits_2_naming_the_field_and_stores_nothing(cli, tmp_path, change, field):
    path = write_json(tmp_path / "app.json", {**application("distributor"), **change})
    result = cli("apply", path, "--as-of", "2026-11-24")
    assert result.code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and re.match(rf"partnerdesk: {re.escape(field)}(\.\d+)?: ", lines[0]), result.stderr
    assert stored_counts(cli.database_url) == (0, 0, 0)


def test_qualify_refuses_bad_input_the_same_way(sqlite_cli, tmp_path):
    path = write_json(tmp_path / "app.json", {**application("agency"), "capital_currency": "XYZ"})
    result = sqlite_cli("qualify", path)
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.strip() == ("partnerdesk: capital_currency: unknown currency 'XYZ' "
                                     "(not in the rules' currency table)")


@pytest.mark.parametrize("field", ["partner_type", "company_name", "territory", "contact_email"])
def test_required_fields(sqlite_cli, tmp_path, field):
    data = application("agency")
    del data[field]
    result = sqlite_cli("qualify", write_json(tmp_path / "app.json", data))
    assert result.code == 2 and f"{field}: required field is missing" in result.stderr


def test_a_minimal_application_is_decided_with_defaults(sqlite_cli, tmp_path):
    minimal = {"partner_type": "agency", "company_name": "Tiny Ltd", "territory": "fr",
               "contact_email": "a@tiny.example"}
    result = sqlite_cli("qualify", write_json(tmp_path / "app.json", minimal), "--as-of", "2026-11-24")
    assert result.code == 0, result.stderr
    statuses = {c["id"]: c["status"] for c in result.json["criteria"]}
    assert statuses == {"entity_age": "fail", "registered_capital": "fail", "financial_health": "review",
                        "customer_resources": "fail", "partnership_willingness": "review"}


@pytest.mark.parametrize("content, message", [
    (None, "file not found"),
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
])
def test_unreadable_files_exit_2(sqlite_cli, tmp_path, content, message):
    path = tmp_path / "app.json"
    if content is not None:
        path.write_text(content)
    result = sqlite_cli("apply", path)
    assert result.code == 2 and message in result.stderr


def test_a_bad_date_option_exits_2(sqlite_cli, tmp_path):
    path = write_json(tmp_path / "app.json", application("agency"))
    result = sqlite_cli("qualify", path, "--as-of", "24/11/2026")
    assert result.code == 2 and "--as-of" in result.stderr


def test_a_registration_date_after_the_decision_date_is_not_an_input_error(sqlite_cli, tmp_path):
    path = write_json(tmp_path / "app.json", application("direct_reseller", registration_date="2027-01-01"))
    result = sqlite_cli("qualify", path, "--as-of", "2026-11-24")
    assert result.code == 0
    assert "valid_entity" in result.json["failed"]


def test_a_second_open_application_for_the_same_type_and_number_is_refused(cli, tmp_path):
    first = cli("apply", write_json(tmp_path / "a.json", application("agency")), "--as-of", "2026-11-24")
    assert first.code == 0
    again = application("agency", registration_number=" 2019-12345r ", company_name="Acme again")
    second = cli("apply", write_json(tmp_path / "b.json", again), "--as-of", "2026-11-24")
    assert second.code == 2
    assert f"application {first.json['application_id']}" in second.stderr
    other_type = cli("apply", write_json(tmp_path / "c.json", application("direct_reseller")))
    assert other_type.code == 0
    assert stored_counts(cli.database_url)[0] == 2
