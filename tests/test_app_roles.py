"""Signing in and out, self-registration, and what each role may see in the app."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app_driver import TIMEOUT, errors, new_app, open_page, press, sign_in, texts
from factories import AS_OF, application
from partnerdesk.accounts import Role, add_first_admin, add_user, authenticate
from partnerdesk.errors import InputError
from partnerdesk.settings import Settings
from partnerdesk.workspace import Workspace
from partnerdesk.applications import submit

pytest_plugins = ("app_fixtures",)


def workspace_of(url: str) -> Workspace:
    return Workspace.open(Settings(database_url=url))

PAGES = {
    Role.applicant: {"apply", "my_applications"},
    Role.manager: {"queue", "review", "partners", "tier_review"},
    Role.analyst: {"settlement", "whatif", "rules"},
}
EVERY_PAGE = set().union(*PAGES.values()) | {"users"}


def test_a_visitor_sees_only_the_sign_in_page_and_a_direct_link_asks_to_sign_in_first(app_url):
    at = new_app(app_url).run()
    assert [t.value for t in at.title] == ["PartnerDesk"]
    open_page(at, "queue")
    assert [w.value for w in at.warning] == ["Sign in to see this page."]
    assert not at.title and not at.dataframe and not at.selectbox
    at.text_input(key="sign_in.username").input("maria")
    at.text_input(key="sign_in.password").input("maria-secret-1")
    press(at, "Sign in")
    assert at.title[0].value == "Review queue"  # the page the link named, once signed in


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(app_url):
    at = new_app(app_url).run()
    at.text_input(key="sign_in.username").input("maria")
    at.text_input(key="sign_in.password").input("not-her-password")
    press(at, "Sign in")
    assert errors(at) == ["Unknown username or wrong password."]
    assert "account" not in at.session_state


def test_signing_in_opens_the_roles_first_page_and_signing_out_closes_it(app_url):
    at = sign_in(app_url, "manager")
    assert at.title[0].value == "Review queue"
    assert "Signed in as **Maria** (manager)" in texts(at)
    press(at, "Sign out")
    assert [t.value for t in at.title] == ["PartnerDesk"]
    assert "account" not in at.session_state


def test_an_applicant_registers_and_is_signed_in_as_an_applicant(app_url, app_workspace):
    at = new_app(app_url).run()
    at.text_input(key="register.username").input("Bob@Acme.example")
    at.text_input(key="register.display_name").input("Bob Tan")
    at.text_input(key="register.password").input("bob-secret-1")
    at.text_input(key="register.repeated").input("bob-secret-1")
    press(at, "Register")
    assert at.title[0].value == "Apply to the partner program"
    assert "Signed in as **Bob Tan** (applicant)" in texts(at)
    assert authenticate(app_workspace, "bob@acme.example", "bob-secret-1").role == "applicant"


def test_registration_refuses_a_taken_username_and_a_short_password(app_url):
    at = new_app(app_url).run()
    at.text_input(key="register.username").input("maria")
    at.text_input(key="register.password").input("long-enough-1")
    at.text_input(key="register.repeated").input("long-enough-1")
    press(at, "Register")
    assert errors(at) == ["username: 'maria' is taken"]
    at.text_input(key="register.username").input("newcomer")
    at.text_input(key="register.password").input("short")
    at.text_input(key="register.repeated").input("short")
    press(at, "Register")
    assert errors(at) == ["password: must be at least 10 characters"]


@pytest.mark.parametrize("role", [Role.applicant, Role.manager, Role.analyst])
def test_navigation_offers_each_role_only_its_pages(app_url, role):
    at = sign_in(app_url, role.value)
    for page in sorted(EVERY_PAGE - PAGES[role]):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"views/{page}.py")
    for page in sorted(PAGES[role]):
        open_page(at, page)
        assert not [e for e in errors(at) if "not available" in e]


def test_an_admin_reaches_every_page(app_url):
    at = sign_in(app_url, "admin")
    for page in sorted(EVERY_PAGE):
        open_page(at, page)
        assert not [e for e in errors(at) if "not available" in e], page


@pytest.mark.parametrize("page, role", [("review", Role.applicant), ("queue", Role.analyst),
                                        ("my_applications", Role.manager), ("users", Role.manager),
                                        ("partners", Role.applicant), ("rules", Role.applicant),
                                        ("whatif", Role.applicant), ("settlement", Role.manager)])
def test_a_page_reached_by_a_role_that_may_not_see_it_shows_none_of_its_data(
        app_url, app_workspace, repo_on_path, page, role):
    submit(app_workspace, application("direct_reseller", company_name="Secret Cloud Pte. Ltd."), AS_OF,
           submitted_by="ann")
    from views.common import ACCOUNT, Account

    at = AppTest.from_file(str(repo_on_path / "views" / f"{page}.py"), default_timeout=TIMEOUT)
    at.secrets["database_url"] = app_url
    someone = add_user(app_workspace, "someone", "someone-secret-1", role, "Someone")
    at.session_state[ACCOUNT] = Account.of(someone)
    at.run()
    assert not at.exception, at.exception
    assert errors(at) == [f"This page is not available to the {role.value} role."]
    assert not at.dataframe and not at.button and not at.text_input and not at.metric
    assert "Secret Cloud" not in texts(at)


def test_a_page_reached_without_signing_in_shows_nothing(app_url, repo_on_path):
    at = AppTest.from_file(str(repo_on_path / "views" / "review.py"), default_timeout=TIMEOUT)
    at.secrets["database_url"] = app_url
    at.run()
    assert [w.value for w in at.warning] == ["Sign in to see this page."]
    assert not at.dataframe and not at.selectbox


def test_the_accounts_page_creates_a_staff_account(app_url, app_workspace):
    at = open_page(sign_in(app_url, "admin"), "users")
    at.text_input(key="users.username").input("alice")
    at.text_input(key="users.display_name").input("Alice Lim")
    at.selectbox(key="users.role").set_value(Role.analyst)
    at.text_input(key="users.password").input("alice-secret-1")
    press(at, "Create account")
    assert "Account alice (analyst) created." in texts(at)
    assert authenticate(app_workspace, "alice", "alice-secret-1").role == "analyst"
    assert "alice" in at.dataframe[0].value["Username"].tolist()


def test_a_fresh_database_has_no_demo_accounts_and_starts_with_the_administrators_set_up(sqlite_url):
    at = new_app(sqlite_url).run()
    assert at.title[0].value == "Set up PartnerDesk"
    ws = workspace_of(sqlite_url)
    assert authenticate(ws, "admin", "admin-demo") is None
    at.text_input(key="first_admin.username").input("Root")
    at.text_input(key="first_admin.display_name").input("Rita Root")
    at.text_input(key="first_admin.password").input("admin1234")
    at.text_input(key="first_admin.repeated").input("admin1234")
    press(at, "Create the administrator")
    assert errors(at) == ["password: must be at least 10 characters"]
    at.text_input(key="first_admin.password").input("quiet harbour lantern")
    at.text_input(key="first_admin.repeated").input("quiet harbour lantern")
    press(at, "Create the administrator")
    assert "Signed in as **Rita Root** (admin)" in texts(at)
    assert authenticate(ws, "root", "quiet harbour lantern").role == "admin"
    assert new_app(sqlite_url).run().title[0].value == "PartnerDesk"  # the next visitor signs in


def test_the_set_up_makes_only_the_first_account(sqlite_url):
    ws = workspace_of(sqlite_url)
    add_first_admin(ws, "root", "quiet harbour lantern")
    with pytest.raises(InputError, match="has accounts already"):
        add_first_admin(ws, "mallory", "another quiet lantern")


def test_a_common_password_is_refused_whatever_its_length(app_url):
    at = new_app(app_url).run()
    at.text_input(key="register.username").input("newcomer")
    at.text_input(key="register.password").input("password1234")
    at.text_input(key="register.repeated").input("password1234")
    press(at, "Register")
    assert errors(at) == ["password: too easy to guess (this is a very common password); "
                          "a few unrelated words make a strong password"]
