"""A channel manager's review: what is approved, what is refused, and the audit trail it leaves."""

from __future__ import annotations

import pytest

from conftest import write_json
from factories import AS_OF, SG_UENS, application
from kernel.states import REVIEW_ACTIONS, Action
from partnerdesk import applications
from partnerdesk.errors import InputError
from partnerdesk.review import review

DR_REVIEW = ["industry_capability", "customer_operations"]


def submit(ws, partner_type="direct_reseller", **overrides) -> int:
    application_id, _ = applications.submit(ws, application(partner_type, **overrides), AS_OF)
    return application_id


def trail(ws, application_id) -> list[str]:
    return [entry["action"] for entry in applications.history(ws, application_id)]


def test_approving_an_eligible_application_creates_the_partner(workspace):
    application_id = submit(workspace)
    result = review(workspace, application_id, Action.approve, by="maria", confirm=DR_REVIEW)
    assert result["partner_id"].startswith("P-")
    history = applications.history(workspace, application_id)
    assert [e["action"] for e in history] == ["submitted", "evaluated", "approved"]
    approval = history[-1]
    assert approval["by"] == "maria"
    assert approval["partner_id"] == result["partner_id"]
    assert approval["tier"] == "registered"  # the plan's default direct reseller tier
    assert approval["rules_version"] == history[1]["rules_version"]
    assert applications.list_applications(workspace, state="approved")[0].id == application_id


def test_approving_without_confirming_every_review_criterion_is_refused(workspace):
    application_id = submit(workspace)
    with pytest.raises(InputError, match="not confirmed: customer_operations"):
        review(workspace, application_id, Action.approve, by="maria", confirm=["industry_capability"])
    assert trail(workspace, application_id) == ["submitted", "evaluated"]
    assert applications.list_applications(workspace, state="submitted")[0].id == application_id


def test_confirming_a_criterion_that_does_not_exist_is_refused(sqlite_workspace):
    application_id = submit(sqlite_workspace)
    with pytest.raises(InputError, match="--confirm: territory_cap is not a criterion of direct_reseller"):
        review(sqlite_workspace, application_id, Action.approve, by="m", confirm=[*DR_REVIEW, "territory_cap"])


def test_an_ineligible_application_needs_an_override_with_a_reason(workspace):
    application_id = submit(workspace, dedicated_staff={"sales": 1})
    with pytest.raises(InputError, match="not eligible .failed: dedicated_staff."):
        review(workspace, application_id, Action.approve, by="maria", confirm=DR_REVIEW)
    with pytest.raises(InputError, match="--reason: an override needs a reason"):
        review(workspace, application_id, Action.approve, by="maria", override=True, confirm=DR_REVIEW)
    with pytest.raises(InputError, match="--reason"):
        review(workspace, application_id, Action.approve, by="maria", override=True, reason="  ")
    assert trail(workspace, application_id) == ["submitted", "evaluated"]
    result = review(workspace, application_id, Action.approve, by="maria", override=True,
                    reason="strategic account in a new market", confirm=DR_REVIEW, tier="gold")
    override = applications.history(workspace, application_id)[-1]
    assert override["action"] == "overridden"
    assert override["reason"] == "strategic account in a new market"
    assert override["failed"] == ["dedicated_staff"]
    assert override["tier"] == "gold" and override["partner_id"] == result["partner_id"]


def test_approved_and_rejected_are_final(workspace):
    approved = submit(workspace)
    review(workspace, approved, Action.approve, by="maria", confirm=DR_REVIEW)
    rejected = submit(workspace, registration_number=SG_UENS[0])
    review(workspace, rejected, Action.reject, by="maria", reason="no local presence")
    before = {i: trail(workspace, i) for i in (approved, rejected)}
    for application_id in (approved, rejected):
        for action in REVIEW_ACTIONS:
            with pytest.raises(InputError, match="are final"):
                review(workspace, application_id, action, by="omar", reason="again", confirm=DR_REVIEW)
    assert {i: trail(workspace, i) for i in (approved, rejected)} == before


def test_rejecting_and_requesting_information_need_a_reason(sqlite_workspace):
    application_id = submit(sqlite_workspace)
    for action in (Action.reject, Action.request_info):
        with pytest.raises(InputError, match="needs a reason"):
            review(sqlite_workspace, application_id, action, by="maria")
    with pytest.raises(InputError, match="--by"):
        review(sqlite_workspace, application_id, Action.reject, by=" ", reason="x")


def test_information_requested_then_updated_is_decided_again(workspace):
    application_id = submit(workspace, acp_certificates=[])
    review(workspace, application_id, Action.request_info, by="maria", reason="send your ACP certificates")
    with pytest.raises(InputError, match="is info_requested; cannot approve"):
        review(workspace, application_id, Action.approve, by="maria", confirm=DR_REVIEW)
    decision = applications.update(workspace, application_id, application("direct_reseller"), AS_OF)
    assert decision.eligible
    assert trail(workspace, application_id) == [
        "submitted", "evaluated", "info_requested", "updated", "evaluated"]
    requested = applications.history(workspace, application_id)[2]
    assert requested["by"] == "maria" and requested["reason"] == "send your ACP certificates"
    with pytest.raises(InputError, match="only an application with information requested"):
        applications.update(workspace, application_id, application("direct_reseller"), AS_OF)
    review(workspace, application_id, Action.approve, by="maria", confirm=DR_REVIEW)


def test_an_update_cannot_change_the_partner_type(sqlite_workspace):
    application_id = submit(sqlite_workspace)
    review(sqlite_workspace, application_id, Action.request_info, by="maria", reason="details")
    with pytest.raises(InputError, match="partner_type"):
        applications.update(sqlite_workspace, application_id, application("agency"), AS_OF)


def test_tiers_come_from_the_plan(sqlite_workspace):
    application_id = submit(sqlite_workspace)
    with pytest.raises(InputError, match="--tier: 'platinum' is not a direct_reseller tier"):
        review(sqlite_workspace, application_id, Action.approve, by="m", confirm=DR_REVIEW, tier="platinum")
    agency = submit(sqlite_workspace, "agency")
    with pytest.raises(InputError, match="--tier: an agency has no tiers"):
        review(sqlite_workspace, agency, Action.approve, by="m", tier="gold",
               confirm=["customer_resources", "partnership_willingness", "financial_health"])


def test_the_review_command_refuses_with_exit_2_and_keeps_the_trail(cli, tmp_path):
    applied = cli("apply", write_json(tmp_path / "a.json", application("agency")), "--as-of", "2026-11-24")
    application_id = str(applied.json["application_id"])
    refused = cli("review", application_id, "--approve", "--by", "maria", "--confirm", "customer_resources")
    assert refused.code == 2 and "partnership_willingness" in refused.stderr
    approved = cli("review", application_id, "--approve", "--by", "maria",
                   "--confirm", "customer_resources,partnership_willingness")
    assert approved.code == 0, approved.stderr
    assert approved.json["partner_id"].startswith("P-")
    again = cli("review", application_id, "--reject", "--by", "omar", "--reason", "changed my mind")
    assert again.code == 2 and "final" in again.stderr
    history = cli("history", application_id).json
    assert [e["action"] for e in history] == ["submitted", "evaluated", "approved"]
    assert cli("history", "999").code == 2
    assert cli("review", "abc", "--approve", "--by", "x").code == 2


def test_the_queue_counts_and_pages_in_the_database(sqlite_workspace):
    ids = [submit(sqlite_workspace, registration_number=uen) for uen in SG_UENS[:3]]
    review(sqlite_workspace, ids[0], Action.reject, by="maria", reason="no presence")
    assert applications.applications_by_state(sqlite_workspace) == {"submitted": 2, "rejected": 1}
    assert applications.count_applications(sqlite_workspace, state="submitted") == 2
    oldest = applications.list_applications(sqlite_workspace, state="submitted", limit=1)
    assert [row.id for row in oldest] == [ids[1]]
    assert applications.application_territories(sqlite_workspace) == ["SG"]
