"""Managers approving distributors into one territory at the same moment never exceed its cap."""

from __future__ import annotations

from sqlmodel import Session, select

from factories import AS_OF, SG_UENS, application
from kernel.states import Action
from partnerdesk import applications
from partnerdesk.review import review
from partnerdesk.standing import change_standing
from storage.tables import PartnerRow

APPROVALS = 10


def test_concurrent_approvals_never_exceed_the_territory_cap(workspace, cli):
    # FR has the default cap of 2 (rules/territories.yaml)
    ids = [applications.submit(workspace, application("distributor", territory="FR", registration_number=uen,
                                                     company_name=f"Distributor {i}"), AS_OF)[0]
           for i, uen in enumerate(SG_UENS[:APPROVALS])]
    processes = [cli.start("review", application_id, "--approve", "--confirm", "growth_resources",
                           "--by", f"manager-{n}") for n, application_id in enumerate(ids)]
    outcomes = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in processes]

    approved = [o for o in outcomes if o[0] == 0]
    refused = [o for o in outcomes if o[0] == 2]
    assert len(approved) == 2, outcomes
    assert len(refused) == APPROVALS - 2, outcomes
    for _, stdout, stderr in refused:
        assert stdout == ""
        assert "2 distributors already approved in FR; its cap is 2" in stderr
    with Session(workspace.engine) as session:
        distributors = session.exec(select(PartnerRow).where(PartnerRow.territory == "FR")).all()
    assert len(distributors) == 2
    states = sorted(row.state for row in applications.list_applications(workspace, territory="FR"))
    assert states == ["approved"] * 2 + ["submitted"] * (APPROVALS - 2)


def test_the_third_distributor_fails_territory_cap_when_it_applies(sqlite_workspace):
    for uen in SG_UENS[:2]:
        application_id, _ = applications.submit(
            sqlite_workspace, application("distributor", territory="FR", registration_number=uen), AS_OF)
        review(sqlite_workspace, application_id, Action.approve, by="m", confirm=["growth_resources"])
    _, decision = applications.submit(
        sqlite_workspace, application("distributor", territory="FR", registration_number=SG_UENS[2]), AS_OF)
    assert decision.failed == ["territory_cap"]
    assert not decision.eligible


def test_the_preview_sees_an_approval_made_a_moment_ago(sqlite_workspace):
    """The pre-check reads territory counts at most once a second; an approval here resets them."""
    ids = [applications.submit(sqlite_workspace, application("distributor", territory="FR", registration_number=uen),
                               AS_OF)[0] for uen in SG_UENS[:2]]
    third = application("distributor", territory="FR", registration_number=SG_UENS[2])
    assert applications.qualify(sqlite_workspace, third, AS_OF).eligible
    for application_id in ids:
        review(sqlite_workspace, application_id, Action.approve, by="m", confirm=["growth_resources"])
    assert applications.qualify(sqlite_workspace, third, AS_OF).failed == ["territory_cap"]


def test_a_terminated_distributor_frees_its_place_under_the_cap(workspace):
    """The cap counts the territory's distributors; one whose termination is recorded is no longer
    one of them, so a successor can be approved."""
    ids = [applications.submit(workspace, application("distributor", territory="FR", registration_number=uen),
                               AS_OF)[0] for uen in SG_UENS[:3]]
    first, _ = (review(workspace, application_id, Action.approve, by="m", confirm=["growth_resources"])["partner_id"]
                for application_id in ids[:2])
    successor = application("distributor", territory="FR", registration_number=SG_UENS[3])
    assert applications.qualify(workspace, successor, AS_OF).failed == ["territory_cap"]
    change_standing(workspace, first, "terminate", "contract ended", "maria", AS_OF)
    assert applications.qualify(workspace, successor, AS_OF).eligible
    approved = review(workspace, ids[2], Action.approve, by="m", confirm=["growth_resources"])
    assert approved["partner_id"].startswith("P-")
