"""Running a build as an isolated, limited child: for the hostile-input table and the fuzz test.

Each run forks this test process (everything is already imported, so a run costs milliseconds), caps the
child's memory with setrlimit, kills it if it outlives a deadline, and reports its exit code, output and
any traceback. The site folder is fingerprinted before and after, symlinks and all.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import io
import json
import os
import resource
import select
import signal
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

MEMORY_HEADROOM = 1 << 30  # bytes of address space a build may add to what the test process already maps
DEADLINE = 20.0  # seconds before a run counts as a hang (a failing build takes well under one)


@dataclass(frozen=True)
class Run:
    """What one isolated build did."""

    code: int | None  # None: killed (a hang or a crash)
    stdout: str
    stderr: str
    traceback: str
    seconds: float


def tree_hash(folder: Path) -> str:
    """Return a hash of every path under `folder` with its kind, link target and bytes."""
    digest = hashlib.sha256()
    if not os.path.lexists(folder):
        return "absent"
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            digest.update(f"L {rel} {os.readlink(path)}\n".encode())
        elif path.is_dir():
            digest.update(f"D {rel}\n".encode())
        else:
            digest.update(f"F {rel} ".encode() + path.read_bytes() + b"\n")
    return digest.hexdigest()


def drop_file_capabilities() -> None:
    """Make this (root) process obey file permissions, so a chmod 000 file is unreadable to it too."""
    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    libc = ctypes.CDLL(None, use_errno=True)
    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    dac = (1 << 1) | (1 << 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
    data[0].effective &= ~dac
    data[0].permitted &= ~dac
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


def _address_space() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def run_isolated(main: Callable[[list[str]], int], argv: list[str], strict_permissions: bool = False,
                 deadline: float = DEADLINE) -> Run:
    """Run `main(argv)` in a forked child under a memory limit and a deadline; return what it did."""
    read_end, write_end = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_end)
        result = {"code": None, "stdout": "", "stderr": "", "traceback": ""}
        out, err = io.StringIO(), io.StringIO()
        try:
            limit = _address_space() + MEMORY_HEADROOM
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            if strict_permissions and os.geteuid() == 0:
                drop_file_capabilities()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                result["code"] = main(argv)
        except BaseException:  # noqa: BLE001 -- exactly what the test looks for
            result["traceback"] = traceback.format_exc()
        result["stdout"], result["stderr"] = out.getvalue(), err.getvalue()
        with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
            pipe.write(json.dumps(result))
        os._exit(0)
    os.close(write_end)
    data = b""
    while True:
        remaining = deadline - (time.monotonic() - started)
        if remaining <= 0 or not select.select([read_end], [], [], remaining)[0]:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_end)
            return Run(None, "", "", f"killed after {deadline:.0f} s: a hang", time.monotonic() - started)
        chunk = os.read(read_end, 1 << 16)
        if not chunk:  # the child closed its end: it is exiting
            break
        data += chunk
    os.close(read_end)
    os.waitpid(pid, 0)
    seconds = time.monotonic() - started
    if not data:
        return Run(None, "", "", "the child died without reporting (crashed or out of memory)", seconds)
    result = json.loads(data)
    return Run(result["code"], result["stdout"], result["stderr"], result["traceback"], seconds)
