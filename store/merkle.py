"""Merkle tree hashing, inclusion and consistency proofs as in RFC 9162 section 2.1.

The custody log is a list of leaves; anyone holding a signed (tree size, root) pair
can check that one event belongs to the log (inclusion) and that a later log still
contains an earlier one unchanged (consistency), without seeing the other events.
Leaf and node hashes are domain-separated (0x00 / 0x01 prefixes) so a node can never
be passed off as a leaf.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence


class ProofError(ValueError):
    """A proof that does not fit the tree sizes it claims to relate."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH over leaves already hashed; linear time, no recursion."""
    return RootBuilder().extend(hashes).root()


class RootBuilder:
    """Appends leaf hashes one at a time and yields the tree head at any size.

    Keeps the perfect subtrees of the current size (one per set bit), so reading the
    root after each of many checkpoints costs O(log n) each instead of a full rehash.
    """

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[bytes] = []

    def append(self, leaf: bytes) -> None:
        self._stack.append(leaf)
        self.size += 1
        merges = self.size
        while merges % 2 == 0:
            right = self._stack.pop()
            self._stack[-1] = node_hash(self._stack[-1], right)
            merges //= 2

    def extend(self, leaves: Iterable[bytes]) -> RootBuilder:
        for leaf in leaves:
            self.append(leaf)
        return self

    def root(self) -> bytes:
        if not self._stack:
            return hashlib.sha256(b"").digest()
        result = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            result = node_hash(left, result)
        return result


class MerkleTree:
    """Proofs over one list of leaf hashes, with subtree roots computed once and reused.

    Proving many leaves of a large log (a bundle's events) then costs one pass over the
    leaves plus O(log n) per proof, instead of a full rehash per proof.
    """

    def __init__(self, hashes: Sequence[bytes]) -> None:
        self.hashes = list(hashes)
        self._roots: dict[tuple[int, int], bytes] = {}

    @property
    def size(self) -> int:
        return len(self.hashes)

    def root(self, lo: int = 0, hi: int | None = None) -> bytes:
        hi = self.size if hi is None else hi
        key = (lo, hi)
        if key not in self._roots:
            if hi - lo == 0:
                self._roots[key] = hashlib.sha256(b"").digest()
            elif hi - lo == 1:
                self._roots[key] = self.hashes[lo]
            else:
                k = lo + _split(hi - lo)
                self._roots[key] = node_hash(self.root(lo, k), self.root(k, hi))
        return self._roots[key]

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(m, D[n]) of RFC 9162 2.1.3.1 in the tree of the first ``size`` leaves."""
        size = self.size if size is None else size
        if not 0 <= index < size <= self.size:
            raise ProofError(f"leaf {index} is outside a tree of size {size}")
        path: list[bytes] = []
        lo, hi = 0, size
        while hi - lo > 1:
            k = lo + _split(hi - lo)
            if index < k:
                path.append(self.root(k, hi))
                hi = k
            else:
                path.append(self.root(lo, k))
                lo = k
        return path[::-1]

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """PROOF(m, D[n]) of RFC 9162 2.1.4.1: the tree of size ``first`` is a prefix of this one."""
        second = self.size if second is None else second
        if not 0 < first <= second <= self.size:
            raise ProofError(f"no consistency proof from size {first} to {second}")
        return self._subproof(first, 0, second, True)

    def _subproof(self, m: int, lo: int, hi: int, complete: bool) -> list[bytes]:
        n = hi - lo
        if m == n:
            return [] if complete else [self.root(lo, hi)]
        k = _split(n)
        if m <= k:
            return [*self._subproof(m, lo, lo + k, complete), self.root(lo + k, hi)]
        return [*self._subproof(m - k, lo + k, hi, False), self.root(lo, lo + k)]


def inclusion_proof(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    return MerkleTree(hashes).inclusion_proof(index)


def consistency_proof(first: int, hashes: Sequence[bytes]) -> list[bytes]:
    return MerkleTree(hashes).consistency_proof(first)


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` implies for ``leaf`` at ``index`` (RFC 9162 2.1.3.2)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is outside a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is longer than the tree allows")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is shorter than the tree requires")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    try:
        return root_from_inclusion(index, size, leaf, proof) == root
    except ProofError:
        return False


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2: does the signed tree ``second`` extend the signed tree ``first``?"""
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    if not 0 < first < second or not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two: its root is a node of the larger tree
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
