"""Rule files as data: checked with file and line, and a draft's impact on open applications."""

from __future__ import annotations

import shutil

import pytest

from conftest import RULES_DIR, write_json
from factories import AS_OF, SG_UENS, application
from kernel.states import Action
from partnerdesk import applications
from partnerdesk.errors import InputError
from partnerdesk.review import review
from partnerdesk.rules import replay
from partnerdesk.settings import Settings
from partnerdesk.workspace import Workspace


@pytest.fixture
def draft(tmp_path):
    """A copy of the shipped rules to edit."""
    return shutil.copytree(RULES_DIR, tmp_path / "draft")


def replace(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_the_shipped_rules_check_clean(sqlite_cli):
    result = sqlite_cli("rules", "check")
    assert result.code == 0, result.stderr
    assert result.json["ok"] is True
    assert result.json["rules_version"].startswith("2026.11.1+")
    assert result.json["plan_version"] == "2026.1"


@pytest.mark.parametrize("file, old, new, expected", [
    ("distributor.yaml", 'value: 4\n', 'value: four\n', "distributor.yaml:49: rule acp_certificates: criteria.4.checks.0.value: Input should be a valid decimal"),
    ("distributor.yaml", "fact: valid_acp_certificates", "fact: acp_count",
     "distributor.yaml:47: rule acp_certificates: criteria.4.checks.0: unknown fact 'acp_count'"),
    ("distributor.yaml", 'value: "400000"', 'value: "399999.995"',
     "distributor.yaml:56: rule revenue_commitment: criteria.5.checks.0: fact 'revenue_commitment_usd' is compared with whole cents: 399999.995 is not one"),
    ("distributor.yaml", 'value: 4\n', 'value: 3.5\n',
     "fact 'valid_acp_certificates' is compared with whole numbers: 3.5 is not one"),
    ("agency.yaml", "financial_health\n    title", "entity_age\n    title",
     "agency.yaml:33: criteria: criterion id 'entity_age' appears twice"),
    ("agency.yaml", "partner_type: agency", "partner_type: distributor",
     "agency.yaml:6: partner_type is 'distributor', expected 'agency'"),
    ("agency.yaml", "{value} required ({shortfall}", "{value} required ({short}",
     "unknown placeholder(s) ['short']"),
    ("territories.yaml", "LU: 1", "LU: -1", "territories.yaml:5: caps.LU: Input should be greater than or equal to 0"),
    ("territories.yaml", "LU: 1", "XX: 1", "territories.yaml:5: caps.XX: 'XX' is not an ISO 3166-1 alpha-2 code"),
    ("currencies.yaml", 'EUR: "1.08"', 'EUR: "1.08"\n  EUR: "1.10"',
     "currencies.yaml:5: key 'EUR' appears twice (lines 4 and 5)"),
    ("territories.yaml", "default_cap: 2", "default_cap: 2\ndefault_cap: 3",
     "territories.yaml:4: key 'default_cap' appears twice (lines 3 and 4)"),
    ("currencies.yaml", 'EUR: "1.08"', 'EUR: "-1"', "currencies.yaml:4: rates.EUR: Input should be greater than 0"),
    ("registration.yaml", "SG: sg.uen", "SG: sg.nothing", "registration.yaml:4: formats.SG: python-stdnum has no module 'sg.nothing'"),
    ("plan.yaml", 'commission_rate: "0.10"', 'commission_rate: "1.5"',
     "plan.yaml:10: agency.commission_rate: Input should be less than or equal to 1"),
    ("plan.yaml", "{from: 100000, rate", "{from: -5, rate", "plan.yaml:16: direct_reseller.tiers.gold.commission.1.from: Input should be greater than or equal to 0"),
    ("plan.yaml", "default_tier: standard", "default_tier: premium", "default_tier 'premium' is not one of"),
    ("ruleset.yaml", 'version: "2026.11.1"', 'version: [', "ruleset.yaml:6: not valid YAML: expected ',' or ']'"),
])
def test_a_bad_file_is_named_with_its_line_and_problem(sqlite_cli, draft, file, old, new, expected):
    replace(draft / file, old, new)
    result = sqlite_cli("rules", "check", draft)
    assert result.code == 2
    assert result.stdout == ""
    assert expected in result.stderr, result.stderr
    assert str(draft / file) in result.stderr


def test_a_missing_file_or_directory_is_named(sqlite_cli, draft, tmp_path):
    (draft / "territories.yaml").unlink()
    result = sqlite_cli("rules", "check", draft)
    assert result.code == 2 and "territories.yaml: file is missing" in result.stderr
    assert sqlite_cli("rules", "check", tmp_path / "nowhere").code == 2


def test_a_threshold_changed_in_a_copy_changes_the_decision_with_no_code_change(sqlite_cli, draft, tmp_path):
    replace(draft / "distributor.yaml", "value: 4\n", "value: 3\n")
    three = [{"id": f"A{i}", "holder": "x", "expires_on": "2027-01-01"} for i in range(3)]
    path = write_json(tmp_path / "app.json", application("distributor", acp_certificates=three))
    shipped = sqlite_cli("qualify", path, "--as-of", "2026-11-24").json
    sqlite_cli.rules_dir = draft
    drafted = sqlite_cli("qualify", path, "--as-of", "2026-11-24").json
    assert shipped["failed"] == ["acp_certificates"] and drafted["failed"] == []
    assert shipped["rules_version"] != drafted["rules_version"]
    assert shipped["rules_version"].split("+")[0] == drafted["rules_version"].split("+")[0]


def test_rules_impact_lists_exactly_the_open_applications_whose_decision_changes(workspace, cli, draft):
    three = [{"id": f"A{i}", "holder": "x", "expires_on": "2027-01-01"} for i in range(3)]
    submit = lambda **kw: applications.submit(workspace, application(**kw), AS_OF)[0]  # noqa: E731
    with_three = submit(partner_type="distributor", acp_certificates=three, registration_number=SG_UENS[0])
    with_two = submit(partner_type="distributor", acp_certificates=three[:2], registration_number=SG_UENS[1])
    with_four = submit(partner_type="distributor", registration_number=SG_UENS[2])
    reseller = submit(partner_type="direct_reseller", acp_certificates=three[:1], registration_number=SG_UENS[3])
    closed = submit(partner_type="distributor", acp_certificates=three, registration_number=SG_UENS[4])
    review(workspace, closed, Action.reject, by="m", reason="duplicate company")
    replace(draft / "distributor.yaml", "value: 4\n", "value: 3\n")

    result = cli("rules", "impact", draft, "--as-of", "2026-11-24")
    assert result.code == 0, result.stderr
    report = result.json
    assert report["open_applications"] == 4
    assert [c["application_id"] for c in report["changed"]] == [with_three]
    change = report["changed"][0]
    assert change["eligible"] == {"current": False, "draft": True}
    assert change["criteria"] == [{"id": "acp_certificates", "current": "fail", "draft": "pass"}]
    assert {with_two, with_four, reseller}.isdisjoint(c["application_id"] for c in report["changed"])
    assert [e["action"] for e in applications.history(workspace, with_three)] == ["submitted", "evaluated"]


def test_rules_impact_reports_criteria_that_change_even_when_eligibility_does_not(sqlite_workspace, sqlite_cli, draft):
    application_id, _ = applications.submit(sqlite_workspace, application("agency"), AS_OF)
    replace(draft / "agency.yaml", "        pass: [healthy]\n        review: [unknown]",
            "        pass: []\n        review: [healthy, unknown]")
    report = sqlite_cli("rules", "impact", draft, "--as-of", "2026-11-24").json
    assert report["changed"] == [{
        "application_id": application_id, "company_name": "Acme Cloud Pte. Ltd.", "partner_type": "agency",
        "state": "submitted", "eligible": {"current": True, "draft": True},
        "criteria": [{"id": "financial_health", "current": "pass", "draft": "review"}]}]


def test_rules_impact_of_a_broken_draft_exits_2(sqlite_cli, draft):
    replace(draft / "agency.yaml", "op: \">\"", "op: \"~\"")
    result = sqlite_cli("rules", "impact", draft)
    assert result.code == 2 and "agency.yaml" in result.stderr


def test_a_decision_replays_from_its_kept_rules_after_the_files_change(workspace, database_url, draft):
    three = [{"id": f"A{i}", "holder": "x", "expires_on": "2027-01-01"} for i in range(3)]
    application_id, decision = applications.submit(
        workspace, application("distributor", acp_certificates=three), AS_OF)
    replace(draft / "distributor.yaml", "value: 4\n", "value: 3\n")
    under_draft = Workspace.open(Settings(database_url=database_url, rules_dir=draft))
    replayed = replay(under_draft, application_id)
    assert replayed["reproduced"] is True
    assert replayed["rules_version"] == decision.rules_version != under_draft.rulebook.version
    assert replayed["decision"]["failed"] == ["acp_certificates"]


CAP_CRITERION = """  - id: territory_cap
    title: Territory cap
    checks:
      - fact: approved_distributors
        op: "<"
        value: {fact: territory_cap}
        fail_message: "{actual} distributors already approved in {territory}; its cap is {territory_cap}"
    required: "fewer approved distributors in the territory than its cap"
    pass_message: "{actual} distributors approved in {territory}; its cap is {territory_cap}"
"""


def test_rules_check_refuses_a_distributor_rulebook_without_the_territory_cap(sqlite_cli, draft):
    replace(draft / "distributor.yaml", CAP_CRITERION, "")
    result = sqlite_cli("rules", "check", draft)
    assert result.code == 2
    assert result.stdout == ""
    assert f"{draft / 'distributor.yaml'}: no criterion checks the territory cap" in result.stderr


def test_a_renamed_cap_criterion_still_keeps_every_override_out_of_a_full_territory(sqlite_workspace, sqlite_cli,
                                                                                   draft):
    replace(draft / "distributor.yaml", "id: territory_cap", "id: room_in_territory")
    assert sqlite_cli("rules", "check", draft).code == 0
    ws = Workspace(engine=sqlite_workspace.engine, rules_dir=draft)
    # FR has the default cap of 2 (territories.yaml): two approvals fill it.
    ids = [applications.submit(ws, application("distributor", territory="FR", registration_number=uen), AS_OF)[0]
           for uen in SG_UENS[:3]]
    for application_id in ids[:2]:
        review(ws, application_id, Action.approve, by="m", confirm=["growth_resources"])
    with pytest.raises(InputError, match="2 distributors already approved in FR; its cap is 2; no distributor "
                                         "can be approved into a full territory"):
        review(ws, ids[2], Action.approve, by="m", override=True, reason="strategic account")
    assert [a.state.value for a in applications.list_applications(ws, territory="FR")] == \
        ["approved", "approved", "submitted"]
