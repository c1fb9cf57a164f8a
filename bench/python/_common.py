"""Shared helpers of the Python benchmarks (data locations, the manifest, RSS probes).

Not a test module and not part of the package: imported by the scripts next to it, which are
run as ``.venv/bin/python bench/python/<script>.py`` (so this directory is on sys.path).
"""

from __future__ import annotations

import json
import os
import resource
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = REPO / "build" / "bench-data"
MANIFEST = "manifest.json"
TREE = "Events"

MB = 1_000_000  # the benchmarks use decimal MB, as step_size="100 MB" does


def load_manifest(data_dir: Path) -> dict:
    path = Path(data_dir) / MANIFEST
    if not path.exists():
        raise SystemExit(
            f"no {path}: generate the data first with "
            f"`.venv/bin/python bench/python/generate.py --data-dir {data_dir}`"
        )
    return json.loads(path.read_text())


def data_file(data_dir: Path, name: str) -> Path:
    """Path of a generated file by manifest name ("big", "small_0", ...), checked."""
    manifest = load_manifest(data_dir)
    if name not in manifest["files"]:
        raise SystemExit(f"{name!r} is not in {Path(data_dir) / MANIFEST}; re-run generate.py")
    entry = manifest["files"][name]
    path = Path(data_dir) / entry["file"]
    if not path.exists() or path.stat().st_size != entry["bytes"]:
        raise SystemExit(f"{path} is missing or has the wrong size; re-run generate.py")
    return path


def small_files(data_dir: Path) -> list[Path]:
    manifest = load_manifest(data_dir)
    names = sorted(n for n in manifest["files"] if n.startswith("small_"))
    if not names:
        raise SystemExit("no small_* files in the manifest; re-run generate.py")
    return [data_file(data_dir, n) for n in names]


def warm_page_cache(path: Path, block: int = 16 << 20) -> None:
    """Read a file once so later reads hit the page cache (page cache is not in our RSS:
    both arrowroot (pread) and uproot (file reads) copy out of it rather than map it)."""
    with open(path, "rb", buffering=0) as f:
        while f.read(block):
            pass


# --- RSS --------------------------------------------------------------------------------------

def rss_bytes() -> int:
    """Current resident set size (VmRSS), bytes."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def reset_peak_rss() -> bool:
    """Reset the kernel's RSS high-water mark (VmHWM, also what ru_maxrss reports) to the
    current RSS (Linux >= 4.0: write 5 to /proc/self/clear_refs). False when not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def hwm_bytes() -> int | None:
    """The kernel's RSS high-water mark (VmHWM) in bytes, exact (no sampling)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def ru_maxrss_bytes() -> int:
    """getrusage(RUSAGE_SELF).ru_maxrss in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class PeakSampler:
    """Polls RSS from a thread, as a cross-check of the kernel's VmHWM. It needs the GIL to
    run, so it samples well while arrowroot reads (GIL released) and less well during long
    GIL-holding stretches (it can then miss short spikes; VmHWM cannot)."""

    def __init__(self, interval: float = 0.002) -> None:
        self.interval = interval
        self.peak = rss_bytes()
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            r = rss_bytes()
            self.samples += 1
            if r > self.peak:
                self.peak = r
            time.sleep(self.interval)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


def machine_cpu_seconds() -> float:
    """CPU time used by every process on the machine so far (/proc/stat: all but idle and
    iowait), in seconds; with the own process's CPU time, shows whether something else ran."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    busy = sum(fields[:8]) - fields[3] - fields[4]  # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def other_load_warning(other_cpus: float) -> str:
    return (f"  !! other processes used {other_cpus:.2f} CPUs meanwhile: timings are disturbed"
            if other_cpus > 0.15 else "")


def fmt_mb(n: float) -> str:
    return f"{n / MB:,.1f} MB"
