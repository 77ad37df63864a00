"""Asking a TSA for a token over some bytes, and checking a token we hold.

A token is kept as the whole TimeStampResp the TSA sent (what `openssl ts -verify -in`
reads). Checking it means: the TSA's signature holds, its certificate chains to a root
we configured and carries the timeStamping usage, all valid at the token's genTime
(not today: certificates expire, evidence must not), and the imprint is the SHA-256 of
exactly the bytes we say it covers.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from archiver.errors import ArchiverError
from archiver.timestamps.authorities import Authority

_REQUEST_TYPE = "application/timestamp-query"
_MAX_REPLY = 1 << 20  # tokens are a few KiB; refuse to buffer anything absurd


class TokenError(ArchiverError):
    """A token that is unreadable, untrusted or over other bytes; ``reason`` names which."""

    kind = "timestamp"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class TsaUnavailableError(ArchiverError):
    kind = "tsa-unavailable"


@dataclass(frozen=True)
class Token:
    der: bytes
    gen_time: str
    serial: str
    chain_pem: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.der).hexdigest()


def request_token(authority: Authority, message: bytes, timeout: float) -> Token:
    """One request to one TSA; the answer is checked before it is accepted.

    Plain urllib rather than the fetchers' requests sessions: a TSA exchange is not
    part of any capture and must never end up in a capture's WARC.
    """
    request = TimestampRequestBuilder().data(message).hash_algorithm(HashAlgorithm.SHA256).build()
    http = urllib.request.Request(
        authority.url, data=request.as_bytes(), headers={"Content-Type": _REQUEST_TYPE}, method="POST"
    )
    try:
        with urllib.request.urlopen(http, timeout=timeout) as reply:
            body = reply.read(_MAX_REPLY + 1)
    except urllib.error.HTTPError as exc:
        raise TsaUnavailableError(f"TSA {authority.name} answered HTTP {exc.code}") from exc
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise TsaUnavailableError(f"TSA {authority.name} could not be reached: {reason}") from exc
    if len(body) > _MAX_REPLY:
        raise TsaUnavailableError(f"TSA {authority.name} sent an oversized answer")
    token = read_token(body)
    response = decode_timestamp_response(token.der)
    if request.nonce is not None and response.tst_info.nonce != request.nonce:
        raise TokenError("nonce", f"TSA {authority.name} answered with another request's nonce")
    try:
        check_token(token.der, message, authority.root_certificates(), authority.intermediate_certificates())
    except TokenError as exc:
        if exc.reason != "no-root":
            raise
        # kept: a token over the right bytes is evidence even before its root is installed;
        # `archiver verify` reports it as unverifiable until then
    return token


def read_token(der: bytes) -> Token:
    try:
        response = decode_timestamp_response(der)
    except (ValueError, TypeError) as exc:
        raise TokenError("unreadable", f"not an RFC 3161 timestamp response: {exc}") from exc
    if PKIStatus(response.status) != PKIStatus.GRANTED:
        raise TokenError("refused", f"the TSA refused the request: {' '.join(response.status_string)}")
    info = response.tst_info
    gen_time = info.gen_time if info.gen_time.tzinfo else info.gen_time.replace(tzinfo=UTC)
    return Token(der, _iso(gen_time), format(info.serial_number, "x"), _chain_pem(response))


def check_token(
    der: bytes,
    message: bytes,
    roots: list[x509.Certificate],
    intermediates: list[x509.Certificate] | None = None,
) -> Token:
    """Raise TokenError naming what fails; returns the token's facts when all holds."""
    token = read_token(der)
    response = decode_timestamp_response(der)
    if response.tst_info.message_imprint.message != _digest_as(response, message):
        raise TokenError("other-data", "the token covers other bytes than these")
    if not roots:
        raise TokenError("no-root", "no root certificate is configured for this TSA")
    builder = VerifierBuilder(roots=list(roots), intermediates=list(intermediates or []))
    try:
        builder.build().verify_message(response, message)
    except VerificationError as exc:
        raise TokenError("untrusted", f"the token's signature or certificate chain fails: {exc}") from exc
    return token


def _digest_as(response: TimeStampResponse, message: bytes) -> bytes:
    oid = response.tst_info.message_imprint.hash_algorithm.dotted_string
    names = {
        "2.16.840.1.101.3.4.2.1": "sha256",
        "2.16.840.1.101.3.4.2.2": "sha384",
        "2.16.840.1.101.3.4.2.3": "sha512",
    }
    if oid not in names:
        raise TokenError("unreadable", f"the token uses an unsupported hash algorithm {oid}")
    return hashlib.new(names[oid], message).digest()


def _chain_pem(response: TimeStampResponse) -> str:
    """The certificates the token carries, the signer's first."""
    certs = [x509.load_der_x509_certificate(c) for c in response.signed_data.certificates]
    signers = response.signed_data.signer_infos
    signer = next(iter(signers)) if len(signers) == 1 else None
    certs.sort(
        key=lambda c: not (signer and c.issuer == signer.issuer and c.serial_number == signer.serial_number)
    )
    return "".join(c.public_bytes(Encoding.PEM).decode("ascii") for c in certs)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
