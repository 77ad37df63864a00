"""RFC 9162 Merkle hashing: roots, inclusion and consistency proofs, against a direct
recursive reading of the RFC's definitions, for every tree size up to 33."""

from __future__ import annotations

import hashlib

import pytest

from store.merkle import (
    RootBuilder,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

SIZES = range(1, 34)


def mth(entries: list[bytes]) -> bytes:
    """MTH exactly as RFC 9162 2.1.1 writes it."""
    n = len(entries)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(entries[:k]) + mth(entries[k:])).digest()


def entries(n: int) -> list[bytes]:
    return [f"event {i}".encode() for i in range(n)]


def test_known_small_trees():
    a, b, c = leaf_hash(b"a"), leaf_hash(b"b"), leaf_hash(b"c")
    assert root_from_leaf_hashes([a]) == a
    assert root_from_leaf_hashes([a, b]) == node_hash(a, b)
    assert root_from_leaf_hashes([a, b, c]) == node_hash(node_hash(a, b), c)
    assert root_from_leaf_hashes([]) == hashlib.sha256(b"").digest()


@pytest.mark.parametrize("n", SIZES)
def test_roots_match_the_definition_at_every_size(n):
    data = entries(n)
    hashes = [leaf_hash(d) for d in data]
    builder = RootBuilder()
    for size, h in enumerate(hashes, 1):
        builder.append(h)
        assert builder.root() == mth(data[:size])
    assert root_from_leaf_hashes(hashes) == mth(data)


@pytest.mark.parametrize("n", SIZES)
def test_every_inclusion_proof_verifies_and_tampering_fails(n):
    hashes = [leaf_hash(d) for d in entries(n)]
    root = root_from_leaf_hashes(hashes)
    for m in range(n):
        proof = inclusion_proof(m, hashes)
        assert verify_inclusion(m, n, hashes[m], proof, root)
        assert not verify_inclusion(m, n, leaf_hash(b"forged"), proof, root)
        if n > 1:
            assert not verify_inclusion((m + 1) % n, n, hashes[m], proof, root)
            assert not verify_inclusion(m, n, hashes[m], proof[:-1], root)
        if proof:
            bent = [bytes(32)] + proof[1:]
            assert not verify_inclusion(m, n, hashes[m], bent, root)


@pytest.mark.parametrize("n", SIZES)
def test_every_consistency_proof_verifies_and_tampering_fails(n):
    hashes = [leaf_hash(d) for d in entries(n)]
    second = root_from_leaf_hashes(hashes)
    for m in range(1, n + 1):
        first = root_from_leaf_hashes(hashes[:m])
        proof = consistency_proof(m, hashes)
        assert verify_consistency(m, n, first, second, proof)
        assert not verify_consistency(m, n, leaf_hash(b"other"), second, proof)
        if m < n:
            assert not verify_consistency(m, n, first, leaf_hash(b"other"), proof)
            assert not verify_consistency(m, n, first, second, proof[:-1])
    rewritten = list(hashes)
    rewritten[0] = leaf_hash(b"rewritten")
    if n > 1:
        m = n - 1
        first = root_from_leaf_hashes(hashes[:m])
        forged = root_from_leaf_hashes(rewritten)
        assert not verify_consistency(m, n, first, forged, consistency_proof(m, rewritten))
