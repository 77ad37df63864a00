"""Which roots a bundle's timestamp tokens may chain to: only ones the verifier chose.

A bundle ships its TSAs' roots so that `openssl ts -verify -CAfile` works by hand, but
whoever forged the bundle could have shipped their own TSA's root with it. So trust comes
from this machine: roots named on the command line, the [timestamp] config, or the system
store (certifi, Debian's ca-certificates).
"""

from __future__ import annotations

import functools
import re
import warnings
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from archiver.errors import UsageError

SYSTEM_BUNDLES = (Path("/etc/ssl/certs/ca-certificates.crt"),)
_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


def read_roots(paths: tuple[Path, ...]) -> list[x509.Certificate]:
    """Certificates from files the verifier named; an unreadable one is a usage error."""
    found = []
    for path in paths:
        try:
            data = path.read_bytes() if path.is_file() else None
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
        if data is None:
            raise UsageError(f"{path} is not a file of root certificates")
        certs = _parse_pem(data) if b"-----BEGIN" in data else _parse_der(data)
        if not certs:
            raise UsageError(f"{path} holds no certificate archiver can read (PEM or DER)")
        found += certs
    return found


@functools.cache
def system_roots() -> tuple[x509.Certificate, ...]:
    """The machine's trust store, read once; a certificate cryptography rejects is skipped."""
    bundles = list(SYSTEM_BUNDLES)
    try:
        import certifi

        bundles.append(Path(certifi.where()))
    except ImportError:
        pass
    certs: dict[bytes, x509.Certificate] = {}
    for path in bundles:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for cert in _parse_pem(data):
            certs.setdefault(cert.public_bytes(Encoding.DER), cert)
    return tuple(certs.values())


def _parse_pem(data: bytes) -> list[x509.Certificate]:
    certs = []
    for block in _PEM.findall(data):
        with warnings.catch_warnings():  # old roots in system stores trip deprecation warnings
            warnings.simplefilter("ignore")
            try:
                certs.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return certs


def _parse_der(data: bytes) -> list[x509.Certificate]:
    try:
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        return []
