"""The applicant's pre-check: all three types from one engine run, and a bad field marks only what it touches."""

from __future__ import annotations

from conftest import RULES_DIR
from kernel.partner_types import APPLICABLE
from factories import AS_OF, application
from partnerdesk.workspace import rulebook_from
from qualification.application import Application
from qualification.decide import decide, decide_each_type
from qualification.facts import Circumstances
from qualification.precheck import no_precheck, precheck, readable_part

RULEBOOK = rulebook_from(RULES_DIR)
AT_START = Circumstances(as_of=AS_OF)


def checked(data: dict):
    application_, problems = readable_part(data, RULEBOOK)
    if application_ is None:
        return no_precheck(problems)
    return precheck(application_, problems, AT_START, RULEBOOK)


def test_an_e_mail_typo_is_marked_and_everything_else_is_decided():
    found = checked(application("distributor", contact_email="ops@acme"))
    assert found.problems == {"contact_email": "not an e-mail address: 'ops@acme'"}
    # No criterion reads the e-mail: the base application passes every check of every type.
    assert [t.value for t in found.decisions] == ["distributor", "agency", "direct_reseller"]
    assert all(d.eligible for d in found.decisions.values())
    assert found.undecided == {t: {} for t in found.decisions}


def test_a_grouped_capital_says_how_to_write_it_and_leaves_only_the_capital_criterion_undecided():
    found = checked(application("agency", registered_capital="50,000"))
    assert found.problems == {"registered_capital": "must be written without thousands separators (50000, not 50,000)"}
    # The agency's registered_capital criterion reads the capital; nothing else of any type does.
    assert found.undecided[next(iter(found.decisions))] == {"registered_capital": ["registered_capital"]}
    assert [c for t, u in found.undecided.items() for c in u] == ["registered_capital"]
    decided = [c for c in found.decisions[next(iter(found.decisions))].criteria if c.id != "registered_capital"]
    assert [c.id for c in decided] == ["entity_age", "financial_health", "customer_resources",
                                       "partnership_willingness"]
    assert all(c.status.value in ("pass", "review") for c in decided)


def test_a_certificate_row_without_an_id_is_named_with_its_row():
    certificates = [{"id": "ACP-1", "expires_on": "2027-06-30"}, {"id": "", "expires_on": "2027-06-30"}]
    found = checked(application("direct_reseller", acp_certificates=certificates))
    assert found.problems == {"acp_certificates": "row 2, id: every certificate needs its id"}
    assert found.undecided[next(iter(found.decisions))] == {"acp_certificates": ["acp_certificates"]}


def test_without_a_readable_territory_nothing_is_decided_and_every_other_problem_is_still_named():
    data = application("agency", territory="XX", contact_email="nobody")
    found = checked(data)
    assert found.decisions == {}
    assert set(found.problems) == {"territory", "contact_email"}


def test_one_engine_run_decides_each_type_as_applying_for_it_would():
    data = application("direct_reseller", tier2_resellers_managed=0, existing_customers=3)
    each = decide_each_type(Application.model_validate(data), AT_START, RULEBOOK)
    for partner_type in APPLICABLE:
        alone = decide(Application.model_validate({**data, "partner_type": partner_type.value}), AT_START, RULEBOOK)
        assert each[partner_type] == alone
