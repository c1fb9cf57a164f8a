"""Peak memory and throughput of iterating the ~1 GB generated file in 100 MB steps.

    .venv/bin/python bench/python/iterate_memory.py [--data-dir build/bench-data] [--step "100 MB"]

The requirement it measures: "bounded memory: peak RSS while iterating a generated ~1 GB file
in 100 MB steps stays under about 2.5 x the step". This is a measurement, not a test: it prints
numbers and exits 0 whatever they are.

Each measurement runs in a fresh child process (this script with ``--child MODE``), so one
reader's heap cannot inflate the next one's numbers. In the child:

1. import numpy, pyarrow and the reader under test, open the file and its tree, gc.collect();
2. baseline = RSS now; reset the kernel's RSS high-water mark to it (``/proc/self/clear_refs``);
3. iterate over every branch with ``step_size`` (default "100 MB"); each step is touched (sum of
   ``MET_pt`` and of the flattened ``Jet_pt``) then dropped before the next is read;
4. peak = the kernel's high-water mark (VmHWM, exact; a 2 ms RSS polling thread and
   ``ru_maxrss`` are reported as cross-checks).

ratio = (peak - baseline) / step, the step being the requested byte size (100 MB = 1e8 bytes).

Modes: ``arrowroot`` = ``tree.iterate(step_size=..., library="pa")`` (pyarrow Tables);
``arrowroot-batches`` = ``tree.batches(step_size=...)`` (pyarrow RecordBatches, no Table);
``uproot`` = ``uproot`` ``tree.iterate(step_size=..., library="ak")`` (``--uproot-library``).
The file is read once by the parent first, so every mode reads from a warm page cache (page
cache is not part of a process's RSS: neither reader memory-maps the file).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    DEFAULT_DATA_DIR, MB, TREE, PeakSampler, data_file, fmt_mb, hwm_bytes, machine_cpu_seconds,
    other_load_warning, reset_peak_rss,
    rss_bytes, ru_maxrss_bytes, warm_page_cache,
)

MODES = ("arrowroot", "arrowroot-batches", "uproot")
LIMIT = 2.5


def parse_size(text: str) -> int:
    import arrowroot._api as api  # the package's own parser, so the step means the same

    return api.parse_memory_size(text)


# --- child --------------------------------------------------------------------------------------

def child(mode: str, path: str, step: str, uproot_library: str) -> dict:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if mode.startswith("arrowroot"):
        import arrowroot

        tree = arrowroot.open(path)[TREE]
        if mode == "arrowroot":
            steps = tree.iterate(None, step_size=step, library="pa")
        else:
            steps = tree.batches(None, step_size=step)

        def measure(t) -> tuple[int, int]:
            return t.num_rows, t.nbytes

        def touch(t) -> float:
            return (pc.sum(t.column("MET_pt")).as_py()
                    + pc.sum(pc.list_flatten(t.column("Jet_pt"))).as_py())
        lib_version = f"arrowroot {getattr(arrowroot, '__version__', '?')}, pyarrow {pa.__version__}"
    elif mode == "uproot":
        import awkward as ak
        import uproot

        tree = uproot.open(path)[TREE]
        steps = tree.iterate(step_size=step, library=uproot_library)

        def measure(t) -> tuple[int, int]:
            if uproot_library == "ak":
                return len(t), t.nbytes
            if uproot_library == "np":
                n = len(t["event"])
                return n, sum(_np_nbytes(v) for v in t.values())
            return len(t), int(t.memory_usage(deep=True).sum())  # pd

        def touch(t) -> float:
            if uproot_library == "ak":
                return float(ak.sum(t["MET_pt"])) + float(ak.sum(t["Jet_pt"]))
            if uproot_library == "np":
                return float(t["MET_pt"].sum()) + float(sum(x.sum() for x in t["Jet_pt"]))
            return float(t["MET_pt"].sum()) + float(t["Jet_pt"].apply(lambda x: x.sum()).sum())
        lib_version = f"uproot {uproot.__version__}, awkward {ak.__version__}"
    else:
        raise SystemExit(f"unknown mode {mode!r}")

    gc.collect()
    baseline = rss_bytes()
    exact = reset_peak_rss()
    ru_before = ru_maxrss_bytes()
    per_step: list[dict] = []
    checksum = 0.0
    with PeakSampler() as sampler:
        t0 = time.perf_counter()
        for t in steps:
            rows, nbytes = measure(t)
            checksum += touch(t)
            per_step.append({"entries": rows, "nbytes": nbytes, "rss_after": rss_bytes()})
            del t
        elapsed = time.perf_counter() - t0
    hwm = hwm_bytes() if exact else None
    peak = hwm if hwm is not None else max(sampler.peak, ru_maxrss_bytes())
    return {
        "mode": mode, "lib": lib_version, "baseline": baseline, "peak": peak,
        "peak_source": "VmHWM" if hwm is not None else "max(polling, ru_maxrss)",
        "peak_polled": sampler.peak, "samples": sampler.samples, "ru_maxrss": ru_maxrss_bytes(),
        "ru_maxrss_before": ru_before, "elapsed": elapsed, "steps": per_step,
        "checksum": checksum, "numpy": np.__version__,
    }


def _np_nbytes(v) -> int:
    if v.dtype == object:
        return sum(x.nbytes for x in v) + v.nbytes
    return v.nbytes


# --- parent -------------------------------------------------------------------------------------

def run_child(mode: str, path: Path, args: argparse.Namespace) -> dict | None:
    m0, c0 = machine_cpu_seconds(), resource.getrusage(resource.RUSAGE_CHILDREN)
    w0 = time.perf_counter()
    r = _run_child(mode, path, args)
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    if r is not None:
        r["other_cpus"] = max(0.0, machine_cpu_seconds() - m0 - own) / (time.perf_counter() - w0)
    return r


def _run_child(mode: str, path: Path, args: argparse.Namespace) -> dict | None:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", mode, "--file", str(path),
           "--step", args.step, "--uproot-library", args.uproot_library]
    env = dict(os.environ, **dict(kv.split("=", 1) for kv in args.env))
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        print(f"\n[{mode}] child failed (exit {out.returncode}):\n{out.stderr}", file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(r: dict, step_bytes: int, entries_total: int) -> None:
    steps = r["steps"]
    n_entries = sum(s["entries"] for s in steps)
    total = sum(s["nbytes"] for s in steps)
    sizes = [s["nbytes"] for s in steps]
    ents = [s["entries"] for s in steps]
    grow = r["peak"] - r["baseline"]
    ratio = grow / step_bytes
    big = max(sizes) if sizes else 0
    print(f"\n[{r['mode']}]  ({r['lib']})")
    print(f"  steps                  {len(steps)}   entries {n_entries:,}"
          f"{'' if n_entries == entries_total else f'  (tree has {entries_total:,}!)'}")
    print(f"  entries per step       min {min(ents):,}  max {max(ents):,}")
    print(f"  decoded bytes per step min {fmt_mb(min(sizes))}  mean {fmt_mb(total / len(sizes))}"
          f"  max {fmt_mb(big)}   (total {fmt_mb(total)})")
    print(f"  baseline RSS           {fmt_mb(r['baseline'])}  (after imports + open)")
    print(f"  peak RSS               {fmt_mb(r['peak'])}  [{r['peak_source']}; polled "
          f"{fmt_mb(r['peak_polled'])} from {r['samples']} samples; ru_maxrss "
          f"{fmt_mb(r['ru_maxrss'])}]")
    print(f"  RSS holding each step  min {fmt_mb(min(s['rss_after'] for s in steps))}  "
          f"max {fmt_mb(max(s['rss_after'] for s in steps))}")
    print(f"  (peak - baseline)/step {ratio:.2f}  -> under {LIMIT}: {'yes' if ratio < LIMIT else 'NO'}"
          f"   [(peak - baseline)/largest step's bytes: {grow / big:.2f}]")
    print(f"  time                   {r['elapsed']:.2f} s   {total / MB / r['elapsed']:,.0f} MB/s "
          f"decoded, {n_entries / r['elapsed'] / 1e6:,.2f} M entries/s")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    p.add_argument("--file", type=Path, help="a ROOT file with tree Events (default: big.root of --data-dir)")
    p.add_argument("--step", default="100 MB", help='step_size for both readers (default "100 MB")')
    p.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of {', '.join(MODES)}")
    p.add_argument("--repeat", type=int, default=3,
                   help="runs of each mode, interleaved (default 3); details are printed for the first")
    p.add_argument("--uproot-library", default="ak", choices=("ak", "np", "pd"))
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                   help="environment for the child processes, e.g. MALLOC_MMAP_THRESHOLD_=131072 "
                        "(glibc: large buffers always mmap'ed, returned to the OS on free)")
    p.add_argument("--json", type=Path, help="also write the raw results here")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.child:
        print(json.dumps(child(args.child, str(args.file), args.step, args.uproot_library)))
        return

    path = args.file or data_file(args.data_dir, "big")
    step_bytes = parse_size(args.step)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    import uproot

    entries = uproot.open(path)[TREE].num_entries
    print(f"file {path}: {os.path.getsize(path) / MB:,.1f} MB on disk, {entries:,} entries")
    print(f"step_size={args.step!r} = {step_bytes:,} bytes; Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs" + (f"; child env {' '.join(args.env)}" if args.env else ""))
    t = time.perf_counter()
    warm_page_cache(path)
    print(f"page cache warmed ({time.perf_counter() - t:.1f} s)")
    results = []
    for rep in range(args.repeat):
        for mode in modes:
            r = run_child(mode, path, args)
            if r is None:
                continue
            r["run"] = rep + 1
            results.append(r)
            if rep == 0:
                report(r, step_bytes, entries)
    print(f"\nsummary: every run (fresh child process each; ratio = (peak RSS - baseline RSS) / "
          f"{fmt_mb(step_bytes)} step):")
    print(f"  {'mode':<18} {'run':>3} {'steps':>5} {'max step':>10} {'baseline':>10} {'peak':>10} "
          f"{'ratio':>6} {'<2.5':>5} {'MB/s':>7} {'Mentries/s':>10}")
    for mode in modes:
        for r in (r for r in results if r["mode"] == mode):
            total = sum(s["nbytes"] for s in r["steps"])
            ratio = (r["peak"] - r["baseline"]) / step_bytes
            print(f"  {mode:<18} {r['run']:>3} {len(r['steps']):>5} "
                  f"{fmt_mb(max(s['nbytes'] for s in r['steps'])):>10} "
                  f"{fmt_mb(r['baseline']):>10} {fmt_mb(r['peak']):>10} {ratio:>6.2f} "
                  f"{'yes' if ratio < LIMIT else 'NO':>5} {total / MB / r['elapsed']:>7,.0f} "
                  f"{sum(s['entries'] for s in r['steps']) / r['elapsed'] / 1e6:>10.2f}"
                  f"{other_load_warning(r['other_cpus'])}")
    if args.repeat > 1:
        print(f"\nper mode over {args.repeat} runs: worst ratio; throughput median (best) of the runs "
              "no other process disturbed (all runs if none)")
        for mode in modes:
            rs = [r for r in results if r["mode"] == mode]
            if not rs:
                continue
            worst = max((r["peak"] - r["baseline"]) / step_bytes for r in rs)
            clean = [r for r in rs if r["other_cpus"] <= 0.15] or rs
            mbs = [sum(s["nbytes"] for s in r["steps"]) / MB / r["elapsed"] for r in clean]
            eps = [sum(s["entries"] for s in r["steps"]) / 1e6 / r["elapsed"] for r in clean]
            print(f"  {mode:<18} ratio {worst:.2f} ({'under' if worst < LIMIT else 'ABOVE'} {LIMIT})   "
                  f"{statistics.median(mbs):,.0f} ({max(mbs):,.0f}) MB/s decoded   "
                  f"{statistics.median(eps):.2f} ({max(eps):.2f}) M entries/s   "
                  f"[{len(clean)} of {len(rs)} runs]")
    if args.json:
        args.json.write_text(json.dumps({"file": str(path), "step_bytes": step_bytes,
                                         "results": results}, indent=1))


if __name__ == "__main__":
    main()
