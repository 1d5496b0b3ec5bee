"""Benchmark: the whole pipeline forced, as `make repro REPRO_FLAGS=--force` runs it (`homl.core.parallel_repro`:
a `dvc repro --single-item --force` per stage, one stage per core at a time), with each stage's wall time,
CPU time and peak memory.

A stage runs from the start of its DVC process to its end (DVC's start-up, hashing and lock writing
included, and the time it shares the cores with the stage beside it). Its peak memory is the sum of the
peak resident sizes (VmHWM) of its processes (DVC's own included), read from /proc every POLL_SECONDS: an
upper bound when they peak at different times. Its CPU time is the sum of those processes' user and
system time, last read at most POLL_SECONDS before each ended: CPU time over wall time is how many of the
cores the stage kept busy. The machine's float32 product rate, timed before and after, says how fast the
machine was during the run: these shared machines vary by a fifth from hour to hour, so compare runs with
it beside them. `measure` times one DVC command stage by stage instead (bench/quick_run.py).

Writes bench/results/pipeline_timing.json (never the metrics, which must not change from run to run).
Run with the data already downloaded:  python bench/pipeline_timing.py
"""

import os
import re
import subprocess
import threading
import time
from pathlib import Path

from kernels import matmul_flops_per_second
from timing import provenance

from homl.core import io, parallel_repro

RESULTS = Path(__file__).parent / "results" / "pipeline_timing.json"
POLL_SECONDS = 0.1
MACHINE_PRODUCT = (2_500, 784, 20_000)  # (rows, inner, columns): a product like one chunk of the searches'
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
STAGE_LINE = re.compile(r"^Running stage '([^']+)'")


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found[1:]


def peak_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) if match else 0


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


class Usage:
    """Peak memory and CPU time of processes, each counted for the stage that owned it when first seen."""

    def __init__(self) -> None:
        self.owner: dict[int, str] = {}
        self.peaks: dict[int, int] = {}
        self.cpu: dict[int, float] = {}

    def poll(self, stage: str, pids: list[int]) -> None:
        for pid in pids:
            self.owner.setdefault(pid, stage)
            self.peaks[pid] = max(self.peaks.get(pid, 0), peak_kb(pid))
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu_seconds(pid))

    def of(self, stage: str, seconds: float) -> dict:
        return {
            "stage": stage,
            "seconds": seconds,
            "peak_mb": sum(kb for pid, kb in self.peaks.items() if self.owner[pid] == stage) / 1024,
            "cpu_seconds": sum(seconds for pid, seconds in self.cpu.items() if self.owner[pid] == stage),
        }


def result(total_seconds: float, products: tuple[float, float], stages: list[dict], **details) -> dict:
    """A timed run as the results file holds it: the commit, the cores, the total, the product rate
    before and after (flop/s), each stage's figures, and any `details`."""
    before, after = products
    return {
        **provenance(),
        **details,
        "total_seconds": total_seconds,
        "machine_product_gflops": {"before": before / 1e9, "after": after / 1e9},
        "stages": stages,
    }


def measure(command: list[str], cwd: str | Path | None = None) -> dict:
    """Run `command` (a DVC command that prints "Running stage" lines) and time it stage by stage, with
    the machine's float32 product rate before and after."""
    product_before = matmul_flops_per_second(*MACHINE_PRODUCT)
    started = time.perf_counter()
    dvc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    starts: list[tuple[str, float]] = []

    def read_output() -> None:
        for line in dvc.stdout:
            if match := STAGE_LINE.match(line):
                starts.append((match.group(1), time.perf_counter()))
                print(line, end="", flush=True)

    reader = threading.Thread(target=read_output)
    reader.start()
    usage = Usage()
    while dvc.poll() is None:
        if starts:
            usage.poll(starts[-1][0], descendants(dvc.pid))
        time.sleep(POLL_SECONDS)
    reader.join()
    finished = time.perf_counter()
    product_after = matmul_flops_per_second(*MACHINE_PRODUCT)
    if dvc.returncode:
        raise SystemExit(f"{' '.join(command)} failed with status {dvc.returncode}")
    ends = [at for _, at in starts[1:]] + [finished]
    stages = [usage.of(name, end - start) for (name, start), end in zip(starts, ends, strict=True)]
    return result(finished - started, (product_before, product_after), stages)


def measure_side_by_side(jobs: int | None = None) -> dict:
    """Every stage forced by `parallel_repro.run`, `jobs` at once (default: one per core), each timed from
    its DVC process's start to its end, with the machine's float32 product rate before and after."""
    stages = parallel_repro.plan(upstream := parallel_repro.stage_graph(), upstream)
    product_before = matmul_flops_per_second(*MACHINE_PRODUCT)
    running: dict[str, subprocess.Popen] = {}
    usage, done = Usage(), threading.Event()

    def poll() -> None:
        while not done.is_set():
            for stage, process in list(running.items()):
                usage.poll(stage, [process.pid, *descendants(process.pid)])
            time.sleep(POLL_SECONDS)

    def report(finished: parallel_repro.Finished) -> None:
        running.pop(finished.stage, None)
        print(f"{finished.stage}: {finished.seconds:.1f} s", flush=True)

    poller = threading.Thread(target=poll)
    poller.start()
    started = time.perf_counter()
    finished = parallel_repro.run(stages, ["--force"], jobs, started=running.__setitem__, report=report)
    total = time.perf_counter() - started
    done.set()
    poller.join()
    product_after = matmul_flops_per_second(*MACHINE_PRODUCT)
    failed = [run for run in finished if run.returncode]
    if failed:
        raise SystemExit(f"stage {failed[0].stage} failed:\n{failed[0].output}")
    stages = [usage.of(run.stage, run.seconds) for run in finished]
    return result(total, (product_before, product_after), stages, stages_at_once=jobs or os.cpu_count())


def main() -> None:
    run = measure_side_by_side()
    io.write_json(RESULTS, run)
    print(
        f"every stage forced, {run['stages_at_once']} at once: {run['total_seconds']:.0f} s on {run['cores']} cores"
    )


if __name__ == "__main__":
    main()
