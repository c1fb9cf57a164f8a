"""The harness's "RNTuple (local)" section (``bench/run --only rntuple``) and its table.

The NanoAOD-like events written as an RNTuple ``Events`` by the ROOT wheel (gen_data.py
``--rntuple zstd``: ROOT::RNTupleWriter, ROOT's default options, zstd-5; uproot's writer when
the wheel is unavailable), read with the same selections as the TTree section (all fields / 5
/ 1 jagged) at 1 and 2 threads by: arrowroot (the CLI's ``bench`` and the Python API, the same
calls as for the TTree, at ``file:Events``), uproot (``arrays(filter_name=...)``), ROOT
(RNTupleReader + RNTupleView<void> loop, and RDataFrame; implicit MT 1 / 2), and the
decompress-only floor (every page of the selected columns decompressed, from the page lists;
single-threaded, like the TTree floor). A reader that fails (arrowroot before its RNTuple
reader lands) is reported with its error, not measured. Goals (issue 18): ≥ 3× uproot, ≥ 1.5×
ROOT, ≤ 1.25× the floor.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import nanoaod

CODEC = "zstd"  # ROOT's default RNTuple compression (505)
UPROOT_MIN, ROOT_MIN, FLOOR_MAX = 3.0, 1.5, 1.25
MB = 1_000_000


def ensure_rntuple(args, root_py, log) -> dict:
    """The RNTuple file (cached beside the TTree files, its own manifest)."""
    here = Path(__file__).resolve().parent
    data_dir = args.data_dir / f"nanoaod-{args.events}"
    data_dir.mkdir(parents=True, exist_ok=True)
    writer = "root" if root_py else "uproot"
    params = {"generator_version": nanoaod.GENERATOR_VERSION, "events": args.events,
              "seed": args.seed, "writer": writer, "codec": CODEC, "format": "RNTuple",
              "mantissa_bits": nanoaod.MANTISSA_BITS, "chunk": nanoaod.CHUNK}
    manifest = data_dir / "rntuple-manifest.json"
    if manifest.exists():
        m = json.loads(manifest.read_text())
        f = m.get("file", {})
        p = data_dir / f.get("file", "-")
        if m.get("params") == params and p.exists() and p.stat().st_size == f["bytes"]:
            log(f"rntuple data: {p} (cached; written by {f['writer']})")
            return {**f, "path": str(p)}
    log(f"rntuple data: writing {args.events:,} events as an RNTuple into {data_dir} with {writer}"
        + ("" if root_py else " (the ROOT wheel is unavailable: uproot's RNTuple writer)") + " ...")
    t0 = time.perf_counter()
    out = subprocess.run([root_py or sys.executable, "-W", "ignore", str(here / "gen_data.py"),
                          "--writer", writer, "--entries", str(args.events), "--seed", str(args.seed),
                          "--out-dir", str(data_dir), "--codecs", "", "--rntuple", CODEC],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"RNTuple data generation failed:\n{out.stderr[-3000:]}")
    f = next(json.loads(x) for x in out.stdout.splitlines() if x.startswith("{") and '"codec"' in x)
    manifest.write_text(json.dumps({"params": params, "file": f}, indent=1) + "\n")
    log(f"rntuple data: written in {time.perf_counter() - t0:.0f} s")
    return {**f, "path": str(data_dir / f["file"])}


def _variants(has_cli: bool, root_py) -> list[tuple[str, str, str, int]]:
    """(key, label, worker, threads)"""
    plural = {1: "1 thread", 2: "2 threads"}
    v = []
    if has_cli:
        v += [(f"arrowroot-cli/{n}", f"arrowroot CLI, {plural[n]}", "cli", n) for n in (1, 2)]
    v += [(f"arrowroot-py/{n}", f"arrowroot Python, {plural[n]}", "arrowroot", n) for n in (1, 2)]
    v += [(f"uproot/{n}", f"uproot, {plural[n]}", "uproot", n) for n in (1, 2)]
    if root_py:
        v += [(f"root-ntuple/{n}", f"ROOT RNTupleReader views loop, IMT {n}", f"root{n}", n) for n in (1, 2)]
        v += [(f"root-rdf/{n}", f"ROOT RDataFrame, IMT {n}", f"root{n}", n) for n in (1, 2)]
    v.append(("floor", "decompress-only floor (1 thread)", "floor", 1))
    return v


def _one(key, how, workers, h, path, cols, threads, only=None) -> dict:
    if how == "cli":
        return h.run_cli(h.cli, path, cols, threads)
    if how == "floor":
        return workers["floor"].call(op="ntuple_floor", path=path, tree=nanoaod.TREE, columns=cols,
                                     repeat=1, only=only)
    reader = key.split("/")[0] if key.startswith("root") else how
    return workers[how].call(op="read", reader=reader, path=path, tree=nanoaod.TREE, columns=cols,
                             threads=threads)


def rntuple_section(args, root_py, results: dict, h) -> None:
    """h: the harness's helpers (Worker, run_cli, cli, cli_bench_available, log, warm_page_cache)."""
    log = h.log
    f = ensure_rntuple(args, root_py, log)
    path = f["path"]
    has_cli, why_cli = h.cli_bench_available(h.cli)
    py = sys.executable
    workers = {"arrowroot": h.Worker("arrowroot", py), "uproot": h.Worker("uproot", py),
               "floor": h.Worker("floor", py)}
    if root_py:
        workers["root1"] = h.Worker("root1", root_py, ["--root-imt", "0"])
        workers["root2"] = h.Worker("root2", root_py, ["--root-imt", "2"])
    variants = _variants(has_cli, root_py)
    res = {"file": f, "codec": CODEC, "cli": {"available": has_cli, "why": why_cli},
           "judge": args.judge, "variants": {k: label for k, label, _, _ in variants},
           "selections": dict(nanoaod.SELECTIONS), "layouts": {}, "runs": [], "errors": {},
           "root": {"available": root_py is not None}}
    results["rntuple"] = res
    try:
        h.warm_page_cache(Path(path))
        for sel, cols in nanoaod.SELECTIONS.items():
            lay = workers["floor"].call(op="ntuple_layout", path=path, tree=nanoaod.TREE, columns=cols)
            if not lay.get("ok"):
                raise RuntimeError(f"layout of {path} ({sel}): {lay.get('error')}")
            res["layouts"][sel] = lay
        for key, label, how, n in variants:  # warm-up (not counted): imports, JIT, first calls
            if how != "floor":
                r = _one(key, how, workers, h, path, nanoaod.SELECTIONS["5 branches"], n)
                if not r.get("ok"):
                    res["errors"][key] = r.get("error")
        log(f"\nrntuple: {Path(path).name} ({f['bytes'] / MB:.1f} MB, {f['writer']}), "
            f"{len(nanoaod.SELECTIONS)} selections x {len(variants)} readers, best of {args.repeat}")
        for sel, cols in nanoaod.SELECTIONS.items():
            lay = res["layouts"][sel]
            best: dict[str, float] = {}
            count: dict[str, int] = {}
            failed: set[str] = set()
            fastest = None
            for rep in range(args.repeat):
                order = variants[rep % len(variants):] + variants[:rep % len(variants)]
                for key, label, how, n in order:
                    if key in failed or (count.get(key, 0) >= args.min_repeat
                                         and best.get(key, 0) > args.slow_seconds):
                        continue
                    r = _one(key, how, workers, h, path, cols, n, fastest)
                    if how == "floor" and r.get("ok") and fastest is None:
                        fastest = {t: x["fastest"] for t, x in r["tags"].items()}
                    r.pop("traceback", None)
                    r.update({"selection": sel, "variant": key, "threads": n, "rep": rep})
                    res["runs"].append(r)
                    if r.get("ok"):
                        count[key] = count.get(key, 0) + 1
                        best[key] = min(best.get(key, float("inf")), r["seconds"])
                    else:
                        failed.add(key)  # not retried: reported with its error
                        res["errors"][key] = r.get("error")
                        log(f"  !! {label} failed on {sel}: {str(r.get('error'))[:300]}")
            line = "  ".join(f"{k} {lay['uncompressed_bytes'] / MB / v:5.0f}" for k, v in best.items())
            log(f"  {sel:<11} MB/s: {line}")
    finally:
        for w in workers.values():
            w.close()


# --- report -----------------------------------------------------------------------------------

def best_runs(res: dict) -> dict:
    out: dict = {}
    for r in res.get("runs", []):
        if r.get("ok"):
            k = (r["selection"], r["variant"])
            if k not in out or r["seconds"] < out[k]["seconds"]:
                out[k] = r
    return out


def _judged(res: dict, best: dict, n: int) -> str:
    cli, py = f"arrowroot-cli/{n}", f"arrowroot-py/{n}"
    if res["cli"]["available"] and res.get("judge", "cli") == "cli" and any(k[1] == cli for k in best):
        return cli
    return py


def ratios(res: dict) -> list[dict]:
    best = best_runs(res)

    def sec(s, v):
        return best[(s, v)]["seconds"] if (s, v) in best else None

    def div(a, b):
        return None if a is None or b is None or b == 0 else a / b

    rows = []
    for s in res["selections"]:
        for n in (1, 2):
            a = _judged(res, best, n)
            roots = [x for x in (sec(s, f"root-ntuple/{n}"), sec(s, f"root-rdf/{n}")) if x]
            rows.append({"selection": s, "threads": n, "arrowroot": a,
                         "uproot": div(sec(s, f"uproot/{n}"), sec(s, a)),
                         "root": div(min(roots) if roots else None, sec(s, a)),
                         "floor": div(sec(s, a), sec(s, "floor"))})
    return rows


def table(results: dict) -> list[str]:
    res = results.get("rntuple")
    if not res:
        return []
    best = best_runs(res)
    keys = list(res["variants"])
    lines = [f"### RNTuple (local): `{Path(res['file']['path']).name}`, {res['file']['bytes'] / MB:,.1f} MB, "
             f"{res['file']['entries']:,} entries, written by {res['file']['writer']} ({res['codec']})", "",
             f"Goals (issue 18): arrowroot ≥ {UPROOT_MIN:g}× uproot, ≥ {ROOT_MIN:g}× ROOT (the faster of "
             f"RNTupleReader and RDataFrame), ≤ {FLOOR_MAX:g}× the decompress-only floor; same thread count, "
             "the floor is single-threaded. MB/s of uncompressed page data, best run. uproot 5.7's RNTuple "
             "`arrays()` ignores `decompression_executor` (not implemented yet), so its 2-thread run is "
             "a 1-thread run.", "",
             "| selection | MB unc. | MB comp. | pages | " + " | ".join(keys) + " |",
             "|---|---:|---:|---:|" + "---:|" * len(keys)]
    for s in res["selections"]:
        lay = res["layouts"].get(s)
        if not lay:
            continue
        u = lay["uncompressed_bytes"]
        cells = [s, f"{u / MB:,.1f}", f"{lay['compressed_bytes'] / MB:,.1f}", str(lay["pages"])]
        for k in keys:
            b = best.get((s, k))
            if b:
                cells.append(f"{u / MB / b['seconds']:,.0f}")
            elif k in res["errors"]:
                cells.append(f"{k.split('/')[0]}: error")
            else:
                cells.append("–")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| selection | threads | judged | ×uproot (goal ≥ 3) | ×ROOT (goal ≥ 1.5) | /floor (goal ≤ 1.25) |",
              "|---|---:|---|---:|---:|---:|"]

    def cell(x, ok):
        return "–" if x is None else f"{x:.2f}× {'✅' if ok(x) else '❌'}"

    for r in ratios(res):
        lines.append(f"| {r['selection']} | {r['threads']} | {r['arrowroot']} | "
                     f"{cell(r['uproot'], lambda x: x >= UPROOT_MIN)} | {cell(r['root'], lambda x: x >= ROOT_MIN)} | "
                     f"{cell(r['floor'], lambda x: x <= FLOOR_MAX) if r['threads'] == 1 else '–'} |")
    if res["errors"]:
        lines += ["", "Not measured (the reader failed):", ""]
        lines += [f"- {res['variants'].get(k, k)}: arrowroot: `{str(e).strip()[:400]}`" if k.startswith("arrowroot")
                  else f"- {res['variants'].get(k, k)}: `{str(e).strip()[:400]}`" for k, e in res["errors"].items()]
    lines.append("")
    return lines
