"""Which parts of recorded HTTP traffic are the researcher's credentials, and how they are blanked.

A capture's WARC records every header archiver sent and received, so a logged-in capture
(``[fetch] cookies_file``) holds the researcher's session. The archive keeps it as
recorded; exported copies blank the values below and keep every name, so a reader still
sees that a request was logged in (and with which cookies) without being able to reuse it.

URL parameters are blanked by name wherever the URL appears: the captured URL itself
(a private link's ``?token=``, an ``auth=`` or ``access_token=`` pasted with it) as much
as a redirect's. ``token`` is blanked even in X's syndication URLs, where it is only
computed from the post id (see platforms/x.py): a rule with no list of hosts cannot miss
one, and the post id in the same URL still names the post.

Deliberately kept, because they are not the researcher's secrets and are evidence:

- X's ``x-guest-token``: an anonymous token any client gets for the asking, tied to no
  account; it also explains how an unauthenticated view was obtained.
- CDN signatures of signed media links (``sig``, ``signature``, ``oh``, ``oe``,
  ``x-signature``, ``X-Amz-Signature``, ``Expires``, ``Policy``, ``Key-Pair-Id``...) and site
  API keys (``key``): the platform issues them to every viewer of the page, they carry no
  account of ours, they expire, and they show that the platform itself served this
  exact file; blanking them would leave a media URL nobody can match to the platform's.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from store.url_hiding import HIDDEN_PARAMS

PLACEHOLDER = "REDACTED"

# Request headers whose whole value is a credential (the auth scheme, e.g. "Bearer", is kept).
REQUEST_HEADERS = frozenset({"authorization", "proxy-authorization", "x-csrf-token"})
# Headers listing cookies: every cookie's value is blanked, its name (and attributes) kept.
# All Set-Cookie values are blanked, not only login endpoints': which cookie a site set is
# rarely evidence, and a rule that needs no list of login URLs cannot miss one.
COOKIE_HEADERS = frozenset({"cookie", "set-cookie"})
# Headers holding a URL, whose query may carry a token (a redirect to ...?access_token=).
URL_HEADERS = frozenset({"location", "content-location", "referer"})
# Query parameters that are credentials wherever they appear (compared case-insensitively):
# the ones manifests hide, so that every name hidden in a signed file is blanked in the rest.
URL_PARAMS = HIDDEN_PARAMS


def rules() -> dict[str, list[str]]:
    """The rules as written into every redaction record, so a reader knows what was looked for."""
    return {
        "request_headers": sorted(REQUEST_HEADERS),
        "cookie_headers": sorted(COOKIE_HEADERS),
        "url_headers": sorted(URL_HEADERS),
        "url_params": sorted(URL_PARAMS),
    }


def redact_header(name: str, value: str) -> tuple[str, dict[str, object]] | None:
    """The blanked value and a description of what was blanked (names only), or None to keep it."""
    lowered = name.lower()
    if lowered in COOKIE_HEADERS:
        return _redact_cookies(name, value)
    if lowered in REQUEST_HEADERS:
        scheme, _, secret = value.strip().partition(" ")
        blanked = f"{scheme} {PLACEHOLDER}" if secret else PLACEHOLDER
        return blanked, {"header": name}
    if lowered in URL_HEADERS:
        url, params = redact_url(value)
        return (url, {"header": name, "url_params": params}) if params else None
    return None


def redact_url(url: str) -> tuple[str, list[str]]:
    """``url`` with the values of credential query parameters blanked, and those parameters' names.

    Everything else stays byte for byte (no re-encoding), so the URL still names the
    same resource to a reader and to a replay index built from it.
    """
    base, hash_mark, fragment = url.partition("#")
    path, question, query = base.partition("?")
    if not question:
        return url, []
    parts, names = [], []
    for part in query.split("&"):
        key, equals, value = part.partition("=")
        if equals and value and unquote_plus(key).lower() in URL_PARAMS:
            names.append(unquote_plus(key))
            part = f"{key}={PLACEHOLDER}"
        parts.append(part)
    if not names:
        return url, []
    return f"{path}?{'&'.join(parts)}{hash_mark}{fragment}", names


def _redact_cookies(name: str, value: str) -> tuple[str, dict[str, object]] | None:
    if name.lower() == "set-cookie":  # one cookie, then its attributes (Path, Expires...), kept
        first, semicolon, attributes = value.partition(";")
        cookies = [first]
    else:
        cookies, semicolon, attributes = value.split(";"), "", ""
    blanked, names = [], []
    for cookie in cookies:
        key, equals, secret = cookie.partition("=")
        if not (secret if equals else cookie).strip():  # nothing to hide (a cookie being deleted)
            blanked.append(cookie)
        elif equals:
            names.append(key.strip())
            blanked.append(f"{key}={PLACEHOLDER}")
        else:  # a bare value with no name
            names.append("")
            blanked.append(cookie[: len(cookie) - len(cookie.lstrip())] + PLACEHOLDER)
    if not names:
        return None
    return ";".join(blanked) + semicolon + attributes, {"header": name, "cookies": names}
