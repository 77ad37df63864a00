"""A real RFC 3161 time-stamping authority on 127.0.0.1: `openssl ts -reply` behind http.server.

The CA and TSA certificates are made with openssl; the TSA certificate carries the
critical timeStamping extended key usage that RFC 3161 requires. The TSA config has
no `certs` line, so a reply carries only the signer's certificate (rfc3161-client
rejects the certificate set ordering openssl writes when it adds the chain).
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {folder}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
other_policies = 1.3.6.1.4.1.99999.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


class LocalTSA:
    """``url`` answers timestamp queries; ``ca_pem`` is the root to trust."""

    def __init__(self, folder: Path, name: str = "Test TSA") -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._make_certificates(name)
        (folder / "serial").write_text("01\n")
        self.config = folder / "tsa.cnf"
        self.config.write_text(_TSA_CONFIG.format(folder=folder))
        self._lock = threading.Lock()
        self.requests = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/tsr"

    @property
    def ca_pem(self) -> Path:
        return self.folder / "ca.pem"

    def _make_certificates(self, name: str) -> None:
        f = self.folder
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                 "-days", "3650", "-subj", f"/CN={name} Root CA", cwd=f)  # fmt: skip
        (f / "tsa-ext.cnf").write_text(
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
            "extendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\n"
            "authorityKeyIdentifier=keyid\n"
        )
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
                 "-subj", f"/CN={name}", cwd=f)  # fmt: skip
        _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                 "-out", "tsa.pem", "-days", "3650", "-extfile", "tsa-ext.cnf", cwd=f)  # fmt: skip

    def reply(self, query: bytes) -> bytes:
        with self._lock, tempfile.TemporaryDirectory() as tmp:
            self.requests += 1
            (Path(tmp) / "q.tsq").write_bytes(query)
            _openssl("ts", "-reply", "-config", str(self.config), "-queryfile", "q.tsq", "-out", "r.tsr",
                     cwd=Path(tmp))  # fmt: skip
            return (Path(tmp) / "r.tsr").read_bytes()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    body, status = tsa.reply(query), 200
                except subprocess.CalledProcessError:
                    body, status = b"bad request", 400
                self.send_response(status)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def tsa_config(tsas: dict[str, LocalTSA], *, unreachable: bool = False) -> str:
    """A [timestamp] config section listing these TSAs (or dead ports in their place)."""
    lines = ["[timestamp]", "timeout = 2"]
    for name, tsa in tsas.items():
        url = "http://127.0.0.1:9/tsr" if unreachable else tsa.url
        lines += ["[[timestamp.tsa]]", f'name = "{name}"', f'url = "{url}"', f'roots = ["{tsa.ca_pem}"]']
    return "\n".join(lines) + "\n"
