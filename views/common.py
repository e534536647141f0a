"""What every page shares: the workspace, the signed-in account and the role guard."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import secrets
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from kernel.directory import AccountRecord
from partnerdesk import session_tokens
from partnerdesk.accounts import Role, session_account
from partnerdesk.errors import InputError
from partnerdesk.settings import Settings, get_settings
from partnerdesk.workspace import Workspace

ACCOUNT = "account"
BROWSER_SESSION = "browser_session"
SESSION_PARAM = "session"
FLASH = "flash"
REVIEW_ID = "review.application_id"
SHOWN_APPLICATIONS = 500  # the oldest applications the queue and the review page show; the rest wait their turn
STATUS_ICONS = {"pass": ":material/check_circle:", "fail": ":material/cancel:", "review": ":material/help:"}
STATUS_WORDS = {"pass": "pass", "fail": "fail", "review": "needs review"}


@dataclass(frozen=True)
class Account:
    """Who is signed in to this browser session, and the session token that keeps them signed in."""

    username: str
    role: Role
    display_name: str
    token: str = ""

    @classmethod
    def of(cls, record: AccountRecord) -> "Account":
        return cls(username=record.username, role=Role(record.role), display_name=record.display_name,
                   token=session_tokens.issue(get_settings(), record.username, record.session_epoch))


def database_url() -> str:
    """`database_url` from Streamlit secrets when given, else DATABASE_URL / the default file."""
    if st.secrets.load_if_toml_exists() and "database_url" in st.secrets:
        return st.secrets["database_url"]
    return get_settings().database_url


@st.cache_resource(show_spinner="Opening the database")
def _workspace(url: str) -> Workspace:
    """The workspace of a database URL (demo data is loaded only when asked: `partnerdesk demo`)."""
    return Workspace.open(Settings(database_url=url))


def workspace() -> Workspace:
    return _workspace(database_url())


PRELOADED = ("pandas", "altair")
"""The libraries every role's pages import and the sign-in page does not."""
PRELOAD_THREAD = "partnerdesk-preload"


@st.cache_resource(show_spinner=False)
def preload() -> threading.Thread:
    """Import the pages' libraries in the background once per server, while the first visitor is
    still typing at the sign-in page, so the page after signing in does not wait for them."""
    thread = threading.Thread(target=lambda: [importlib.import_module(name) for name in PRELOADED],
                              name=PRELOAD_THREAD, daemon=True)
    thread.start()
    return thread


def today() -> dt.date:
    return dt.date.today()


def browser_session() -> str:
    """An id of this browser session (until a reload), for the sign-in throttle."""
    return st.session_state.setdefault(BROWSER_SESSION, secrets.token_hex(16))


def signed_in() -> Account | None:
    """The signed-in account, checked on every run against its session token.

    The token travels in the page's address (`?session=...`), so a reload or a link opened in
    the same browser keeps the sign-in; it expires, and it ends when the account is disabled,
    its password or role changes. Streamlit's own session state dies with a reload.
    """
    account = st.session_state.get(ACCOUNT)
    token = account.token if account else st.query_params.get(SESSION_PARAM)
    claim = session_tokens.read(get_settings(), token) if token else None
    record = session_account(workspace(), *claim) if claim else None
    if record is None:
        if account is not None or token:
            sign_out()
        return None
    if account is None or Role(record.role) is not account.role:
        account = Account(username=record.username, role=Role(record.role), display_name=record.display_name,
                          token=token)
        st.session_state[ACCOUNT] = account
    if st.query_params.get(SESSION_PARAM) != account.token:
        st.query_params[SESSION_PARAM] = account.token
    return account


def sign_in(record: AccountRecord) -> None:
    st.session_state[ACCOUNT] = Account.of(record)


def sign_out() -> None:
    st.session_state.clear()
    st.query_params.clear()


def require(*roles: Role) -> Account:
    """The signed-in account when its role may see this page; otherwise stop the page here.

    Opened signed out (a direct link), the page offers the sign-in form and, once signed in,
    shows itself."""
    account = signed_in()
    if account is None:
        from views.sign_in_form import sign_in_form

        st.warning("Sign in to see this page.")
        sign_in_form()
        st.stop()
    if account.role is not Role.admin and account.role not in roles:
        st.error(f"This page is not available to the {account.role.value} role.")
        st.stop()
    return account


def flash(message: str) -> None:
    """A success message shown once, after the rerun that follows an action."""
    st.session_state[FLASH] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(plain(message))


def show_input_error(error: InputError, words: Mapping[str, str] | None = None) -> None:
    """An input error in the page's words, one problem a line.

    The service words errors for the command line; `words` replaces its terms (an option such
    as `--reason`, a criterion id) with what the page calls them, longest first. The message
    may quote what the user typed, so it is shown escaped.
    """
    message = str(error)
    for term, word in sorted((words or {}).items(), key=lambda item: -len(item[0])):
        message = message.replace(term, word)
    st.error("  \n".join(plain(line) for line in message.removeprefix("--").splitlines()))


_IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def readable(message: str) -> str:
    """Identifiers inside a message spelled as words: 'format_not_known' reads 'format not known'."""
    return _IDENTIFIER.sub(lambda m: m.group().replace("_", " "), message)


WORD_JOINER = "\u2060"
_NO_AUTOLINK = re.compile(r"(?i)(?<=http)(?=s?:)|(?<=www)(?=\.)|(?=@)")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:@&=^\"'])")


def plain(text: object) -> str:
    """Text from a user (applicant, partner, imported file) made safe to put inside Markdown.

    `st.markdown`, `st.header`, `st.success` and widget labels render Markdown: a company name
    `[approve](http://evil.example)` would be a live link there, `![x](http://host/t.png)` a
    remote image, `:red[...]` colour. Every character Markdown gives a meaning to (and `:`
    and `@`, which start links, icons and e-mail links) is escaped, and line breaks become
    spaces, so the text shows exactly as typed. Streamlit's Markdown also turns a URL or an
    e-mail address in plain text into a link (GFM autolinks, found after escapes are read), so
    an invisible word joiner goes inside `http:`, `https:`, `www.` and before `@`.
    """
    return _MARKDOWN.sub(r"\\\1", _NO_AUTOLINK.sub(WORD_JOINER, " ".join(str(text).split())))


def humanize(identifier: str) -> str:
    return identifier.replace("_", " ").capitalize()


@contextmanager
def uploaded_file(upload: UploadedFile) -> Iterator[Path]:
    """An uploaded file saved under its own name in a temporary folder, for services that read paths.

    Input errors name the file as the user knows it, without the temporary folder.
    """
    with tempfile.TemporaryDirectory(prefix="partnerdesk-upload-") as folder:
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            yield path
        except InputError as error:
            raise InputError(str(error).replace(f"{folder}/", "")) from None
