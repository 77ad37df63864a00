"""Our Merkle trees against the Certificate Transparency reference vectors (RFC 6962).

test_merkle.py checks the code against our own reading of the RFC; a published
checkpoint is only worth something if someone else's implementation agrees, so these
are the vectors other CT implementations test against: eight leaves, the root at every
size, and consistency proofs between sizes.
"""

from __future__ import annotations

import hashlib

import pytest

from store.merkle import MerkleTree, leaf_hash, verify_consistency

DATA = ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")
LEAVES = [bytes.fromhex(h) for h in DATA]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (2, 8, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip

TREE = MerkleTree([leaf_hash(leaf) for leaf in LEAVES])


def test_roots_at_every_size():
    assert TREE.root(0, 0).hex() == hashlib.sha256(b"").hexdigest()
    assert [TREE.root(0, n).hex() for n in range(1, 9)] == ROOTS


@pytest.mark.parametrize(("first", "second", "proof"), CONSISTENCY)
def test_consistency_proofs_are_the_reference_ones(first, second, proof):
    assert [h.hex() for h in TREE.consistency_proof(first, second)] == proof


@pytest.mark.parametrize(("first", "second", "proof"), CONSISTENCY)
def test_reference_proofs_verify_and_nothing_else_does(first, second, proof):
    hashes = [bytes.fromhex(h) for h in proof]
    old, new = bytes.fromhex(ROOTS[first - 1]), bytes.fromhex(ROOTS[second - 1])
    assert verify_consistency(first, second, old, new, hashes)
    assert not verify_consistency(first, second, bytes.fromhex(ROOTS[first]), new, hashes)
    assert not verify_consistency(first, second, old, bytes.fromhex(ROOTS[second - 2]), hashes)
    assert not verify_consistency(first, second, old, new, hashes[:-1])
    assert not verify_consistency(first, second, old, new, [bytes(32), *hashes[1:]])
