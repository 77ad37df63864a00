"""A Ctrl-C while a file is being hashed from its memory map must surface as the
interrupt itself: CI once saw BufferError instead, because a named slice of the map
outlived the interrupt in the traceback and kept the map from closing."""

import hashlib
import random
import signal

from store.streams import hash_mapped


def test_interrupt_during_mapped_hash_is_a_clean_keyboard_interrupt(tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(random.Random(1).randbytes(30_000_000))

    def interrupt(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    rng = random.Random(2)
    outcomes = []
    try:
        for _ in range(40):
            signal.setitimer(signal.ITIMER_REAL, rng.uniform(0.0001, 0.01))
            try:
                with open(big, "rb") as fh:
                    hash_mapped(fh, [hashlib.sha256(), hashlib.sha512()])
                outcomes.append("finished")
            except KeyboardInterrupt:
                outcomes.append("interrupted")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert "interrupted" in outcomes
    assert set(outcomes) <= {"finished", "interrupted"}
