"""What every page shares: the workspace, the signed-in account and the role guard."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from kernel.directory import AccountRecord
from partnerdesk.accounts import Role
from partnerdesk.errors import InputError
from partnerdesk.settings import Settings, get_settings
from partnerdesk.workspace import Workspace

ACCOUNT = "account"
FLASH = "flash"
REVIEW_ID = "review.application_id"
STATUS_ICONS = {"pass": ":material/check_circle:", "fail": ":material/cancel:", "review": ":material/help:"}
STATUS_WORDS = {"pass": "pass", "fail": "fail", "review": "needs review"}


@dataclass(frozen=True)
class Account:
    """Who is signed in to this browser session."""

    username: str
    role: Role
    display_name: str

    @classmethod
    def of(cls, row: AccountRecord) -> "Account":
        return cls(username=row.username, role=Role(row.role), display_name=row.display_name)


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


def today() -> dt.date:
    return dt.date.today()


def signed_in() -> Account | None:
    return st.session_state.get(ACCOUNT)


def sign_in(row: AccountRecord) -> None:
    st.session_state[ACCOUNT] = Account.of(row)


def sign_out() -> None:
    st.session_state.clear()


def require(*roles: Role) -> Account:
    """The signed-in account when its role may see this page; otherwise stop the page here."""
    account = signed_in()
    if account is None:
        st.warning("Sign in to see this page.")
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


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:@&=^\"'])")


def plain(text: object) -> str:
    """Text from a user (applicant, partner, imported file) made safe to put inside Markdown.

    `st.markdown`, `st.header`, `st.success` and widget labels render Markdown: a company name
    `[approve](http://evil.example)` would be a live link there, `![x](http://host/t.png)` a
    remote image, `:red[...]` colour. Every character Markdown gives a meaning to (and `:`
    and `@`, which start links, icons and e-mail links) is escaped, and line breaks become
    spaces, so the text shows exactly as typed.
    """
    return _MARKDOWN.sub(r"\\\1", " ".join(str(text).split()))


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
