"""The channel manager's pages: the queue, an application's review, partners."""

from __future__ import annotations

from app_driver import errors, open_page, press, shown, sign_in, sign_in_as, texts
from factories import AS_OF, SG_UENS, application
from kernel.states import Action
from partnerdesk.applications import history, list_applications, submit
from partnerdesk.review import review
from partnerdesk.tier2 import add_tier2

pytest_plugins = ("app_fixtures",)

DR_REVIEW = ["industry_capability", "customer_operations"]
LASTING = [{"id": f"ACP-00{i}", "holder": "Jane Tan", "expires_on": "2099-06-30"} for i in range(1, 5)]


def apply(ws, partner_type="direct_reseller", number=0, **overrides) -> int:
    data = application(partner_type, **{"acp_certificates": LASTING, "registration_number": SG_UENS[number],
                                        **overrides})
    application_id, _ = submit(ws, data, AS_OF, submitted_by="ann")
    return application_id


def partner_names(at) -> list[str]:
    return at.dataframe[0].value["name"].tolist()


def reviewing(app_url, application_id):
    """The review page of an application opened from the queue (any state), as a manager opens one."""
    at = open_page(sign_in(app_url, "manager"), "queue")
    at.selectbox(key="queue.state").set_value("any").run()
    at.selectbox(key="queue.open").set_value(application_id)
    press(at, "Review this application")  # AppTest does not follow the page switch it asks for
    return open_page(at, "review")


def test_the_queue_lists_open_applications_oldest_first_with_counts_per_state(app_url, app_workspace):
    first = apply(app_workspace, company_name="First Cloud", number=0)
    apply(app_workspace, "distributor", company_name="Second Cloud", number=1, territory="HK")
    third = apply(app_workspace, company_name="Third Cloud", number=2)
    review(app_workspace, third, Action.reject, by="maria", reason="Duplicate of another application.")
    review(app_workspace, first, Action.request_info, by="maria", reason="Which customers?")
    at = sign_in(app_url, "manager")
    assert [m.value for m in at.metric] == ["1", "1", "0", "1"]
    assert at.dataframe[0].value["company"].tolist() == ["Second Cloud"]
    at.selectbox(key="queue.state").set_value("info_requested").run()
    assert at.dataframe[0].value["company"].tolist() == ["First Cloud"]
    at.selectbox(key="queue.state").set_value("submitted")
    at.selectbox(key="queue.territory").set_value("SG").run()
    assert not at.dataframe
    assert "0 applications, oldest first." in texts(at)


def test_the_queue_filters_by_partner_type(app_url, app_workspace):
    apply(app_workspace, company_name="Reseller Cloud", number=0)
    apply(app_workspace, "distributor", company_name="Distributor Cloud", number=1)
    at = sign_in(app_url, "manager")
    assert at.dataframe[0].value["company"].tolist() == ["Reseller Cloud", "Distributor Cloud"]
    at.selectbox(key="queue.partner_type").set_value("distributor").run()
    assert at.dataframe[0].value["company"].tolist() == ["Distributor Cloud"]


def test_opening_an_application_from_the_queue_shows_its_review_page(app_url, app_workspace):
    apply(app_workspace, company_name="First Cloud", number=0)
    second = apply(app_workspace, company_name="Second Cloud", number=1)
    at = sign_in(app_url, "manager")
    at.selectbox(key="queue.open").set_value(second)
    press(at, "Review this application")
    assert at.title[0].value == "Review an application"
    assert at.header[0].value == "Second Cloud"


def test_the_review_page_shows_the_decision_territory_and_audit_trail(app_url, app_workspace):
    application_id = apply(app_workspace, "distributor", company_name="Harbour Distribution", territory="LU")
    at = reviewing(app_url, application_id)
    criteria = at.dataframe[0].value
    assert criteria["criterion"].tolist()[-1] == "Territory cap"
    assert criteria["status"].tolist() == ["pass", "pass", "needs review", "pass", "pass", "pass", "pass"]
    assert [shown(c.label) for c in at.checkbox] == [
        "I have checked **Resources for tier-2 growth**: a manager confirms the resources to support tier-2 growth"]
    assert at.selectbox(key=f"review.{application_id}.tier").options == ["standard"]
    assert at.metric[0].value == "0 / 1"
    assert at.dataframe[1].value["action"].tolist() == ["Submitted", "Evaluated"]


def test_a_managers_approval_creates_a_partner(app_url, app_workspace):
    application_id = apply(app_workspace, company_name="Lion City Cloud")
    at = reviewing(app_url, application_id)
    for box in at.checkbox:
        box.check()
    at.selectbox(key=f"review.{application_id}.tier").set_value("gold")
    press(at, "Approve")
    assert f"Application {application_id} (Lion City Cloud): approved as partner P-1." in texts(at)
    assert list_applications(app_workspace, state="approved")[0].id == application_id
    approval = history(app_workspace, application_id)[-1]
    assert (approval["action"], approval["by"], approval["tier"]) == ("approved", "maria", "gold")
    partners = open_page(at, "partners")
    assert partner_names(partners) == ["Lion City Cloud"]


def test_approving_without_confirming_the_review_criteria_is_refused(app_url, app_workspace):
    application_id = apply(app_workspace)
    at = reviewing(app_url, application_id)
    press(at, "Approve")
    assert errors(at) == ["Confirmations: approving needs every review criterion confirmed; not confirmed: "
                          "Industry capability, Customer operations"]
    assert list_applications(app_workspace, state="submitted")[0].id == application_id


def test_an_override_without_a_reason_is_refused_and_with_one_is_recorded(app_url, app_workspace):
    application_id = apply(app_workspace, dedicated_staff={"sales": 1})
    at = reviewing(app_url, application_id)
    press(at, "Override and approve")
    assert errors(at) == ["Reason: an override needs a reason"]
    assert list_applications(app_workspace, state="submitted")[0].id == application_id
    at.text_area(key=f"review.{application_id}.reason").input("Strategic account; staff hired next month.")
    press(at, "Override and approve")
    assert "approved as partner P-1" in texts(at)
    override = history(app_workspace, application_id)[-1]
    assert (override["action"], override["reason"]) == ("overridden", "Strategic account; staff hired next month.")
    assert override["failed"] == ["dedicated_staff"]


def test_requesting_information_needs_a_reason_and_leaves_only_reject(app_url, app_workspace):
    application_id = apply(app_workspace)
    at = reviewing(app_url, application_id)
    press(at, "Request information")
    assert errors(at) == ["Reason: requesting information needs a reason"]
    at.text_area(key=f"review.{application_id}.reason").input("Which industries exactly?")
    press(at, "Request information")
    assert f"Application {application_id} (Acme Cloud Pte. Ltd.): info requested." in texts(at)
    assert [b.label for b in at.button if b.label != "Sign out"] == ["Reject"]


def test_a_decided_application_offers_no_actions(app_url, app_workspace):
    application_id = apply(app_workspace)
    review(app_workspace, application_id, Action.reject, by="maria", reason="Not a fit.")
    at = reviewing(app_url, application_id)
    assert not at.checkbox and not [b for b in at.button if b.label != "Sign out"]
    assert at.dataframe[1].value["action"].tolist() == ["Submitted", "Evaluated", "Rejected"]


def test_the_partners_page_lists_distributors_with_their_tier2_resellers(app_url, app_workspace):
    application_id = apply(app_workspace, "distributor", company_name="Harbour Distribution")
    review(app_workspace, application_id, Action.approve, by="maria", confirm=["growth_resources"])
    add_tier2(app_workspace, "P-1", "Kowloon Cloud Shop")
    at = open_page(sign_in(app_url, "manager"), "partners")
    assert partner_names(at) == ["Harbour Distribution"]
    assert at.subheader[0].value == "P-1 Harbour Distribution"
    assert "**1 tier-2 resellers**" in texts(at)
    assert at.dataframe[1].value["name"].tolist() == ["Kowloon Cloud Shop"]


def test_finding_a_partner_by_name(app_url, app_workspace):
    for number, name in enumerate(["Harbour Distribution", "Lion City Cloud"]):
        application_id = apply(app_workspace, company_name=name, number=number)
        review(app_workspace, application_id, Action.approve, by="maria", confirm=DR_REVIEW)
    at = open_page(sign_in(app_url, "manager"), "partners")
    at.text_input(key="partners.search").input("lion").run()
    assert partner_names(at) == ["Lion City Cloud"]
    assert at.subheader[0].value == "P-2 Lion City Cloud"


def test_a_distributor_shows_its_tier2_resellers_and_all_their_customers(demo_url):
    at = open_page(sign_in_as(demo_url, "manager", "manager-demo"), "partners")
    at.text_input(key="partners.search").input("Equator").run()
    assert shown(at.subheader[0].value).endswith("Equator Distribution Pte. Ltd.")
    resellers = at.dataframe[1].value
    assert resellers["name"].tolist() == ["Orchard Road Tech", "Jurong Cloud Shop", "Sentosa Digital"]
    customers = at.dataframe[2].value
    own = at.subheader[0].value.split(" ")[0]
    assert set(customers["partner"]) <= {own, *resellers["partner"]}
    assert own in set(customers["partner"]) and set(customers["partner"]) & set(resellers["partner"])
    current = customers[customers["until"].isna()]["customer"].nunique()
    assert f"**{current} customers now**, including its tier-2 resellers' customers" in texts(at)


HOSTILE = "Evil [approve here](http://evil.example) ![x](http://127.0.0.1:9/t.png)"


def test_a_hostile_company_name_is_shown_as_text_not_as_a_link_or_an_image(app_url, app_workspace):
    application_id = apply(app_workspace, company_name=HOSTILE, statement="See [our site](http://evil.example)")
    at = reviewing(app_url, application_id)
    heading = at.header[0].value
    assert shown(heading) == HOSTILE
    assert "](" not in heading and "![" not in heading  # every bracket escaped: no link, no image
    assert all("](" not in m.value for m in at.markdown)
    assert "See [our site](http://evil.example)" in texts(at)  # the statement, readable on the page


def test_the_territory_cap_is_shown_only_on_a_distributors_review(app_url, app_workspace):
    reseller = apply(app_workspace, company_name="Reseller Cloud", number=0)
    distributor = apply(app_workspace, "distributor", company_name="Distributor Cloud", number=1)
    at = reviewing(app_url, reseller)
    assert not at.metric and "Territory SG" not in texts(at)
    at.selectbox(key="review.application_id").set_value(distributor).run()
    assert at.metric[0].value == "0 / 2" and "Territory SG" in texts(at)


def test_audit_times_are_times_and_failed_criteria_are_named_for_people(app_url, app_workspace):
    application_id = apply(app_workspace, dedicated_staff={"sales": 1})
    at = reviewing(app_url, application_id)
    trail = at.dataframe[1].value
    assert str(trail["when (UTC)"].dtype).startswith("datetime64")
    assert "not eligible (failed: Dedicated staff)" in texts(at)
    assert [b.label for b in at.button if b.label != "Sign out"] == [
        "Override and approve", "Request information", "Reject"]


def test_the_queue_counts_follow_its_filters_and_any_state_lists_every_state(app_url, app_workspace):
    reseller = apply(app_workspace, company_name="Reseller Cloud", number=0)
    apply(app_workspace, "distributor", company_name="Distributor Cloud", number=1, territory="HK")
    apply(app_workspace, company_name="Other Reseller", number=2)
    review(app_workspace, reseller, Action.reject, by="maria", reason="Not a fit.")
    at = sign_in(app_url, "manager")
    assert [m.value for m in at.metric] == ["2", "0", "0", "1"]  # submitted, info requested, approved, rejected
    at.selectbox(key="queue.partner_type").set_value("direct_reseller").run()
    assert [m.value for m in at.metric] == ["1", "0", "0", "1"]
    assert "1 application, oldest first." in texts(at)
    at.selectbox(key="queue.state").set_value("any").run()
    assert at.dataframe[0].value["company"].tolist() == ["Reseller Cloud", "Other Reseller"]
    assert "2 applications, oldest first." in texts(at)


def test_the_audit_trail_names_confirmed_criteria_by_their_titles(app_url, app_workspace):
    application_id = apply(app_workspace)
    review(app_workspace, application_id, Action.approve, by="maria", confirm=DR_REVIEW)
    at = reviewing(app_url, application_id)
    details = at.dataframe[1].value["details"].tolist()[-1]
    assert "Confirmed: Industry capability, Customer operations" in details


def test_a_registration_number_without_a_known_format_reads_in_words(app_url, app_workspace):
    application_id = apply(app_workspace, territory="DE", registration_country="DE",
                           registration_number="HRB 12345")
    at = reviewing(app_url, application_id)
    messages = at.dataframe[0].value["message"].tolist()
    assert "registration number format not known; registered on or before the decision date" in messages
    assert not any("format_not_known" in m for m in messages)
