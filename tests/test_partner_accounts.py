"""Partners' accounts: approval makes the applicant's account the partner's owner, owners add
colleagues, a distributor registers tier-2 resellers with their accounts."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import AS_OF, application
from kernel.channel import StandingAction
from kernel.states import Action
from partnerdesk import applications, partner_accounts, review, standing
from partnerdesk.accounts import Role, add_user, authenticate
from partnerdesk.errors import InputError

PASSWORD = "orchid-tractor-pebble-9"


def approved_by_applicant(ws, partner_type: str, username: str) -> str:
    add_user(ws, username, PASSWORD, Role.applicant)
    application_id, decision = applications.submit(ws, application(partner_type), AS_OF, submitted_by=username)
    return review.review(ws, application_id, Action.approve, by="morgan", confirm=decision.to_review)["partner_id"]


def test_approval_makes_the_applicants_account_the_partners_owner(workspace):
    partner_id = approved_by_applicant(workspace, "distributor", "ops@acme")
    assert authenticate(workspace, "ops@acme", PASSWORD).role == "partner"
    member = partner_accounts.membership(workspace, "ops@acme", AS_OF)
    assert (member.partner_id, member.owner, member.partner_type, member.tier, member.standing) == (
        partner_id, True, "distributor", "standard", "active")


def test_an_owner_adds_colleagues_and_a_distributor_its_tier2_resellers(workspace):
    distributor = approved_by_applicant(workspace, "distributor", "ops@acme")
    colleague = partner_accounts.add_colleague(workspace, "ops@acme", "kim", PASSWORD, "Kim Lee", AS_OF)
    assert (colleague.partner_id, colleague.owner, colleague.added_by) == (distributor, False, "ops@acme")
    with pytest.raises(InputError, match="^username: 'kim' is not the owner account"):
        partner_accounts.add_colleague(workspace, "kim", "lee", PASSWORD, "", AS_OF)
    reseller = partner_accounts.add_tier2_with_account(workspace, "ops@acme", "Orchard Tech", "ops@orchard.example",
                                                       "0.06", "orchard", PASSWORD, "Orchard owner", AS_OF)
    member = partner_accounts.membership(workspace, "orchard", AS_OF)
    assert (member.partner_type, member.owner, member.distributor_id) == ("tier2_reseller", True, distributor)
    assert reseller.partner_id == member.partner_id
    # The standard tier gives the distributor 0.10: a tier-2 reseller's own rate may not be above it.
    with pytest.raises(InputError, match="^--discount: '0.11' must be a rate between 0 and 0.10"):
        partner_accounts.add_tier2_with_account(workspace, "ops@acme", "Dearer", "ops@dearer.example", "0.11", "dear",
                                                PASSWORD, "", AS_OF)
    assert authenticate(workspace, "dear", PASSWORD) is None
    assert [p.key for p in partner_accounts.visible_partners(workspace, distributor)] == [distributor, member.partner_id]
    assert [a.username for a in partner_accounts.accounts_of(workspace, distributor)] == ["ops@acme", "kim"]


def test_a_suspended_partner_adds_nothing_and_its_tier2_resellers_neither(workspace):
    distributor = approved_by_applicant(workspace, "distributor", "ops@acme")
    partner_accounts.add_tier2_with_account(workspace, "ops@acme", "Orchard Tech", "ops@orchard.example", None,
                                           "orchard", PASSWORD, "", AS_OF)
    standing.change_standing(workspace, distributor, StandingAction.suspend, "overdue", "morgan", AS_OF)
    with pytest.raises(InputError, match="is suspended on 2026-11-24; adding an account is refused"):
        partner_accounts.add_colleague(workspace, "ops@acme", "kim", PASSWORD, "", AS_OF)
    with pytest.raises(InputError, match="is suspended on 2026-11-24; registering a tier-2 reseller is refused"):
        partner_accounts.add_tier2_with_account(workspace, "ops@acme", "Jurong Shop", "ops@jurong.example", None,
                                               "jurong", PASSWORD, "", AS_OF)
    assert authenticate(workspace, "jurong", PASSWORD) is None
    with pytest.raises(InputError, match="distributor .* is suspended"):
        partner_accounts.add_colleague(workspace, "orchard", "kim", PASSWORD, "", AS_OF + dt.timedelta(days=1))
    assert partner_accounts.membership(workspace, "orchard", AS_OF).standing == "suspended"
