"""Page figures (issue 14): every page's first render and every interaction, server-side.

Each is timed through AppTest in the bench's child process on the full data set: the script
run that Streamlit's server would do for that render, without the browser's own time. A page
is opened once (its first render) and run again (what every widget change costs before the
widget's own work); the interactions are the ones a person waits for: signing in, an edit of
the application form with its live pre-check, approving, settling a month, comparing a plan.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable

from bench import load
from bench.config import MONTHS, QUARTER, ROOT, USERS

sys.path.insert(0, str(ROOT / "tests"))
from app_driver import fill_application  # noqa: E402  (the tests' form filler, not a second one)

from views.common import PRELOAD_THREAD  # noqa: E402

ROLE_PAGES = {
    "applicant": ["apply", "my_applications", "my_account"],
    "manager": ["queue", "review", "partners", "tier_review", "association_queue", "my_account"],
    "analyst": ["settlement", "whatif", "rules", "my_account"],
    "admin": ["users"],
    "partner": ["partner_home", "partner_customers", "partner_statements", "partner_tier2", "partner_team",
                "my_applications"],
}
SETTLEMENT_SECTIONS = ["Overview", "Import files", "Settle", "Invoices", "Commissions", "Payments", "Credit"]
SETTLED_MONTH = MONTHS[1]


def new_app(url: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    at.secrets["database_url"] = url
    return at


def checked(at, where: str):
    if at.exception:
        error = at.exception[0]
        raise RuntimeError(f"{where}: {error.message}\n" + "\n".join(error.stack_trace))
    return at


def timed(times: dict, name: str, action: Callable[[], object]) -> None:
    started = time.perf_counter()
    action()
    times[name] = round(time.perf_counter() - started, 3)


def press(at, label: str, where: str):
    [button] = [b for b in at.button if b.label == label]
    return checked(button.click().run(), where)


def typed_for_a_while() -> None:
    """A person at the sign-in page types for seconds: the app's background import of the pages'
    libraries (views.common.preload) is done by the time they press Sign in."""
    for thread in threading.enumerate():
        if thread.name == PRELOAD_THREAD:
            thread.join()


def sign_in(url: str, role: str, times: dict | None = None):
    """The app after the role's bench account signed in through the form (timed when asked)."""
    username, password = USERS[role]
    at = checked(new_app(url).run(), "sign-in page")
    typed_for_a_while()
    at.text_input(key="sign_in.username").input(username)
    at.text_input(key="sign_in.password").input(password)
    if times is None:
        return press(at, "Sign in", "sign in")
    timed(times, "sign in (press Sign in)", lambda: press(at, "Sign in", "sign in"))
    return at


def first_page(url: str) -> dict:
    """The first page a fresh server renders: the app's first script run in a fresh process."""
    times: dict = {}
    at = new_app(url)
    timed(times, "first page after start (sign-in)", lambda: checked(at.run(), "first page"))
    return times


def every_page(url: str) -> dict:
    """Each role's pages opened and rerun; the settlement page's sections each chosen."""
    times: dict = {}
    for role, pages in ROLE_PAGES.items():
        at = sign_in(url, role)
        for page in pages:
            path = f"views/{page}.py"
            timed(times, f"{role}: {page} (open)", lambda: checked(at.switch_page(path).run(), path))
            timed(times, f"{role}: {page} (rerun)", lambda: checked(at.run(), path))
            if page == "settlement":
                for section in SETTLEMENT_SECTIONS[1:]:
                    radio = at.radio(key="settlement.section")
                    timed(times, f"{role}: settlement, {section}",
                          lambda: checked(radio.set_value(section).run(), section))
    return times


def _first_application(data) -> dict:
    with open(data / "applications.jsonl") as handle:
        return json.loads(handle.readline())


def precheck(url: str, data, times: dict) -> None:
    """The applicant types a complete application, then edits one field: the pre-check reruns."""
    at = sign_in(url, "applicant")
    checked(at.switch_page("views/apply.py").run(), "apply")
    application = _first_application(data)
    fill_application(at, "apply", {k: v for k, v in application.items() if k != "company_name"})
    at.text_input(key="apply.company_name").input(application["company_name"])
    timed(times, "apply: edit with live pre-check", lambda: checked(at.run(), "apply"))


def approve(url: str, application_id: int, times: dict) -> None:
    """The manager opens an eligible agency application, ticks every review item and approves."""
    at = sign_in(url, "manager")
    checked(at.switch_page("views/review.py").run(), "review")
    timed(times, "review: choose an application",
          lambda: checked(at.selectbox(key="review.application_id").set_value(application_id).run(), "review"))
    prefix = f"review.{application_id}."
    for box in at.checkbox:
        if box.key and box.key.startswith(prefix):
            box.check()
    timed(times, "review: approve", lambda: press(at, "Approve", "approve"))


def settle(url: str, times: dict) -> None:
    """The analyst settles a month on the Settle section: the preview, then the confirmation."""
    at = sign_in(url, "analyst")
    checked(at.switch_page("views/settlement.py").run(), "settlement")
    checked(at.radio(key="settlement.section").set_value("Settle").run(), "settle section")
    at.text_input(key="settle.period").input(SETTLED_MONTH)
    timed(times, f"settle {SETTLED_MONTH}: preview", lambda: press(at, "Settle and close the period", "preview"))
    timed(times, f"settle {SETTLED_MONTH}: confirm", lambda: press(at, f"Confirm: settle {SETTLED_MONTH}", "settle"))


def compare(url: str, times: dict) -> None:
    """The analyst compares the what-if page's plan (the one in force) for the bench quarter."""
    at = sign_in(url, "analyst")
    checked(at.switch_page("views/whatif.py").run(), "what-if")
    quarter = [t for t in at.text_input if t.key == "whatif.quarter"]
    if quarter:
        quarter[0].input(QUARTER)
    [button] = [b for b in at.button if b.label.startswith("Compare")]
    timed(times, "what-if: compare", lambda: checked(button.click().run(), "compare"))


def interactions(ws, url: str, data) -> dict:
    times: dict = {}
    sign_in(url, "manager", times)
    precheck(url, data, times)
    approve(url, load.an_eligible_application(ws, "agency"), times)
    for period in (QUARTER, SETTLED_MONTH):
        load.reopen_period(ws, period)
    settle(url, times)
    compare(url, times)
    return times


def slowest(times: dict) -> dict:
    """The figure's value is the slowest of its renders; every one is kept for the results."""
    name = max(times, key=times.get)
    return {"value": times[name], "unit": "s", "seconds": sum(times.values()), "n": len(times),
            "renders": times, "note": f"slowest: {name} ({times[name]:.2f} s) of {len(times)} measured"}
