"""The applicant's pages: the form with inline validation and pre-check, submission, updates."""

from __future__ import annotations

from app_driver import errors, fill_application, open_page, press, shown, sign_in, texts
from factories import AS_OF, application
from kernel.states import Action
from partnerdesk.applications import list_applications, submit
from partnerdesk.review import review

pytest_plugins = ("app_fixtures",)

LASTING = [{"id": f"ACP-00{i}", "holder": "Jane Tan", "expires_on": "2099-06-30"} for i in range(1, 5)]


def a_passing(partner_type="direct_reseller", **overrides) -> dict:
    """A passing application whose certificates stay valid whatever today is."""
    return application(partner_type, **{"acp_certificates": LASTING, **overrides})


def test_the_form_shows_each_validation_message_under_its_field(app_url):
    at = sign_in(app_url, "applicant")
    fill_application(at, "apply", {"territory": "SG", "registered_capital": "12,5",
                                   "contact_email": "not an address"})
    assert any(e.startswith("must be a decimal of digits") for e in errors(at))
    assert "not an e-mail address: 'not an address'" in errors(at)


def test_an_e_mail_typo_leaves_the_whole_pre_check_standing(app_url):
    at = sign_in(app_url, "applicant")
    fill_application(at, "apply", a_passing(contact_email="ops@acme"))
    assert "not an e-mail address: 'ops@acme'" in errors(at)
    # No criterion reads the e-mail, so every one is decided as for the passing application.
    assert [t.label for t in at.tabs] == [
        "Direct reseller (your choice): eligible", "Agency: eligible", "Distributor: eligible"]


def test_a_grouped_capital_says_how_to_write_it_and_only_the_capital_criterion_waits(app_url):
    at = sign_in(app_url, "applicant")
    fill_application(at, "apply", a_passing("agency", registered_capital="50,000"))
    assert "must be written without thousands separators (50000, not 50,000)" in errors(at)
    assert [t.label for t in at.tabs] == [
        "Agency (your choice): 1 not decided", "Direct reseller: eligible", "Distributor: eligible"]
    page = texts(at)
    assert "**Registered capital** (not decided): fix registered capital first" in page
    assert "**Entity age** (pass)" in page


def test_a_certificate_without_an_id_is_named_not_dropped(app_url, app_workspace):
    at = sign_in(app_url, "applicant")
    fill_application(at, "apply", a_passing(acp_certificates=[
        *LASTING[:3], {"holder": "Jane Tan", "expires_on": "2099-06-30"}]))
    assert "row 4, id: every certificate needs its id" in errors(at)
    press(at, "Submit application")
    assert "acp_certificates.3.id: every certificate needs its id" in errors(at)
    assert list_applications(app_workspace) == []


def test_a_certificate_without_a_holder_is_stored_with_an_empty_holder(app_url, app_workspace):
    at = sign_in(app_url, "applicant")
    fill_application(at, "apply", a_passing(acp_certificates=[
        {"id": "ACP-001", "expires_on": "2099-06-30"}, *LASTING[1:]]))
    press(at, "Submit application")
    [row] = list_applications(app_workspace)
    assert [c.holder for c in row.application().acp_certificates] == ["", "Jane Tan", "Jane Tan", "Jane Tan"]


def test_the_pre_check_shows_every_partner_type_criterion_by_criterion(app_url):
    at = sign_in(app_url, "applicant")
    fill_application(at, "apply", a_passing(acp_certificates=LASTING[:2], tier2_resellers_managed=0))
    assert [t.label for t in at.tabs] == [
        "Direct reseller (your choice): eligible", "Agency: eligible", "Distributor: 2 to fix"]
    page = texts(at)
    assert "**ACP certificates** (pass): 2 valid ACP certificates; at least 2 required" in page
    assert "**ACP certificates** (fail): 2 valid ACP certificates; at least 4 required (2 more needed)" in page
    assert "**Tier-2 reseller experience** (fail)" in page
    assert "**Industry capability** (needs review)" in page
    assert "Not eligible yet: Tier-2 reseller experience, ACP certificates." in errors(at)


def test_the_pre_check_follows_the_form_as_it_changes(app_url):
    at = sign_in(app_url, "applicant")
    fill_application(at, "apply", a_passing(dedicated_staff={"sales": 1, "tech": 0, "ops": 0}))
    assert at.tabs[0].label == "Direct reseller (your choice): 1 to fix"
    assert "at least 2 required (1 more needed)" in texts(at)
    fill_application(at, "apply", {"dedicated_staff": {"tech": 1}})
    assert at.tabs[0].label == "Direct reseller (your choice): eligible"


def test_a_submission_reaches_the_managers_queue(app_url, app_workspace):
    at = sign_in(app_url, "applicant")
    fill_application(at, "apply", a_passing(company_name="Lion City Cloud Pte. Ltd."))
    press(at, "Submit application")
    assert at.title[0].value == "My applications"
    assert "submitted (eligible); a channel manager reviews it next." in texts(at)
    [row] = list_applications(app_workspace)
    assert (row.company_name, row.state, row.submitted_by) == ("Lion City Cloud Pte. Ltd.", "submitted", "ann")
    assert row.application().acp_certificates[3].expires_on.isoformat() == "2099-06-30"

    queue = sign_in(app_url, "manager")
    assert queue.dataframe[0].value["company"].tolist() == ["Lion City Cloud Pte. Ltd."]
    assert queue.metric[0].value == "1"


def test_submitting_without_a_required_field_names_it(app_url, app_workspace):
    at = sign_in(app_url, "applicant")
    data = a_passing()
    del data["contact_email"]
    fill_application(at, "apply", data)
    press(at, "Submit application")
    assert "contact_email: required field is missing" in errors(at)
    assert list_applications(app_workspace) == []


def test_my_applications_shows_only_my_own(app_url, app_workspace):
    submit(app_workspace, a_passing(company_name="Mine Pte. Ltd."), AS_OF, submitted_by="ann")
    submit(app_workspace, a_passing(company_name="Someone Else Ltd.", registration_number="200012345W"), AS_OF,
           submitted_by="bob")
    at = open_page(sign_in(app_url, "applicant"), "my_applications")
    assert at.dataframe[0].value["company"].tolist() == ["Mine Pte. Ltd."]
    assert "Someone Else" not in texts(at)


def test_an_applicant_answers_a_request_for_information_with_an_update(app_url, app_workspace):
    application_id, _ = submit(app_workspace, a_passing(existing_customers=0, partner_type="agency"), AS_OF,
                               submitted_by="ann")
    review(app_workspace, application_id, Action.request_info, by="maria",
           reason="Please list your existing customers.")
    at = open_page(sign_in(app_url, "applicant"), "my_applications")
    assert "**The channel manager asks:** Please list your existing customers." in texts(at)
    assert at.number_input(key=f"update.{application_id}.existing_customers").value == 0
    at.number_input(key=f"update.{application_id}.existing_customers").set_value(12)
    press(at, "Send the update")
    assert f"Application {application_id} updated and decided again (eligible)." in texts(at)
    [row] = list_applications(app_workspace)
    assert row.state == "submitted"
    assert row.application().existing_customers == 12


def test_my_applications_show_a_hostile_name_and_request_as_text(app_url, app_workspace):
    hostile = "Evil [approve here](http://evil.example)"
    application_id, _ = submit(app_workspace, a_passing(company_name=hostile), AS_OF, submitted_by="ann")
    review(app_workspace, application_id, Action.request_info, by="maria", reason="See ![x](http://127.0.0.1:9/t.png)")
    at = open_page(sign_in(app_url, "applicant"), "my_applications")
    [asked] = at.warning
    assert "](" not in asked.value and shown(asked.value).endswith("See ![x](http://127.0.0.1:9/t.png)")
    [expander] = at.expander
    assert "](" not in expander.label and shown(expander.label).startswith(f"Application {application_id}: {hostile}")
