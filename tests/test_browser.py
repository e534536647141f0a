"""The app in a real browser: the README's run command serves it, headless Chromium uses it.

The server starts on a fresh SQLite file after `partnerdesk demo` loaded the demo into it (as
`python3 tasks.py app --demo` does). A demo manager signs in, approves an eligible application and finds the new partner; a demo
analyst runs a what-if; a hostile company name shows as text; a reload stays signed in. Every page visited is saved as a screenshot under
test-output/browser/. Debian's `chromium` is required: without it the test is skipped,
except under CI=true, where that is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlsplit
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from pypdf import PdfReader

from factories import AS_OF, application
from partnerdesk.applications import list_applications, submit
from partnerdesk.imports import import_usage
from partnerdesk.lookups import latest_decision
from partnerdesk.settings import PROJECT_ROOT, Settings
from partnerdesk.settling import settle_month
from partnerdesk.workspace import Workspace

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = PROJECT_ROOT / "test-output" / "browser"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: install Debian's chromium package (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> tuple[str, str]:
    """`partnerdesk demo`, then `streamlit run app.py --server.headless true` on a free port: (url, database)."""
    folder = tmp_path_factory.mktemp("served")
    database_url = f"sqlite:///{folder / 'partnerdesk.db'}"
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run([sys.executable, "-m", "partnerdesk", "demo"], cwd=PROJECT_ROOT, env=env, check=True,
                   capture_output=True)
    with open(folder / "streamlit.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port)], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _healthy(url):
            assert server.poll() is None, (folder / "streamlit.log").read_text()
            assert time.monotonic() < deadline, "the server did not become healthy within 60 s"
            time.sleep(0.5)
        yield url, database_url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def page(chromium, served, request):
    """A signed-out browser tab on the app; at the end, no request may have left 127.0.0.1."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).hostname != "127.0.0.1"
            and not r.url.startswith(("data:", "blob:")) else None)
    page.set_default_timeout(60_000)
    page.goto(served[0])
    page.shot = _screenshots(page, request.node.name)
    yield page
    context.close()
    assert outside == [], "the page requested something from outside the server"


def _screenshots(page, test_name: str):
    folder = SCREENSHOTS / test_name
    folder.mkdir(parents=True, exist_ok=True)
    taken = []

    def shot(name: str) -> Path:
        page.wait_for_selector(IDLE)
        page.wait_for_timeout(500)  # let charts and tables paint
        path = folder / f"{len(taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path))
        taken.append(path)
        return path
    return shot


def sign_in(page, username: str, password: str) -> None:
    page.get_by_label("Username").first.fill(username)
    page.get_by_label("Password").first.fill(password)
    page.shot("sign-in")
    page.get_by_role("button", name="Sign in").click()


def an_eligible_open_application(database_url: str):
    ws = Workspace.open(Settings(database_url=database_url))
    return next(a for a in list_applications(ws, state="submitted") if a.eligible and a.partner_type != "distributor")


def review_criteria(database_url: str, row) -> list[str]:
    """Titles of the criteria a manager confirms on this application's page."""
    ws = Workspace.open(Settings(database_url=database_url))
    decision = latest_decision(ws, row.id)
    titles = {c.id: c.title for c in ws.rulebook.criteria(decision.partner_type)}
    return [titles[c] for c in decision.to_review]


def test_a_demo_manager_approves_an_application_and_finds_the_new_partner(page, served):
    sign_in(page, "manager", "manager-demo")
    page.get_by_role("heading", name="Review queue").wait_for()
    page.shot("review-queue")
    chosen = an_eligible_open_application(served[1])

    page.get_by_role("combobox", name="Application to review").click()
    page.keyboard.type(f"{chosen.id}: {chosen.company_name}")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Review this application").click()
    page.get_by_role("heading", name=chosen.company_name).wait_for()
    for title in review_criteria(served[1], chosen):
        confirmation = page.get_by_test_id("stCheckbox").filter(has_text=f"I have checked {title}:")
        confirmation.locator("label").click()
        expect(confirmation.get_by_role("checkbox")).to_be_checked()
    page.shot("review")
    page.get_by_role("button", name="Approve", exact=True).click()
    approved = page.get_by_text(f"Application {chosen.id} ({chosen.company_name}): approved as partner P-")
    approved.wait_for()
    partner_id = approved.inner_text().rsplit(" ", 1)[-1].rstrip(".")
    page.shot("approved")

    page.get_by_role("link", name="Partners").click()
    page.get_by_label("Find a partner").fill(partner_id)  # the new partner's own id, which no demo partner has
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=f"{partner_id} {chosen.company_name}").wait_for()
    page.shot("partners")
    decided = {a.id: a.state.value for a in list_applications(Workspace.open(Settings(database_url=served[1])))}
    assert decided[chosen.id] == "approved"


def test_a_demo_analyst_runs_a_what_if(page):
    sign_in(page, "analyst", "analyst-demo")
    page.get_by_role("heading", name="Settlement").wait_for()
    page.shot("settlement")
    page.get_by_role("link", name="What-if").click()
    page.get_by_role("heading", name="What-if").wait_for()
    rate = page.get_by_label("Agency commission rate")
    rate.fill("0.12")
    rate.press("Tab")
    page.get_by_role("button", name="Compare with the plan in force").click()
    page.get_by_text("Difference in cost per partner").wait_for()
    page.shot("what-if")
    assert page.get_by_text("Difference in cost", exact=True).is_visible()


HOSTILE_NAME = "Evil [approve here](http://evil.example) ![x](http://127.0.0.1:9/t.png)"


def test_a_hostile_company_name_shows_as_text_on_the_managers_review_page(chromium, served):
    """Markdown in an applicant's company name: no live link, no image, no request for it."""
    ws = Workspace.open(Settings(database_url=served[1]))
    data = {**application("agency"), "company_name": HOSTILE_NAME, "registration_number": "HOSTILE-1"}
    application_id, _ = submit(ws, data, AS_OF)
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.set_default_timeout(60_000)
    page.goto(served[0])
    page.shot = _screenshots(page, "hostile-company-name")
    sign_in(page, "manager", "manager-demo")
    page.get_by_role("heading", name="Review queue").wait_for()
    page.get_by_role("combobox", name="Application to review").click()
    page.keyboard.type(f"{application_id}: Evil")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Review this application").click()
    heading = page.get_by_role("heading", name="Evil [approve here](http")
    heading.wait_for()
    assert heading.inner_text().replace("\u2060", "") == HOSTILE_NAME  # as typed (word joiners are invisible)
    page.shot("hostile-review")
    assert page.locator('a[href*="evil.example"]').count() == 0
    assert page.locator('img[src*="127.0.0.1:9"]').count() == 0
    assert not [url for url in requested if "evil.example" in url or "127.0.0.1:9/" in url]
    context.close()


def test_a_reload_stays_signed_in_and_a_direct_link_opens_its_page_after_signing_in(page, served):
    sign_in(page, "analyst", "analyst-demo")
    page.get_by_role("heading", name="Settlement").wait_for()
    page.get_by_role("link", name="What-if").click()
    page.get_by_role("heading", name="What-if").wait_for()
    page.reload()
    page.get_by_role("heading", name="What-if").wait_for()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    page.shot("reloaded")

    page.context.clear_cookies()
    page.goto(f"{served[0]}/rules")  # a link someone sent, opened in a browser that is not signed in
    page.get_by_text("Sign in to see this page.").wait_for()
    sign_in(page, "analyst", "analyst-demo")
    page.get_by_role("heading", name="Rules").wait_for()
    page.shot("direct-link")


def _download_text(page, button: str) -> str:
    """The text of the PDF a download button gives."""
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    return "".join(p.extract_text() for p in PdfReader(download.value.path()).pages)


def _statement_pdf(page, month: str) -> str:
    page.get_by_role("link", name="Statements").click()
    page.get_by_role("heading", name="Statements").wait_for()
    period = page.get_by_label("Period (YYYY-MM or YYYY-Qn)")
    period.fill(month)
    period.press("Enter")
    page.wait_for_timeout(1000)  # the rerun with the period starts
    page.shot("partner-statements")
    return _download_text(page, "Download PDF")


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()


def test_a_distributors_tier2_reseller_invites_a_customer_whose_usage_reaches_both_invoices(page, served, chromium):
    url, database_url = served
    sign_in(page, "distributor", "distributor-demo")
    page.get_by_role("heading", name="Equator Distribution Pte. Ltd.").wait_for()
    page.shot("partner-home")
    page.get_by_role("link", name="Tier-2 resellers").click()
    page.get_by_label("Company name").fill("Marina Cloud Resellers")
    page.get_by_label("Contact e-mail *").fill("sales@marina-cloud.example")
    page.get_by_label("Its discount (e.g. 0.05; empty: the plan's default)").fill("0.06")
    page.get_by_label("Username of its owner account").fill("marina")
    page.get_by_label("Owner's name").fill("Mei Marina")
    page.get_by_label("Initial password").fill("quiet-lantern-harbour-7")
    page.get_by_role("button", name="Register", exact=True).click()
    page.get_by_text("marina can sign in").wait_for()
    page.shot("partner-tier2")
    page.get_by_role("link", name="Team").click()
    page.get_by_role("heading", name="Team").wait_for()
    page.shot("partner-team")
    _sign_out(page)

    sign_in(page, "marina", "quiet-lantern-harbour-7")
    page.get_by_role("heading", name="Marina Cloud Resellers").wait_for()
    page.get_by_role("link", name="Customers").click()
    page.get_by_label("Customer id (the vendor's account id)").fill("C-8801")
    page.get_by_label("Customer name").fill("Marina Bay Sands Kiosk")
    page.get_by_label("Country (ISO code, e.g. SG)").fill("SG")
    page.get_by_role("button", name="Register the lead").click()
    page.get_by_text("Lead registered as request").wait_for()
    page.get_by_role("button", name="Invite", exact=True).click()
    page.get_by_text("Send the customer this code or link").wait_for()
    code = page.get_by_test_id("stCode").first.inner_text().strip()
    page.shot("partner-customers")

    customer = chromium.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    customer.set_default_timeout(60_000)
    customer.goto(f"{url}/?code={code}")
    customer.get_by_text("Partner: Marina Cloud Resellers").wait_for()
    customer.shot = _screenshots(customer, "accept")
    customer.shot("accept")
    customer.get_by_role("button", name="Accept").click()
    customer.get_by_text("Accepted: from").wait_for()
    customer.context.close()

    today = dt.date.today()
    month = f"{today:%Y-%m}"
    ws = Workspace.open(Settings(database_url=database_url))
    usage = SCREENSHOTS / "journey-usage.csv"
    usage.write_text(f"line_id,customer_id,product,usage_date,amount\nJ-1,C-8801,ecs,{today},123.45\n")
    import_usage(ws, usage)
    settle_month(ws, month, as_of=today.replace(day=28) + dt.timedelta(days=4))  # a day of the next month

    # 123.45 to the distributor at its standard 0.10: discount 12.35 (12.345 half up), net 111.10;
    # to the tier-2 reseller at its own 0.06: discount 7.41 (7.407), net 116.04.
    tier2_pdf = _statement_pdf(page, month)
    assert "C-8801" in tier2_pdf and "123.45" in tier2_pdf and "116.04" in tier2_pdf
    _sign_out(page)
    sign_in(page, "distributor", "distributor-demo")
    page.get_by_role("heading", name="Equator Distribution Pte. Ltd.").wait_for()
    distributor_pdf = _statement_pdf(page, month)
    assert f"INV-{month}-P-10" in distributor_pdf and "111.10" in distributor_pdf
    assert "116.04" in distributor_pdf  # its own invoice to the tier-2 reseller, on the same statement
