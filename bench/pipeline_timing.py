"""Benchmark: `dvc repro --force` of the whole pipeline, with each stage's wall time and peak memory.

A stage runs from its "Running stage" line to the next one (DVC's hashing and lock writing included).
Its peak memory is the sum of the peak resident sizes (VmHWM) of the processes it started, read from
/proc every POLL_SECONDS: an upper bound when a stage's worker processes peak at different times. Its CPU
time is the sum of those processes' user and system time, last read at most POLL_SECONDS before each ended:
CPU time over wall time is how many of the cores the stage kept busy. The machine's float32 product rate,
timed before and after, says how fast the machine was during the run: these shared machines vary by a
fifth from hour to hour, so compare runs with it beside them.

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
from timing import commit

from homl.core import io

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
    owner: dict[int, str] = {}
    peaks: dict[int, int] = {}
    cpu: dict[int, float] = {}
    while dvc.poll() is None:
        if starts:
            stage = starts[-1][0]
            for pid in descendants(dvc.pid):
                owner.setdefault(pid, stage)
                peaks[pid] = max(peaks.get(pid, 0), peak_kb(pid))
                cpu[pid] = max(cpu.get(pid, 0.0), cpu_seconds(pid))
        time.sleep(POLL_SECONDS)
    reader.join()
    finished = time.perf_counter()
    product_after = matmul_flops_per_second(*MACHINE_PRODUCT)
    if dvc.returncode:
        raise SystemExit(f"{' '.join(command)} failed with status {dvc.returncode}")
    ends = [at for _, at in starts[1:]] + [finished]
    stages = [
        {
            "stage": name,
            "seconds": end - start,
            "peak_mb": sum(kb for pid, kb in peaks.items() if owner[pid] == name) / 1024,
            "cpu_seconds": sum(seconds for pid, seconds in cpu.items() if owner[pid] == name),
        }
        for (name, start), end in zip(starts, ends, strict=True)
    ]
    return {
        "commit": commit(),
        "cores": os.cpu_count(),
        "total_seconds": finished - started,
        "machine_product_gflops": {"before": product_before / 1e9, "after": product_after / 1e9},
        "stages": stages,
    }


def main() -> None:
    run = measure(["dvc", "repro", "--force"])
    io.write_json(RESULTS, run)
    print(f"dvc repro --force: {run['total_seconds']:.0f} s on {run['cores']} cores")


if __name__ == "__main__":
    main()
