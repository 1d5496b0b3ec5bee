"""Near-copies of a text: MinHash over word shingles, grouped so that no near-copy is split from its kin."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

import numpy as np
from datasketch import MinHash, MinHashLSH
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from homl.core.params import Range

WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Params:
    """params.yaml's `spam.near_copies`."""

    threshold: Annotated[float, Range(0.05, 1)]  # Jaccard similarity of the shingle sets
    shingle_words: Annotated[int, Range(1, 20)]
    permutations: Annotated[int, Range(16, 1024)]


def shingles(text: str, size: int) -> set[bytes]:
    """The set of `size`-word runs of the lowercased text (the whole text when it is shorter)."""
    words = WORD.findall(text.lower())
    if len(words) <= size:
        return {" ".join(words).encode()}
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def copy_groups(texts: Sequence[str], cfg: Params, seed: int) -> np.ndarray:
    """A group number for each text; texts whose shingle sets have Jaccard similarity >= `threshold`,
    directly or through a chain of near-copies, share one (numbered by first appearance).

    MinHash LSH proposes the candidate pairs; each is confirmed with the exact Jaccard similarity.
    """
    sets = [shingles(text, cfg.shingle_words) for text in texts]
    lsh = MinHashLSH(threshold=cfg.threshold, num_perm=cfg.permutations)
    rows, cols = [], []
    sketches = MinHash.bulk([list(words) for words in sets], num_perm=cfg.permutations, seed=seed)
    for i, (words, sketch) in enumerate(zip(sets, sketches, strict=True)):
        for j in lsh.query(sketch):
            if len(words & sets[j]) >= cfg.threshold * len(words | sets[j]):
                rows.append(i)
                cols.append(j)
        lsh.insert(i, sketch)
    pairs = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sets), len(sets)))
    _, labels = connected_components(pairs, directed=False)
    _, first = np.unique(labels, return_index=True)
    renumber = np.empty(len(first), dtype=np.int64)
    renumber[np.argsort(first)] = np.arange(len(first))
    return renumber[labels]


def group_sizes(groups: np.ndarray) -> dict:
    """How the texts fall into groups: counts of groups by size and the largest."""
    sizes = np.bincount(groups)
    return {
        "groups": int(len(sizes)),
        "texts_with_a_near_copy": int(sizes[sizes > 1].sum()),
        "groups_of_2": int((sizes == 2).sum()),
        "groups_of_3_to_10": int(((sizes >= 3) & (sizes <= 10)).sum()),
        "groups_over_10": int((sizes > 10).sum()),
        "largest_group": int(sizes.max()) if len(sizes) else 0,
    }
