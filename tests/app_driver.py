"""Driving the Streamlit app in AppTest: a fresh database, accounts, signing in, reading the page.

The app reads its database from `st.secrets["database_url"]`, so each test gets its own
SQLite file and the cached workspace of one test is never another's.
"""

from __future__ import annotations

import datetime as dt
import re

from streamlit.testing.v1 import AppTest

from partnerdesk.settings import PROJECT_ROOT

APP = PROJECT_ROOT / "app.py"
TIMEOUT = 60
PASSWORDS = {"applicant": "ann-secret-1", "manager": "maria-secret-1", "analyst": "alex-secret-1",
             "admin": "root-secret-1"}
USERNAMES = {"applicant": "ann", "manager": "maria", "analyst": "alex", "admin": "root"}


def new_app(database_url: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets["database_url"] = database_url
    return at


def sign_in(database_url: str, role: str) -> AppTest:
    """The app after the role's test account signed in through the sign-in form."""
    return sign_in_as(database_url, USERNAMES[role], PASSWORDS[role])


def sign_in_as(database_url: str, username: str, password: str) -> AppTest:
    at = new_app(database_url).run()
    at.text_input(key="sign_in.username").input(username)
    at.text_input(key="sign_in.password").input(password)
    return press(at, "Sign in")


def press(at: AppTest, label: str) -> AppTest:
    """Click the one button (or form submit button) with this label and run the app."""
    [button] = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, at.exception
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    """Markdown as a person reads it: the backslash escapes of user text (`P\\-1`) removed."""
    return _ESCAPED.sub(r"\1", markdown)


def texts(at: AppTest) -> str:
    """Every message, heading and markdown text on the page, as shown, to search in."""
    parts = [*at.title, *at.header, *at.subheader, *at.markdown, *at.caption, *at.info, *at.success,
             *at.warning, *at.error]
    return "\n".join(shown(str(p.value)) for p in parts)


def errors(at: AppTest) -> list[str]:
    return [shown(e.value) for e in at.error]


def fill_application(at: AppTest, form: str, data: dict) -> AppTest:
    """Type an application (contract JSON) into the app's form whose widget keys start with `form`."""
    text_fields = ("company_name", "registration_number", "registered_capital", "contact_email",
                   "first_year_revenue_commitment", "statement")
    choices = ("partner_type", "territory", "registration_country", "capital_currency", "commitment_currency")
    for name, value in data.items():
        key = f"{form}.{name}"
        if name in text_fields:
            (at.text_area if name == "statement" else at.text_input)(key=key).input(str(value))
        elif name in choices:
            at.selectbox(key=key).set_value(value)
        elif name == "registration_date":
            at.date_input(key=key).set_value(dt.date.fromisoformat(value))
        elif name == "financial_health":
            at.radio(key=key).set_value(value)
        elif name in ("business_areas", "industries"):
            at.multiselect(key=key).set_value(value)
        elif name == "dedicated_staff":
            for role, count in value.items():
                at.number_input(key=f"{key}.{role}").set_value(count)
        elif name == "acp_certificates":
            fill_certificates(at, key, value)
        elif name == "customer_operations_years":
            at.number_input(key=key).set_value(float(value))
        else:
            at.number_input(key=key).set_value(value)
    at.run()
    assert not at.exception, at.exception
    return at


def fill_certificates(at: AppTest, key: str, certificates: list[dict]) -> None:
    """Say how many certificates there are, then type each one into its row of fields."""
    at.number_input(key=f"{key}.count").set_value(len(certificates)).run()
    for i, certificate in enumerate(certificates):
        at.text_input(key=f"{key}.{i}.id").input(certificate.get("id", ""))
        at.text_input(key=f"{key}.{i}.holder").input(certificate.get("holder", ""))
        expires = certificate.get("expires_on")
        at.date_input(key=f"{key}.{i}.expires_on").set_value(dt.date.fromisoformat(expires) if expires else None)
