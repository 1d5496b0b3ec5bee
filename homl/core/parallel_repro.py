"""`dvc repro` with independent stages side by side: each stage its own `dvc repro --single-item`, as many
at once as the machine has cores, each started once the stages it depends on are done.

DVC runs one stage at a time; its documented way to run stages in parallel is several `dvc repro`
processes on independent stages (its locks keep them apart; `--wait-for-lock` makes them take turns
writing dvc.lock). A stage keeps about one and a half of two cores busy, and every stage starts a Python
interpreter and rewrites dvc.lock on one core: two stages side by side fill the idle core. Whether a
stage runs is still DVC's own decision, so the outputs and dvc.lock are those `dvc repro` makes.

    python -m homl.core.parallel_repro [--force] [--jobs N] [target ...]
"""

from __future__ import annotations

import argparse
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

DVC = "dvc"
# Where the libraries whose idle threads spin read their number of threads: OpenMP (faiss) and OpenBLAS
# or MKL (numpy, scipy). numba's parallel loops and joblib's worker processes keep theirs: limited, they
# left a core idle beside lighter stages (idm_search 151 s against 137 s, the random forest's grid 116 s
# against 102 s, in forced runs on an AMD EPYC).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Finished:
    """A stage's `dvc repro --single-item`: its name, exit status, output and wall time."""

    stage: str
    returncode: int
    output: str
    seconds: float


def plan(
    upstream: Mapping[str, set[str]], wanted: Iterable[str], changed: Iterable[str] | None = None
) -> dict[str, set[str]]:
    """The stages to reproduce for `wanted` (with every stage they depend on; of those, only the `changed`
    ones and the stages depending on them, when `changed` is given), each with the stages it waits for, in
    the order to start them when several are ready: the longest chain of stages depending on it first
    (dvc.yaml's order among equals)."""
    needed = _closure(wanted, upstream)
    downstream: dict[str, set[str]] = {stage: set() for stage in needed}
    for stage in needed:
        for dependency in upstream[stage]:
            downstream[dependency].add(stage)
    if changed is not None:
        needed = _closure([stage for stage in changed if stage in needed], downstream)
    chain: dict[str, int] = {}

    def longest(stage: str) -> int:
        if stage not in chain:
            chain[stage] = 1 + max((longest(after) for after in downstream[stage]), default=0)
        return chain[stage]

    order = [stage for stage in upstream if stage in needed]
    order.sort(key=longest, reverse=True)  # stable: dvc.yaml's order among equals
    return {stage: upstream[stage] & needed for stage in order}


def _closure(start: Iterable[str], edges: Mapping[str, set[str]]) -> set[str]:
    """`start` and every stage reached from it along `edges`."""
    reached, todo = set(), list(start)
    while todo:
        stage = todo.pop()
        if stage not in reached:
            reached.add(stage)
            todo.extend(edges[stage])
    return reached


def stage_environment(jobs: int, cores: int | None = None) -> dict[str, str]:
    """The environment of each stage's process with `jobs` stages at once: the spinning libraries' threads
    limited to the stage's share of the cores, unless this process's environment already sets them.
    Unlimited, each stage starts a thread per core, and they spin on each other's cores: the two
    `knn_variant_search` stages side by side took 116 and 112 s, against 66 and 62 s with one thread
    each, with the same results."""
    cores = cores or os.cpu_count() or 1
    if jobs <= 1:
        return dict(os.environ)
    share = str(max(1, cores // jobs))
    return {**dict.fromkeys(THREAD_VARIABLES, share), **os.environ}


def run(
    stages: Mapping[str, set[str]],
    flags: Sequence[str] = (),
    jobs: int | None = None,
    started: Callable[[str, subprocess.Popen], None] | None = None,
    report: Callable[[Finished], None] | None = None,
) -> list[Finished]:
    """Reproduce each stage of a `plan` by `dvc repro --single-item` (with `flags`), at most `jobs` at once
    (default: one per core), each once the stages it waits for have finished, with its share of the cores
    (`stage_environment`), or all of them when it starts alone. `started` hears of each process as it
    starts, `report` of each stage as it ends. After a failure no stage starts; those running finish.
    Returns every finished stage, in the order they ended."""
    jobs = jobs or os.cpu_count() or 1
    waiting = {stage: set(before) for stage, before in stages.items()}
    ended: queue.Queue[Finished] = queue.Queue()
    finished: list[Finished] = []
    running = 0

    def reproduce(stage: str, environment: dict[str, str]) -> None:
        begun = time.perf_counter()
        command = [DVC, "--wait-for-lock", "repro", "--single-item", *flags, stage]
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment
        )
        if started:
            started(stage, process)
        output = process.communicate()[0]
        ended.put(Finished(stage, process.returncode, output, time.perf_counter() - begun))

    while waiting or running:
        failed = any(done.returncode for done in finished)
        ready = [stage for stage, before in waiting.items() if not before] if not failed else []
        # A stage that starts alone has every core: no other can become ready before it ends.
        environment = stage_environment(1 if running == 0 and len(ready) == 1 else jobs)
        for stage in ready[: jobs - running]:
            del waiting[stage]
            running += 1
            threading.Thread(target=reproduce, args=(stage, environment), daemon=True).start()
        if not running:
            break
        done = ended.get()
        running -= 1
        finished.append(done)
        if report:
            report(done)
        if not done.returncode:
            for before in waiting.values():
                before.discard(done.stage)
    return finished


def stage_graph() -> dict[str, set[str]]:
    """Every stage of the project (DVC's names, in dvc.yaml's order) and the stages whose outputs it reads."""
    from dvc.repo import Repo

    with Repo() as repo:
        graph = repo.index.graph  # an edge runs from a stage to a stage it depends on
        return {
            stage.addressing: {before.addressing for before in graph.successors(stage)} for stage in graph
        }


def changed_stages() -> list[str]:
    """The stages `dvc status` finds changed (their downstream will be checked after them)."""
    from dvc.repo import Repo

    with Repo() as repo:
        return list(repo.status())


def _echo(done: Finished) -> None:
    print(done.output, end="" if done.output.endswith("\n") else "\n", flush=True)
    print(f"{done.stage}: {'done' if not done.returncode else 'FAILED'} in {done.seconds:.1f} s", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m homl.core.parallel_repro", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "targets", nargs="*", help="stages to reproduce, with what they depend on (default: all)"
    )
    parser.add_argument("-f", "--force", action="store_true", help="re-run every stage, as dvc repro --force")
    parser.add_argument("-j", "--jobs", type=int, help="stages at once (default: one per core)")
    args = parser.parse_args(argv)
    upstream = stage_graph()
    unknown = sorted(set(args.targets) - set(upstream))
    if unknown:
        parser.error(f"no such stage: {', '.join(unknown)}")
    changed = None if args.force else changed_stages()  # DVC decides again as each stage starts
    stages = plan(upstream, args.targets or list(upstream), changed)
    if not stages:
        print("Data and pipelines are up to date.")
        return 0
    finished = run(
        stages,
        ["--force"] if args.force else [],
        args.jobs,
        started=lambda stage, _: print(f"{stage}: started", flush=True),
        report=_echo,
    )
    failed = [done.stage for done in finished if done.returncode]
    if failed:
        print(f"error: stage {failed[0]} failed; no stage started after it", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
