"""Isolation, as a matrix: signed in as each of the demo's four partners (an agency, a direct
reseller, a distributor, one of its tier-2 resellers), no partner page and no service read a
partner reaches shows anything of another partner (ids, names, invoice amounts), except a
distributor's own tier-2 resellers (and, to a tier-2 reseller, its distributor as the issuer of
its invoices). A partner reaching a manager's or analyst's page sees none of its data."""

from __future__ import annotations

import json
import re

import pytest

from streamlit.testing.v1 import AppTest

from app_driver import TIMEOUT, open_page, sign_in_as, texts
from factories import AS_OF
from partnerdesk import customers, partner_accounts, partner_home, statements, tier2
from partnerdesk.errors import InputError
from partnerdesk.lookups import accounts, partners
from partnerdesk.payments import invoice_balances
from partnerdesk.settings import Settings
from partnerdesk.workspace import Workspace

pytest_plugins = ("app_fixtures",)

DEMO_PARTNERS = {"agency": "P-1", "reseller": "P-5", "distributor": "P-10", "tier2": "P-13"}
PARTNER_PAGES = ["partner_home", "partner_customers", "partner_statements", "partner_tier2", "partner_team",
                 "my_applications"]
STAFF_PAGES = ["queue", "partners", "association_queue", "settlement", "whatif", "rules", "users"]
PARTNER_ID = re.compile(r"\bP-\d+\b")


@pytest.fixture(scope="module")
def world(pristine_demo):
    """Everyone's ids and names, and each partner's latest invoice totals, read from the demo."""
    ws = Workspace.open(Settings(database_url=f"sqlite:///{pristine_demo}"))
    everyone = partners(ws)
    totals: dict[str, set[str]] = {}
    for invoice in invoice_balances(ws, AS_OF).invoices:
        if invoice.period == "2026-08":
            totals.setdefault(invoice.bill_to, set()).add(f"{invoice.total:.2f}")
    return everyone, totals


def allowed(username: str, everyone) -> set[str]:
    """The partner ids this demo partner may see: its own, a distributor's tier-2 resellers, a tier-2's distributor."""
    own = DEMO_PARTNERS[username]
    mine = {own}
    for p in everyone:
        if p.parent_id is not None and f"P-{p.parent_id}" == own:
            mine.add(p.key)
        if p.key == own and p.parent_id is not None:
            mine.add(f"P-{p.parent_id}")
    return mine


def leaks(shown: str, username: str, world) -> list[str]:
    everyone, totals = world
    mine = allowed(username, everyone)
    found = [f"id {i}" for i in set(PARTNER_ID.findall(shown)) - mine]
    found += [f"name {p.name}" for p in everyone if p.key not in mine and p.name in shown]
    found += [f"amount {t} of {key}" for key, amounts in totals.items() if key not in mine
              for t in amounts if t in shown and not any(t in totals.get(m, ()) for m in mine)]
    return found


def page_content(at) -> str:
    """Everything a person can read on the page: texts, tables, metrics, codes and choices."""
    parts = [texts(at), *(str(t.value) for t in at.text), *(str(c.value) for c in at.code)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [d.value.to_csv() for d in at.dataframe]
    parts += [" ".join(map(str, s.options)) for s in at.selectbox]
    return "\n".join(parts)


@pytest.mark.parametrize("username", list(DEMO_PARTNERS))
def test_no_partner_page_shows_another_partners_data(demo_url, username, world):
    at = sign_in_as(demo_url, username, f"{username}-demo")
    for page in PARTNER_PAGES:
        content = page_content(open_page(at, page))
        assert not leaks(content, username, world), (page, leaks(content, username, world))
    assert DEMO_PARTNERS[username] in page_content(open_page(at, "partner_customers"))  # it does see its own


@pytest.mark.parametrize("username", list(DEMO_PARTNERS))
def test_no_service_read_a_partner_reaches_shows_another_partners_data(pristine_demo, username, world):
    ws = Workspace.open(Settings(database_url=f"sqlite:///{pristine_demo}"))
    own = DEMO_PARTNERS[username]
    member = partner_accounts.membership(ws, username, AS_OF)
    visible = [p.key for p in partner_accounts.visible_partners(ws, own)]
    reads = [member, partner_home.home(ws, own, AS_OF), customers.own_requests(ws, own, AS_OF),
             customers.customers_now(ws, [own], AS_OF), tier2.resellers_of(ws, own, AS_OF),
             partner_accounts.accounts_of(ws, own), visible,
             *(statements.statement(ws, p, period, AS_OF, visible_to=visible)
               for p in visible for period in ("2026-08", "2026-Q3"))]
    for read in reads:
        shown = json.dumps(read, default=lambda m: m.model_dump(mode="json"))
        assert not leaks(shown, username, world), leaks(shown, username, world)
    stranger = next(p.key for p in world[0] if p.key not in allowed(username, world[0]))
    with pytest.raises(InputError, match="is not one of yours"):
        statements.statement(ws, stranger, "2026-08", AS_OF, visible_to=visible)


@pytest.mark.parametrize("username", ["agency", "distributor"])
def test_a_partner_on_a_staff_page_sees_none_of_its_data(demo_url, repo_on_path, username, world):
    from views.common import ACCOUNT, Account

    ws = Workspace.open(Settings(database_url=demo_url))
    record = next(a for a in accounts(ws) if a.username == username)
    for page in STAFF_PAGES:
        at = AppTest.from_file(str(repo_on_path / "views" / f"{page}.py"), default_timeout=TIMEOUT)
        at.secrets["database_url"] = demo_url
        at.session_state[ACCOUNT] = Account.of(record)
        at.run()
        content = page_content(at)
        assert [e.value for e in at.error] == ["This page is not available to the partner role."], page
        assert not at.dataframe and not at.metric and not PARTNER_ID.findall(content), page
