"""The archive's Ed25519 key: it signs custody checkpoints and exported bundles.

Made under ``ARCHIVE/keys/`` only when a writing command asks for it (``create``), never
as a side effect of reading it: a key made by an audit of an archive whose key was lost
would sign a log it never saw. The private key is readable by its owner only (mode
0600), the public key beside it to hand to anyone who must check a signature. Created
through a hard link from a finished temporary file, so two processes starting at once
agree on one key and neither ever reads a half-written one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PRIVATE_NAME = "archive-ed25519.key"
PUBLIC_NAME = "archive-ed25519.pub.pem"


class ArchiveKeyMissingError(FileNotFoundError):
    """The private key is not there; the caller decides whether one may be made."""


class ArchiveKey:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.private_path = self.folder / PRIVATE_NAME
        self.public_path = self.folder / PUBLIC_NAME
        self._private: Ed25519PrivateKey | None = None

    @property
    def exists(self) -> bool:
        return self.private_path.is_file()

    def _load(self) -> Ed25519PrivateKey:
        if self._private is None:
            if not self.exists:
                raise ArchiveKeyMissingError(f"the archive key {self.private_path} is missing")
            key = serialization.load_pem_private_key(self.private_path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{self.private_path} is not an Ed25519 key")
            self._private = key
        return self._private

    def create(self) -> None:
        """Make the key unless another process just did, and publish its public half."""
        if not self.exists:
            self.folder.mkdir(parents=True, exist_ok=True)
            os.chmod(self.folder, 0o700)
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            _publish(self.private_path, pem, 0o600)
        if not self.public_path.exists():
            _publish(self.public_path, public_pem(self._load().public_key()), 0o644)

    def public_key_on_disk(self) -> Ed25519PublicKey | None:
        """The key checkpoints must be signed with, for checking them; never creates one.

        Taken from the private key when it is there, so that swapping the public key file
        alone cannot make forged checkpoints pass.
        """
        if self.exists:
            return self.public_key
        if self.public_path.is_file():
            return load_public_pem(self.public_path.read_bytes())
        return None

    def sign(self, message: bytes) -> bytes:
        return self._load().sign(message)

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self._load().public_key()

    @property
    def public_pem(self) -> bytes:
        return public_pem(self.public_key)

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def key_fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the public key file's DER: what `openssl pkey -pubin -outform DER | sha256sum`
    prints for the PEM, so anyone can compare a key with stock tools."""
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "SHA256:" + hashlib.sha256(der).hexdigest()


def load_public_pem(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def signature_holds(key: Ed25519PublicKey, message: bytes, signature: bytes) -> bool:
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def _publish(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` at ``path`` unless another process got there first."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process published first: keep theirs
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
