"""Credentials in captured URLs, replaced in signed files by a keyed digest of their value.

A capture's manifest and its custody event are signed and timestamped bytes, so whatever
URL they hold travels with every bundle: a private link's ``?token=`` would leak to every
reader of the evidence. From manifest version 2 on, both hold each credential value as
``HIDDEN-`` plus an HMAC-SHA256 of it, keyed by a random salt kept per capture in the
archive only (``url_salts``). The archive can still tell an edited token (the digest
changes, so ``catalog-row-edited``), while a bundle's reader learns nothing of the value:
without the salt even a short token cannot be guessed and checked.

The parameter names are frozen with the manifest version that hides them: a name added
here later would change the manifests already signed. A newer rule needs a new version.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any
from urllib.parse import unquote_plus

HIDDEN_PREFIX = "HIDDEN-"
SALT_BYTES = 32
HIDDEN_PARAMS = frozenset(
    {
        "access_token", "auth_token", "id_token", "refresh_token", "oauth_token", "oauth_verifier",
        "api_key", "apikey", "password", "passwd", "token", "auth", "authtoken", "session",
        "sessionid", "session_id", "session_token", "secret", "client_secret",
    }
)  # fmt: skip


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def hidden_value(salt: bytes, value: str) -> str:
    return HIDDEN_PREFIX + hmac.new(salt, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def hide_url(value: Any, salt: bytes) -> Any:
    """``value`` with its credential parameters' values hidden, if it is an http(s) URL with any.

    Only the values change, byte for byte elsewhere, so the URL still names its resource.
    """
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return value
    base, hash_mark, fragment = value.partition("#")
    path, question, query = base.partition("?")
    if not question:
        return value
    parts = []
    for part in query.split("&"):
        key, equals, secret = part.partition("=")
        if equals and secret and unquote_plus(key).lower() in HIDDEN_PARAMS:
            part = f"{key}={hidden_value(salt, secret)}"
        parts.append(part)
    return f"{path}?{'&'.join(parts)}{hash_mark}{fragment}"


def hide_urls_in(value: Any, salt: bytes) -> Any:
    """Parsed JSON with every string that is a URL hidden as :func:`hide_url` does."""
    if isinstance(value, dict):
        return {k: hide_urls_in(v, salt) for k, v in value.items()}
    if isinstance(value, list):
        return [hide_urls_in(v, salt) for v in value]
    return hide_url(value, salt)
