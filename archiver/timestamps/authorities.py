"""The time-stamping authorities configured under [timestamp] and the roots we trust them with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509

from archiver.errors import UsageError
from archiver.shipped import CONFIG_DIR


@dataclass(frozen=True)
class Authority:
    name: str
    url: str
    roots: tuple[Path, ...]
    intermediates: tuple[Path, ...] = ()

    def root_certificates(self) -> list[x509.Certificate]:
        return [cert for path in self.roots for cert in _read_certs(path)]

    def intermediate_certificates(self) -> list[x509.Certificate]:
        return [cert for path in self.intermediates for cert in _read_certs(path)]

    def missing_roots(self) -> list[Path]:
        return [path for path in self.roots if not path.is_file()]


def authorities(config: dict[str, Any]) -> list[Authority]:
    """Relative certificate paths are read from the config folder that ships with archiver."""
    found = []
    for entry in config.get("timestamp", {}).get("tsa", []):
        try:
            name, url = str(entry["name"]), str(entry["url"])
        except (KeyError, TypeError) as exc:
            raise UsageError("every [[timestamp.tsa]] entry needs a name and a url") from exc
        found.append(
            Authority(
                name,
                url,
                tuple(_resolve(p) for p in entry.get("roots", [])),
                tuple(_resolve(p) for p in entry.get("intermediates", [])),
            )
        )
    return found


def timeout(config: dict[str, Any]) -> float:
    return float(config.get("timestamp", {}).get("timeout", 5))


def _resolve(path: str) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else CONFIG_DIR / candidate


def _read_certs(path: Path) -> list[x509.Certificate]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    return (
        x509.load_pem_x509_certificates(data)
        if b"-----BEGIN" in data
        else [x509.load_der_x509_certificate(data)]
    )
