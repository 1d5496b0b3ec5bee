"""Benchmark: homl's exact neighbour search against faiss and scikit-learn, in one run on the same data.

The 10,000 MNIST test digits against the 60,000 training digits, k = 10: `homl.digits.neighbors.kneighbors`
(lower bounds in a principal subspace, exact distances where a bound cannot decide), faiss
`IndexFlatL2` (brute force, float32) and scikit-learn's brute-force `NearestNeighbors` (float64), each
in its own process (faiss's OpenMP runtime would slow the others in the same one), timed there. Each
side's neighbour lists are compared with homl's, row by row, as sets and in order.

Writes bench/results/exact_search.json, keeping the last result on each other CPU vendor (the goal is to be
twice as fast as faiss on Intel and AMD alike) under `other_cpus`. Run after `dvc repro` has fetched
MNIST:  python bench/exact_search.py
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from timing import RESULTS_DIR, best_of, provenance

from homl.core import io, pipeline
from homl.data import mnist
from homl.digits.flat_space import load_faiss
from homl.digits.neighbors import LowerBoundSpace, kneighbors

RESULTS = RESULTS_DIR / "exact_search.json"
K = 10
SIDES = ("sklearn", "homl", "faiss")
REPEATS = 5  # each side's best time in its own process: its steady state, not its first page faults


def agreement(ours: np.ndarray, theirs: np.ndarray) -> dict:
    same_sets = np.mean([set(a) == set(b) for a, b in zip(ours, theirs, strict=True)])
    return {"same_sets": float(same_sets), "same_order": float(np.mean((ours == theirs).all(axis=1)))}


def rows() -> tuple[np.ndarray, np.ndarray]:
    """The training and the test digits, a row each."""
    data = mnist.load(pipeline.output("fetch_mnist"))
    return data.train_images.reshape(60_000, -1), data.test_images.reshape(10_000, -1)


def search(side: str, out: Path) -> None:
    """One side's search, timed in this process; its neighbours go to `out`, its seconds (and homl's
    subspace width) to stdout."""
    train, test = rows()
    details = {}
    if side == "sklearn":
        from sklearn.neighbors import NearestNeighbors

        model = NearestNeighbors(n_neighbors=K, algorithm="brute")
        indices, seconds = best_of(lambda: model.fit(train.astype(np.float64)).kneighbors(test)[1], REPEATS)
    elif side == "homl":
        load_faiss()  # homl's bounds use it; its import is outside the time, as on faiss's side

        (_, indices), seconds = best_of(lambda: kneighbors(test, train, K), REPEATS)
        details["subspace_dims"] = LowerBoundSpace(train).dims  # the width its searches chose
    else:
        faiss = load_faiss()  # its OpenBLAS told the CPU core as homl's is: the same kernels on both sides

        def faiss_search():
            index = faiss.IndexFlatL2(train.shape[1])
            index.add(train.astype(np.float32))
            return index.search(test.astype(np.float32), K)[1]

        indices, seconds = best_of(faiss_search, REPEATS)
    np.save(out, indices)
    print(json.dumps({"seconds": seconds, **details}))


def other_cpus(vendor: str) -> list[dict]:
    """The last result written on each CPU vendor other than `vendor`, each with its own commit and CPU."""
    if not RESULTS.exists():
        return []
    last = io.read_json(RESULTS)
    latest = {}
    for record in [{k: v for k, v in last.items() if k != "other_cpus"}, *last.get("other_cpus", [])]:
        latest.setdefault(record.get("cpu", {}).get("vendor"), record)
    return [record for known, record in latest.items() if known not in (None, vendor)]


def main() -> None:
    """Each side in its own process, so that no library's thread runtime slows another's."""
    found = {}
    with tempfile.TemporaryDirectory() as scratch:
        for side in SIDES:
            out = Path(scratch, f"{side}.npy")
            printed = subprocess.run(
                [sys.executable, __file__, side, str(out)], check=True, capture_output=True, text=True
            ).stdout
            found[side] = json.loads(printed.splitlines()[-1]), np.load(out)
    (homl, homl_indices), (faiss, faiss_indices), (sklearn, sklearn_indices) = (
        found["homl"],
        found["faiss"],
        found["sklearn"],
    )
    homl_s, faiss_s, sklearn_s = homl["seconds"], faiss["seconds"], sklearn["seconds"]
    results = {
        **provenance(),
        "separate_processes": True,
        "repeats": REPEATS,
        "queries": len(homl_indices),
        "references": 60_000,
        "k": K,
        "subspace_dims": homl["subspace_dims"],
        "homl_seconds": homl_s,
        "faiss_seconds": faiss_s,
        "sklearn_seconds": sklearn_s,
        "faiss_over_homl": faiss_s / homl_s,
        "sklearn_over_homl": sklearn_s / homl_s,
        "faiss_agreement": agreement(homl_indices, faiss_indices),
        "sklearn_agreement": agreement(homl_indices, sklearn_indices),
    }
    results["other_cpus"] = other_cpus(results["cpu"]["vendor"])
    io.write_json(RESULTS, results)
    print(
        f"10,000 x 60,000, k={K}: homl {homl_s:.1f} s, faiss IndexFlatL2 {faiss_s:.1f} s "
        f"({faiss_s / homl_s:.2f}x), scikit-learn brute force {sklearn_s:.1f} s ({sklearn_s / homl_s:.2f}x)"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3:
        search(sys.argv[1], Path(sys.argv[2]))
    else:
        main()
