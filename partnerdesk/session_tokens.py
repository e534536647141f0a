"""Signed, expiring session tokens: a sign-in that survives a page reload and a direct link.

A token names the account and its `session_epoch`, signed with the settings' session secret
(itsdangerous, HMAC-SHA1 over a timestamped payload). It is good for `session_hours` from the
sign-in and only while the account's epoch is unchanged, so a password change or reset, a
disabling or a role change ends every session signed before.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

from partnerdesk.settings import Settings

_SALT = "partnerdesk.session"
_PROCESS_SECRET = secrets.token_urlsafe(32)


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    secret = settings.session_secret.get_secret_value() if settings.session_secret else _PROCESS_SECRET
    return URLSafeTimedSerializer(secret, salt=_SALT)


def issue(settings: Settings, username: str, epoch: int) -> str:
    return _serializer(settings).dumps({"u": username, "e": epoch})


def read(settings: Settings, token: str) -> tuple[str, int] | None:
    """(username, epoch) of a genuine token that has not expired, else None."""
    try:
        payload = _serializer(settings).loads(token, max_age=int(settings.session_hours * 3600))
    except BadSignature:  # also SignatureExpired, a subclass
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), str) or not isinstance(payload.get("e"), int):
        return None
    return payload["u"], payload["e"]
