"""A WACZ (Web Archive Collection Zipped, 1.1.1) of the exported captures' WARCs, so the
pages replay in ReplayWeb.page without any server.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from cdxj_indexer.main import write_cdx_index

from archiver import __version__
from store.streams import digest_file

WACZ_VERSION = "1.1.1"


def write_wacz(
    target: Path, warcs: list[Path], pages: list[dict[str, Any]], created: str, title: str
) -> None:
    """``pages``: {"url", "ts", "title"} per captured page, in capture order."""
    with tempfile.TemporaryDirectory(prefix="wacz-") as tmp:
        index = Path(tmp) / "index.cdxj"
        write_cdx_index(str(index), [str(w) for w in warcs], {"sort": True, "post_append": True})
        pages_jsonl = _pages_jsonl(pages)
        members: list[tuple[str, Path | bytes]] = [(f"archive/{w.name}", w) for w in warcs]
        members += [("indexes/index.cdxj", index), ("pages/pages.jsonl", pages_jsonl)]
        resources = [_resource(name, content) for name, content in members]
        package = {
            "profile": "data-package",
            "wacz_version": WACZ_VERSION,
            "title": title,
            "created": created,
            "software": f"archiver {__version__}",
            "resources": resources,
        }
        package_bytes = json.dumps(package, indent=2).encode()
        digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for name, content in members:
                if isinstance(content, bytes):
                    zf.writestr(name, content)
                else:
                    zf.write(content, name)
            zf.writestr("datapackage.json", package_bytes)
            zf.writestr("datapackage-digest.json", json.dumps(digest, indent=2))


def _pages_jsonl(pages: list[dict[str, Any]]) -> bytes:
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "Captured pages"}]
    lines += [{"id": f"page-{i}", **page} for i, page in enumerate(pages, 1)]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode("utf-8")


def _resource(name: str, content: Path | bytes) -> dict[str, Any]:
    if isinstance(content, bytes):
        digest, size = hashlib.sha256(content).hexdigest(), len(content)
    else:
        digests, size = digest_file(content)
        digest = digests["sha256"]
    return {"name": Path(name).name, "path": name, "hash": "sha256:" + digest, "bytes": size}
