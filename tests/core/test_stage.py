import ctypes
import ctypes.util
import os
import subprocess
import sys

import pytest

MAPPED_BYTES = """
import ctypes, ctypes.util, subprocess, sys
import numpy as np
from homl.core import stage

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]

libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.mallinfo2.restype = MallInfo2
if sys.argv[1] in ("stage", "child"):
    stage.keep_freed_memory()
if sys.argv[1] == "child":
    sys.exit(subprocess.run([sys.executable, "-c", sys.argv[2], "default"]).returncode)
array = np.ones(2**25)
print(libc.mallinfo2().hblkhd)
"""


@pytest.mark.skipif(
    not hasattr(ctypes.CDLL(ctypes.util.find_library("c")), "mallinfo2"), reason="glibc 2.33 or later only"
)
def test_a_stage_and_its_workers_take_large_arrays_from_their_heaps_not_fresh_mappings():
    def mapped_bytes(mode: str) -> int:
        command = [sys.executable, "-c", MAPPED_BYTES, mode, MAPPED_BYTES]
        # without the variables that a stage run in this process (the fast tier) leaves behind
        unset = {name: value for name, value in os.environ.items() if not name.startswith("MALLOC_")}
        run = subprocess.run(command, capture_output=True, text=True, env=unset)
        assert run.returncode == 0, run.stderr
        return int(run.stdout)

    array_bytes = 8 * 2**25
    assert mapped_bytes("default") >= array_bytes
    assert mapped_bytes("stage") < array_bytes
    assert mapped_bytes("child") < array_bytes
