"""Reading several files from Python threads: 1 thread (sequential) vs N threads.

    .venv/bin/python bench/python/threads.py [--data-dir build/bench-data] [--threads 2] [--repeat 3]

Reads every branch of each small generated file (``small_*.root``, 4 x ~100 MB) with
``tree.arrays()``, first one file after the other in the main thread, then with a
``concurrent.futures.ThreadPoolExecutor(N)`` (one file per task), for arrowroot
(``library="pa"``) and, in the same run, uproot (``library="ak"``). Each task opens its file,
reads it, records the decoded size and drops the result.

The files are read once by each library first (warm page cache, warm imports); then the
sequential and threaded runs alternate ``--repeat`` times and the best wall time of each is
kept. The CPU time of the process (all threads) over the wall time shows how many cores were
busy: about N when the reads run in parallel (arrowroot releases the GIL while reading and
decoding), about 1 when they take turns on the GIL. Measurements, not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    DEFAULT_DATA_DIR, MB, TREE, fmt_mb, machine_cpu_seconds, other_load_warning, small_files,
    warm_page_cache,
)


def read_arrowroot(path: Path) -> tuple[int, int]:
    import arrowroot

    with arrowroot.open(path) as f:
        table = f[TREE].arrays(library="pa")
    return table.num_rows, table.nbytes


def read_uproot(path: Path) -> tuple[int, int]:
    import uproot

    with uproot.open(path) as f:
        arrays = f[TREE].arrays(library="ak")
    return len(arrays), arrays.nbytes


READERS = {"arrowroot": read_arrowroot, "uproot": read_uproot}


def run(reader, files: list[Path], threads: int) -> dict:
    m0 = machine_cpu_seconds()
    r0, w0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    if threads == 1:
        results = [reader(p) for p in files]
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            results = list(pool.map(reader, files))
    wall, r1 = time.perf_counter() - w0, resource.getrusage(resource.RUSAGE_SELF)
    user, sys_ = r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime
    other = max(0.0, machine_cpu_seconds() - m0 - user - sys_) / wall
    return {"wall": wall, "cpu": user + sys_, "user": user, "sys": sys_, "other_cpus": other,
            "minflt": r1.ru_minflt - r0.ru_minflt, "entries": sum(r[0] for r in results),
            "nbytes": sum(r[1] for r in results)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    p.add_argument("--threads", type=int, default=2, help="threads of the parallel run (default 2)")
    p.add_argument("--repeat", type=int, default=5, help="runs of each kind; the best is kept (default 5)")
    p.add_argument("--rounds", type=int, default=2,
                   help="each run reads the file list this many times (default 2), for less noise")
    p.add_argument("--libs", default="arrowroot,uproot", help="comma-separated: arrowroot, uproot")
    args = p.parse_args()

    files = small_files(args.data_dir)
    work = files * args.rounds
    libs = [s.strip() for s in args.libs.split(",") if s.strip()]
    import arrowroot
    import awkward
    import pyarrow
    import uproot

    print(f"{len(files)} files: " + ", ".join(f"{f.name} ({f.stat().st_size / MB:,.0f} MB)" for f in files))
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs; arrowroot "
          f"{getattr(arrowroot, '__version__', '?')} + pyarrow {pyarrow.__version__}; uproot "
          f"{uproot.__version__} + awkward {awkward.__version__}")
    for f in files:
        warm_page_cache(f)

    n = args.threads
    warm: dict[str, dict] = {}
    for lib in libs:
        t = time.perf_counter()
        warm[lib] = run(READERS[lib], files, 1)  # warm-up (one round), not counted
        print(f"[{lib}] warm-up read: {warm[lib]['entries']:,} entries, "
              f"{fmt_mb(warm[lib]['nbytes'])} decoded in {time.perf_counter() - t:.2f} s")
    # Libraries and thread counts alternate, so a change in machine load hits all alike.
    runs: dict[str, dict[int, list[dict]]] = {lib: {1: [], n: []} for lib in libs}
    for rep in range(args.repeat):
        print(f"\nrepetition {rep + 1}/{args.repeat}")
        for lib in libs:
            for k in (1, n):
                r = run(READERS[lib], work, k)
                assert r["entries"] == args.rounds * warm[lib]["entries"]
                assert r["nbytes"] == args.rounds * warm[lib]["nbytes"]
                runs[lib][k].append(r)
                print(f"  {lib:<10} {k} thread{'s' if k > 1 else ' '}: wall {r['wall']:5.2f} s, "
                      f"CPU {r['cpu']:5.2f} s (user {r['user']:5.2f} + sys {r['sys']:5.2f}; "
                      f"CPU/wall {r['cpu'] / r['wall']:.2f}), {r['minflt']:>7,} page faults, "
                      f"{r['nbytes'] / MB / r['wall']:6,.0f} MB/s{other_load_warning(r['other_cpus'])}")

    print(f"\nsummary ({len(files)} files x {args.rounds} rounds per run, all branches, arrays(); "
          f"wall: best [median] of the runs; speedup = 1-thread wall / {n}-thread wall):")
    print(f"  {'library':<10} {'decoded':>10} {'1 thread':>16} {f'{n} threads':>16} {'speedup':>8} "
          f"{'median':>7} {'CPU/wall':>9} {'MB/s 1 -> ' + str(n):>16}  runs used")
    disturbed = 0
    for lib in libs:
        # Runs during which other processes were busy are left out when there are clean ones.
        used = {}
        for k, rs in runs[lib].items():
            clean = [r for r in rs if r["other_cpus"] <= 0.15]
            disturbed += len(rs) - len(clean)
            used[k] = clean or rs
        best = {k: min(rs, key=lambda r: r["wall"]) for k, rs in used.items()}
        med = {k: statistics.median(r["wall"] for r in rs) for k, rs in used.items()}
        total = args.rounds * warm[lib]["nbytes"]
        print(f"  {lib:<10} {fmt_mb(total):>10} "
              f"{best[1]['wall']:6.2f} s [{med[1]:5.2f}] {best[n]['wall']:6.2f} s [{med[n]:5.2f}] "
              f"{best[1]['wall'] / best[n]['wall']:7.2f}x {med[1] / med[n]:6.2f}x "
              f"{best[n]['cpu'] / best[n]['wall']:9.2f} "
              f"{total / MB / best[1]['wall']:7,.0f} -> {total / MB / best[n]['wall']:,.0f}"
              f"  {len(used[1])}+{len(used[n])} of {args.repeat}+{args.repeat}")
    print("  (CPU/wall of the best threaded run: ~1 = the threads took turns, ~N = they ran in parallel)")
    if disturbed:
        print(f"  !! {disturbed} runs shared the machine with other busy processes; the summary uses "
              "the undisturbed runs where there are any (see 'runs used'): rerun on an idle machine")


if __name__ == "__main__":
    main()
