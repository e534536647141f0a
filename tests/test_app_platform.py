"""The channel platform's pages, driven as people use them (AppTest on the demo)."""

from __future__ import annotations

import datetime as dt


from app_driver import errors, new_app, open_page, press, sign_in_as, texts
from kernel.channel import StandingAction
from partnerdesk import customers
from partnerdesk.accounts import authenticate
from partnerdesk.settings import Settings
from partnerdesk.tier2 import resellers_of
from partnerdesk.workspace import Workspace

pytest_plugins = ("app_fixtures",)


def ws_of(url: str) -> Workspace:
    return Workspace.open(Settings(database_url=url))


def test_a_reseller_registers_a_customer_and_invites_it(demo_url):
    at = open_page(sign_in_as(demo_url, "reseller", "reseller-demo"), "partner_customers")
    at.text_input(key="partner_customers.customer_id").input("C-7001")
    at.text_input(key="partner_customers.name").input("Keppel Marine Pte. Ltd.")
    at.text_input(key="partner_customers.country").input("SG")
    press(at, "Register the lead")
    assert "Lead registered as request" in texts(at)
    (lead,) = [r for r in customers.own_requests(ws_of(demo_url), "P-5", dt.date.today()) if r.customer_id == "C-7001"]
    at.selectbox(key="partner_customers.lead").set_value(lead.request_id).run()
    press(at, "Invite")
    code = at.code[0].value
    assert at.code[1].value.endswith(f"?code={code}")
    assert customers.invitation(ws_of(demo_url), code, dt.date.today()).customer_id == "C-7001"


def test_the_public_page_accepts_an_invitation_without_signing_in(demo_url):
    ws = ws_of(demo_url)
    today = dt.date.today()
    request_id = customers.register(ws, "P-10", "C-7002", "Clarke Quay Media", "SG", today).request_id
    code = customers.invite(ws, request_id, today).code
    at = new_app(demo_url)
    at.query_params["code"] = code
    at.run()
    assert at.title[0].value == "Accept an invitation"
    assert "Partner: Equator Distribution Pte. Ltd." in [t.value for t in at.text]
    press(at, "Accept")
    assert f"from {today} your partner is the one named above" in texts(at)
    at.run()
    assert "can no longer be accepted (it is associated)" in texts(at)
    wrong = new_app(demo_url)
    wrong.query_params["code"] = "not-a-code"
    wrong.run()
    assert errors(wrong) == ["not a valid invitation code"]


def test_a_manager_decides_the_association_queue_with_both_partners_shown(demo_url):
    at = open_page(sign_in_as(demo_url, "manager", "manager-demo"), "association_queue")
    queue = at.dataframe[0].value
    assert len(queue) == 2 and set(queue["waits for"]) == {"Transfer", "Cross region"}
    transfer = queue[queue["waits for"] == "Transfer"].iloc[0]
    assert transfer["requested by"] == "P-1 Lion City Referrals Pte. Ltd." and transfer["belongs now to"].startswith("P-2 ")
    at.selectbox(key="association_queue.chosen").set_value(int(transfer["request"])).run()
    press(at, "Reject")
    assert errors(at) == ["Reason: rejecting a request needs a reason"]
    at.text_input(key=f"association_queue.{transfer['request']}.reason").input("customer confirmed by phone")
    press(at, "Approve")
    assert f"Request {transfer['request']}: Associated." in texts(at)
    assert len(at.dataframe[0].value) == 1


def test_a_manager_suspends_a_partner_with_a_reason_and_sees_its_history(demo_url):
    at = open_page(sign_in_as(demo_url, "manager", "manager-demo"), "partners")
    at.text_input(key="partners.search").input("Merlion").run()
    assert "**Standing: active**" in texts(at)
    at.selectbox(key="partners.standing.P-5.action").set_value(StandingAction.suspend)
    at.text_input(key="partners.standing.P-5.reason").input("credit limit exceeded")
    press(at, "Change the standing")
    assert "P-5 is suspended from" in texts(at) and "**Standing: suspended**" in texts(at)
    history = [d.value for d in at.dataframe if "why" in d.value.columns][0]
    assert history["why"].tolist() == ["credit limit exceeded"]
    partner = open_page(sign_in_as(demo_url, "reseller", "reseller-demo"), "partner_customers")
    assert "you can read everything here but register nothing" in texts(partner)


def test_a_distributor_registers_a_tier2_reseller_with_its_account_and_adds_a_colleague(demo_url):
    at = open_page(sign_in_as(demo_url, "distributor", "distributor-demo"), "partner_tier2")
    at.text_input(key="partner_tier2.name").input("Tiong Bahru Cloud")
    at.text_input(key="partner_tier2.email").input("sales@tiongbahru.example")
    at.text_input(key="partner_tier2.discount").input("0.06")
    at.text_input(key="partner_tier2.username").input("tiong")
    at.text_input(key="partner_tier2.password").input("quiet-lantern-harbour-7")
    press(at, "Register")
    assert "can sign in" in texts(at) and "Tiong Bahru Cloud" in texts(at)
    assert "Contact e-mail: sales@tiongbahru.example" in [t.value for t in at.text]
    assert authenticate(ws_of(demo_url), "tiong", "quiet-lantern-harbour-7").role == "partner"
    own = open_page(sign_in_as(demo_url, "tiong", "quiet-lantern-harbour-7"), "partner_tier2")
    assert [t.value for t in own.text if t.value.startswith("Contact")] == ["Contact e-mail: sales@tiongbahru.example"]
    open_page(at, "partner_team")
    at.text_input(key="partner_team.username").input("dana2")
    at.text_input(key="partner_team.password").input("quiet-lantern-harbour-7")
    press(at, "Add the account")
    assert at.dataframe[0].value["username"].tolist() == ["distributor", "dana2"]


def test_a_tier2_reseller_without_a_good_contact_e_mail_is_not_registered(demo_url):
    at = open_page(sign_in_as(demo_url, "distributor", "distributor-demo"), "partner_tier2")
    assert "Contact e-mail: sales@orchard-road-tech.example" in [t.value for t in at.text]  # the demo's P-13
    before = [r.partner_id for r in resellers_of(ws_of(demo_url), "P-10", dt.date.today())]
    for typed, problem in [("", "Contact e-mail: the tier-2 reseller's contact e-mail is required"),
                           ("sales at tiong", "Contact e-mail: not an e-mail address: 'sales at tiong'")]:
        at.text_input(key="partner_tier2.name").input("Tiong Bahru Cloud")
        at.text_input(key="partner_tier2.email").input(typed)
        at.text_input(key="partner_tier2.username").input("tiong")
        at.text_input(key="partner_tier2.password").input("quiet-lantern-harbour-7")
        press(at, "Register")
        assert errors(at) == [problem]
    assert [r.partner_id for r in resellers_of(ws_of(demo_url), "P-10", dt.date.today())] == before
    assert authenticate(ws_of(demo_url), "tiong", "quiet-lantern-harbour-7") is None


def test_statements_and_home_show_the_partners_figures(demo_url):
    at = open_page(sign_in_as(demo_url, "distributor", "distributor-demo"), "partner_statements")
    at.text_input(key="partner_statements.period").input("2026-08").run()
    invoices = at.dataframe[0].value
    assert invoices["invoice"].tolist() == ["INV-2026-08-P-10"]
    assert {"P-13"} <= set(at.dataframe[2].value["to"])  # invoices it issued to its tier-2 resellers
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download PDF"]
    home = open_page(at, "partner_home")
    assert home.title[0].value == "Equator Distribution Pte\\. Ltd\\."
    assert {m.label for m in home.metric} >= {"Partner type", "Tier", "Standing", "Balance owed", "Overdue invoices"}
