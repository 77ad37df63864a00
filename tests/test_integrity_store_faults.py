"""A bounded loop of random SIGKILLs and Ctrl-Cs during import leaves a sound archive each time."""

from __future__ import annotations

import pytest

from tests.fault_injection import run_rounds


@pytest.mark.slow
def test_random_kills_during_import_never_leave_damage(tmp_path):
    counts = run_rounds(tmp_path, rounds=5)
    print(dict(counts))
    assert counts["rounds"] == 5
    assert counts["failed checks"] == 0
    assert counts["tracebacks"] == 0
