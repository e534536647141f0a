"""The analyst's pages: rules in force and a draft's impact, settlement, what-if."""

from __future__ import annotations

import shutil

from app_driver import app_url, app_workspace, errors, press, sign_in, texts  # noqa: F401
from factories import AS_OF, SG_UENS, application
from partnerdesk.applications import submit
from partnerdesk.settings import PROJECT_ROOT

LASTING = [{"id": f"ACP-00{i}", "holder": "Jane Tan", "expires_on": "2099-06-30"} for i in range(1, 5)]


def test_the_rules_page_shows_the_version_in_force_and_its_files(app_url, app_workspace):
    at = sign_in(app_url, "analyst")
    assert at.title[0].value == "Rules"
    assert at.metric[0].value == app_workspace.rulebook.version
    assert at.metric[1].value == app_workspace.plan().version
    assert "plan.yaml" in [e.label for e in at.expander]


def test_the_impact_of_a_draft_lists_the_applications_whose_decision_changes(app_url, app_workspace, tmp_path):
    for number, staff in enumerate(({"sales": 1, "tech": 1, "ops": 0}, {"sales": 2, "tech": 2, "ops": 2})):
        submit(app_workspace, application(acp_certificates=LASTING, registration_number=SG_UENS[number],
                                          company_name=f"Cloud {number}", dedicated_staff=staff), AS_OF)
    draft = tmp_path / "draft"
    shutil.copytree(PROJECT_ROOT / "rules", draft)
    reseller = draft / "direct_reseller.yaml"
    reseller.write_text(reseller.read_text().replace("value: 2\n", "value: 3\n", 1))
    at = sign_in(app_url, "analyst")
    at.text_input(key="rules.draft").input(str(draft))
    at.date_input(key="rules.as_of").set_value(AS_OF)
    press(at, "Show the impact")
    assert "1 of 2 open applications change" in texts(at)
    changed = at.dataframe[0].value
    assert changed["company"].tolist() == ["Cloud 0"]
    assert changed["criteria"].tolist() == ["dedicated_staff: pass → fail"]


def test_a_draft_directory_with_problems_is_named_not_crashed(app_url, tmp_path):
    at = sign_in(app_url, "analyst")
    at.text_input(key="rules.draft").input(str(tmp_path / "nowhere"))
    press(at, "Show the impact")
    assert errors(at) and "ruleset.yaml" in errors(at)[0]
