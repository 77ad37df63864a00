"""The house's import direction and its storage seams, checked from the source itself.

store/ never imports archiver; store/records.py imports nothing of ours; the store has
no import cycle and dodges none with an import inside a function; the default storage
classes satisfy the protocols of store/protocols.py, member by member.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from store import protocols
from store.blobs import BlobStore
from store.catalog import Catalog
from store.hashindex import HashIndex

ROOT = Path(__file__).resolve().parent.parent
OURS = ("archiver", "store", "tests")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, top_level_only: bool = False) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def _store_files() -> list[Path]:
    return sorted((ROOT / "store").rglob("*.py"))


def _is_ours(name: str, package: tuple[str, ...] = OURS) -> bool:
    return name.split(".")[0] in package


def test_the_store_never_imports_archiver():
    offenders = {
        _module_name(path): [n for n in _imports(path) if _is_ours(n, ("archiver",))]
        for path in _store_files()
    }
    assert {m: names for m, names in offenders.items() if names} == {}


def test_records_import_nothing_of_ours():
    for records in (ROOT / "store" / "records.py",):
        assert [n for n in _imports(records) if _is_ours(n)] == []


def test_the_store_has_no_import_cycle_and_dodges_none():
    modules = {_module_name(p): p for p in _store_files()}
    graph = {
        name: {n for n in _imports(path, top_level_only=True) if n in modules and n != name}
        for name, path in modules.items()
    }
    for name, path in modules.items():
        late = set(_imports(path)) - set(_imports(path, top_level_only=True))
        assert not [n for n in late if _is_ours(n)], f"{name} imports {late} inside a function"
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        assert name not in visiting, f"import cycle: {' -> '.join([*visiting, name])}"
        if name in done:
            return
        visiting.append(name)
        for other in graph[name]:
            if not (name.startswith(other + ".") or other.startswith(name + ".")):  # package faces
                visit(other)
        visiting.pop()
        done.add(name)

    for name in graph:
        visit(name)


def _mismatches(protocol: type, implementation: type) -> list[str]:
    """Protocol members the implementation lacks, or has with other parameters or another form."""
    problems = []
    members = [m for m in vars(protocol) if not m.startswith("_") or m == "__len__"]
    for name in sorted(members):
        wanted = inspect.getattr_static(protocol, name)
        got = inspect.getattr_static(implementation, name, None)
        if got is None:
            problems.append(f"{name} is missing")
        elif isinstance(wanted, property) != isinstance(got, property):
            problems.append(f"{name} should {'' if isinstance(wanted, property) else 'not '}be a property")
        elif not isinstance(wanted, property):
            expected = [
                (p.name, p.kind, p.default is p.empty) for p in inspect.signature(wanted).parameters.values()
            ]
            actual = [
                (p.name, p.kind, p.default is p.empty) for p in inspect.signature(got).parameters.values()
            ]
            if expected != actual:
                problems.append(f"{name}{inspect.signature(got)} is not {name}{inspect.signature(wanted)}")
    return problems


@pytest.fixture
def defaults(tmp_path) -> dict[type, object]:
    return {
        protocols.BlobStore: BlobStore(tmp_path / "blobs"),
        protocols.Catalog: Catalog(tmp_path / "catalog.db"),
        protocols.HashIndex: HashIndex(tmp_path / "index"),
    }


def test_the_default_backends_satisfy_the_storage_protocols(defaults):
    for protocol, instance in defaults.items():
        assert isinstance(instance, protocol), protocol.__name__
        assert _mismatches(protocol, type(instance)) == [], protocol.__name__


def test_the_protocol_check_catches_a_wrong_signature():
    class Index(HashIndex):
        def search(self, queries, radius, extra):  # one parameter too many
            return None

    class Blobs(BlobStore):
        exists = None  # type: ignore[assignment]

    assert _mismatches(protocols.HashIndex, Index) == [
        "search(self, queries, radius, extra) is not search(self, queries: 'list[bytes] | np.ndarray', "
        "radius: 'int') -> 'Hits'"
    ]
    assert _mismatches(protocols.BlobStore, Blobs) == ["exists is missing"]


# Application modules that still write SQL themselves rather than asking the store. The team
# archive (issue 10) needs this list empty; it may only shrink.
STILL_WRITE_SQL = {
    "archiver/audit/blobs.py",
    "archiver/audit/timestamps.py",
    "archiver/bundle/evidence.py",
    "archiver/timestamps/stamping.py",
}
_SQL = re.compile(r"\b(SELECT|INSERT INTO|DELETE FROM)\s|\bUPDATE \w+ SET\b|\.execute\(|\.db\.")


def test_no_new_module_outside_the_store_writes_sql():
    writing = {
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "archiver").rglob("*.py"))
        if _SQL.search(path.read_text())
    }
    assert writing == STILL_WRITE_SQL
