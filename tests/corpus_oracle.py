"""The extended oracle: every branch of every TTree of the public ROOT test-file collection,
read by arrowroot and by uproot (PyPI), compared entry by entry.

The collection is `../shared/testdata/corpus/` (165 files of scikit-hep-testdata, written by
ROOT 3.x to 6.3x through experiments' software; see its MANIFEST.md). A user's clone does not
have it: tests/test_corpus_oracle.py then skips with that reason.

Each file is checked in its own child process (`corpus_oracle.py --worker FILE`), so a crash
of the native engine is counted as a crash of that file and not lost with the run; a file that
takes longer than --timeout seconds counts as a hang. Per file the worker:

- opens it with uproot and with arrowroot (Python package) and lists the TTrees
  (classes TTree, TNtuple, TNtupleD, every cycle); arrowroot must list the same ones;
- runs `arrowroot ls` and `arrowroot schema` on every tree (the CLI must not crash);
- for every branch uproot lists (`tree.keys(recursive=True)`, parents included), reads it with
  uproot (`library="ak"`) and with arrowroot, and classifies it:
    identical        both read it and every entry is equal (tests/oracle_common.same, exact);
    different        both read it and some entry differs                       -> failure
    declined         arrowroot says Unsupported (a clean error naming the branch), uproot reads it;
    parent           a branch without data of its own whose sub-branches arrowroot reads, and
                     arrowroot says so (InvalidArgument "... read its sub-branches ...");
    corruption       arrowroot says Corruption where uproot reads the branch     -> failure
    error            any other arrowroot error where uproot reads it             -> failure
    uproot-declined  uproot cannot read it (arrowroot may or may not);
  and checks that `Tree.unsupported()` agrees with what reading does (a branch listed as
  readable must read; one listed as unsupported must fail with UnsupportedError).
- RNTuples (class ROOT::RNTuple): every top-level field is read by uproot
  (`ntuple.arrays([field], library="ak")`) and by arrowroot (`arrays([field])`), compared in
  the canonical form of tests/rntuple_values.py, classified with the same outcomes, and
  counted in rows of their own ("RNTuple fields ...").
- Duplicate branch names (ROOT allows them): uproot's name lookup gives the first; the n-th
  sibling of one name (n >= 2) is addressed in arrowroot as `name;n` (README, "Duplicate
  names"; oracle_common.addressed_names).

(Over 500 lines: the worker, the driver and the table of one oracle stay together so a run is
one file; the RNTuple value rules live in tests/rntuple_values.py.)

Run directly for the table:
    .venv/bin/python tests/corpus_oracle.py [--corpus DIR] [--jobs 2] [--json out.json] [FILE...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import traceback
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "testdata" / "corpus"
TREE_CLASSES = ("TTree", "TNtuple", "TNtupleD")
RNTUPLE_CLASS = "ROOT::RNTuple"

# Branch outcomes. FAILURES break the test.
IDENTICAL = "identical"
DIFFERENT = "different"
DECLINED = "declined"
PARENT = "parent"
CORRUPTION = "corruption"
ERROR = "error"
UPROOT_DECLINED = "uproot-declined"
FAILURES = (DIFFERENT, CORRUPTION, ERROR)
# At most this share of the branches uproot reads may be declined (each a clean Unsupported).
MAX_DECLINED_FRACTION = 0.02
OUTCOMES = (IDENTICAL, DIFFERENT, DECLINED, PARENT, CORRUPTION, ERROR, UPROOT_DECLINED)


def corpus_dir() -> Path:
    """ARROWROOT_CORPUS_DIR, else ../shared/testdata/corpus beside the repository, else the
    project machines' /work/shared/testdata/corpus (a clone made elsewhere, as CI's)."""
    if os.environ.get("ARROWROOT_CORPUS_DIR"):
        return Path(os.environ["ARROWROOT_CORPUS_DIR"])
    for candidate in (DEFAULT_CORPUS, Path("/work/shared/testdata/corpus")):
        if candidate.is_dir():
            return candidate
    return DEFAULT_CORPUS


def cli_path() -> Path:
    return Path(os.environ.get("ARROWROOT_CLI", REPO_ROOT / "build" / "arrowroot"))


def corpus_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.root") if p.is_file())


# --- the worker (one file, in a child process) ---------------------------------------------------


def _one_line(text: str, limit: int = 400) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[:limit] + "..."


def _arrowroot_values(tree, names: list[str]):
    """{name: list of values} for the names that read, {name: exception} for the others.
    All at once first; when that fails, one by one, so one bad branch hides no other."""
    import pyarrow as pa  # noqa: F401  (arrowroot returns pyarrow tables)

    values: dict[str, list] = {}
    errors: dict[str, BaseException] = {}
    if not names:
        return values, errors
    try:
        table = tree.arrays(names, threads=1)
        for n in names:
            values[n] = table.column(n).to_pylist()
        return values, errors
    except Exception:  # noqa: BLE001 - narrowed below, branch by branch
        pass
    for n in names:
        try:
            table = tree.arrays([n], threads=1)
            values[n] = table.column(0).to_pylist()
        except Exception as exc:  # noqa: BLE001 - classified by the caller
            errors[n] = exc
    return values, errors


def _classify_error(exc: BaseException) -> str:
    import arrowroot

    if isinstance(exc, arrowroot.UnsupportedError):
        return DECLINED
    if isinstance(exc, arrowroot.CorruptionError):
        return CORRUPTION
    if isinstance(exc, arrowroot.InvalidArgumentError) and "sub-branches" in str(exc):
        return PARENT
    return ERROR


def check_file(path: Path) -> dict:
    """Everything the oracle records about one file (JSON-serialisable)."""
    warnings.simplefilter("ignore")
    import awkward as ak
    import uproot

    import arrowroot
    from oracle_common import (addressed_names, first_difference, null_value, second_opinion,
                               with_nulls)

    result: dict = {"file": path.name, "trees": [], "problems": [], "notes": []}

    try:
        ufile = uproot.open(path)
        classnames = ufile.classnames(recursive=True, cycle=True)
    except Exception as exc:  # noqa: BLE001 - uproot's limits are not ours to test
        result["uproot_open_error"] = f"{type(exc).__name__}: {_one_line(exc)}"
        # arrowroot may refuse it too, but must not crash (this process would die).
        try:
            with arrowroot.open(path) as f:
                f.keys()
        except arrowroot.Error:
            pass
        return result
    tree_keys = [k for k, c in classnames.items() if c in TREE_CLASSES]

    try:
        afile = arrowroot.open(path)
    except Exception as exc:  # noqa: BLE001
        result["problems"].append(f"arrowroot.open failed where uproot opens the file: "
                                  f"{type(exc).__name__}: {_one_line(exc)}")
        return result
    try:
        a_keys = afile.keys(cycle=True)
        a_trees = afile.trees()
    except Exception as exc:  # noqa: BLE001
        result["problems"].append(f"listing failed: {type(exc).__name__}: {_one_line(exc)}")
        a_keys, a_trees = [], []
    result["bad_keys"] = [str(x) for x in getattr(afile, "bad_keys", lambda: [])()]
    missing_keys = sorted(set(classnames) - set(a_keys))
    if missing_keys:
        result["problems"].append(f"keys uproot lists and arrowroot does not: {missing_keys[:10]}")
    u_tree_names = sorted({k.rsplit(";", 1)[0] for k in tree_keys})
    # Tree-like objects: arrowroot's trees() may list RNTuples beside TTrees (they are read
    # through the same API); what it lists must be TTrees or RNTuples uproot lists.
    rntuple_names = {k.rsplit(";", 1)[0] for k, c in classnames.items() if c == RNTUPLE_CLASS}
    if sorted(set(a_trees) - (rntuple_names - set(u_tree_names))) != u_tree_names:
        result["problems"].append(f"trees(): arrowroot {sorted(set(a_trees))}, uproot {u_tree_names}")

    cli = cli_path()
    for key in tree_keys:
        entry = {"tree": key, "branches": {}}
        result["trees"].append(entry)
        for command in ("ls", "schema"):
            target = str(path) if command == "ls" else f"{path}:{key}"
            proc = subprocess.run([str(cli), command, target], capture_output=True, text=True,
                                  errors="replace", timeout=120, stdin=subprocess.DEVNULL)
            if proc.returncode not in (0, 1):
                result["problems"].append(f"`arrowroot {command} {target}` exited "
                                          f"{proc.returncode}: {_one_line(proc.stderr, 300)}")
        try:
            utree = ufile[key]
            paths = list(utree.keys(recursive=True, full_paths=True))
            ubranches = list(utree.values(recursive=True))
        except Exception as exc:  # noqa: BLE001
            entry["uproot_error"] = f"{type(exc).__name__}: {_one_line(exc)}"
            continue
        names = addressed_names(paths)
        try:
            atree = afile[key]
            unsupported = atree.unsupported()
            a_names = atree.keys()
            atree.schema  # noqa: B018 - must not crash
        except Exception as exc:  # noqa: BLE001
            result["problems"].append(f"tree {key}: arrowroot cannot open it: "
                                      f"{type(exc).__name__}: {_one_line(exc)}")
            for n in names:
                entry["branches"][n] = {"outcome": ERROR, "why": f"tree: {_one_line(exc)}"}
            continue
        if atree.num_entries != utree.num_entries:
            result["problems"].append(f"tree {key}: {atree.num_entries} entries, uproot has "
                                      f"{utree.num_entries}")

        expected: dict[str, object] = {}
        branches = dict(zip(names, ubranches))
        for name, branch in zip(names, ubranches):
            typename = ""
            try:
                typename = branch.typename
            except Exception:  # noqa: BLE001
                pass
            try:
                # The tree's entries: a branch may hold more than its tree says (string-example.root,
                # `Refs`: fEntries 0, a branch of 2), and a tree's columns have its length, as
                # uproot's tree.arrays() and ROOT's TTree::GetEntries() have.
                expected[name] = branch.array(library="ak", entry_stop=utree.num_entries)
            except Exception as exc:  # noqa: BLE001 - uproot's limits are not ours to test
                entry["branches"][name] = {"outcome": UPROOT_DECLINED, "type": typename,
                                           "why": f"{type(exc).__name__}: {_one_line(exc, 200)}"}
                continue
            entry["branches"][name] = {"type": typename}

        asked = [n for n in names if n in expected and n in a_names and n not in unsupported]
        values, errors = _arrowroot_values(atree, asked)
        for name in names:
            rec = entry["branches"][name]
            if name not in expected:
                # uproot cannot read it: reading it with arrowroot must not crash (checked
                # by getting here), whatever the answer.
                if name in a_names and name not in unsupported:
                    _, errs = _arrowroot_values(atree, [name])
                    rec["arrowroot"] = ("reads it" if not errs
                                        else f"{type(errs[name]).__name__}: {_one_line(errs[name], 200)}")
                continue
            if name not in a_names:
                rec["outcome"] = ERROR
                rec["why"] = "not in arrowroot's Tree.keys()"
                continue
            if name in unsupported:
                # Must agree with reading: asking for it gives UnsupportedError (or the parent hint).
                _, errs = _arrowroot_values(atree, [name])
                exc = errs.get(name)
                if exc is None:
                    rec["outcome"] = ERROR
                    rec["why"] = f"unsupported() lists it ({_one_line(unsupported[name], 200)}) but it reads"
                    continue
                rec["outcome"] = _classify_error(exc)
                rec["why"] = f"{type(exc).__name__}: {_one_line(exc, 300)}"
                if rec["outcome"] not in (DECLINED, PARENT):
                    rec["why"] += " (unsupported() lists it)"
                continue
            if name in errors:
                exc = errors[name]
                outcome = _classify_error(exc)
                rec["outcome"] = outcome if outcome == CORRUPTION else ERROR
                rec["why"] = (f"{type(exc).__name__}: {_one_line(exc, 300)}"
                              " (unsupported() says it is readable)")
                continue
            want = with_nulls(ak.to_list(expected[name]), utree.num_entries,
                              null_value(branches[name]))
            diff = first_difference(want, values[name], exact=True)
            if diff is None:
                rec["outcome"] = IDENTICAL
                continue
            second = second_opinion(utree, branches[name], name, values[name])
            if second is not None:
                rec["outcome"] = IDENTICAL
                rec["note"] = second
            else:
                rec["outcome"] = DIFFERENT
                rec["why"] = diff
    result["rntuples"] = [check_rntuple(path, ufile, afile, key)
                          for key, c in classnames.items() if c == RNTUPLE_CLASS]
    return result


def check_rntuple(path: Path, ufile, afile, key: str) -> dict:
    """Every top-level field of one RNTuple: uproot vs arrowroot (outcomes as for branches)."""
    from rntuple_values import canon, first_difference, is_flat_numeric, numpy_difference, schema

    entry: dict = {"ntuple": key, "fields": {}}
    try:
        untuple = ufile[key]
        nodes = schema(untuple)
    except Exception as exc:  # noqa: BLE001 - uproot's limits are not ours to test
        entry["uproot_error"] = f"{type(exc).__name__}: {_one_line(exc)}"
        return entry
    try:
        antuple = afile[key]
        a_fields = list(antuple.keys())
    except Exception as exc:  # noqa: BLE001
        outcome = _classify_error(exc)
        for name, node in nodes.items():
            entry["fields"][name] = {"outcome": outcome if outcome == DECLINED else ERROR,
                                     "type": node.type_name, "why": f"ntuple: {_one_line(exc, 300)}"}
        return entry
    for name, node in nodes.items():
        rec = entry["fields"][name] = {"type": node.type_name}
        # Flat numeric fields compare as NumPy arrays: a Python list per entry of 10^8 entries
        # (test_int_multicluster) would take minutes.
        flat = is_flat_numeric(node)
        try:
            arr = untuple.arrays([name], library="np" if flat else "ak")[name]
            want = arr if flat else arr.to_list()
        except Exception as exc:  # noqa: BLE001
            rec.update(outcome=UPROOT_DECLINED, why=f"{type(exc).__name__}: {_one_line(exc, 200)}")
            continue
        if name not in a_fields:
            rec.update(outcome=ERROR, why="not in arrowroot's keys()")
            continue
        try:
            column = antuple.arrays([name]).column(0)
            got = column.to_numpy() if flat and column.null_count == 0 else column.to_pylist()
        except Exception as exc:  # noqa: BLE001
            outcome = _classify_error(exc)
            rec.update(outcome=outcome if outcome in (DECLINED, CORRUPTION) else ERROR,
                       why=f"{type(exc).__name__}: {_one_line(exc, 300)}")
            continue
        if flat and not isinstance(got, list):
            diff = numpy_difference(want, got, node)
        else:
            diff = first_difference([canon(v, node) for v in list(want)], [canon(v, node) for v in got])
        rec["outcome"] = IDENTICAL if diff is None else DIFFERENT
        if diff is not None:
            rec["why"] = diff
    return entry


# Address space of one worker. uproot needs 13 GB for one branch of uproot-issue-123a.root
# (and then fails); two of those at once get the run killed. With the cap it fails with a
# MemoryError instead, which counts as uproot declining that branch.
WORKER_ADDRESS_SPACE_BYTES = 6 << 30


def worker_main(path: Path) -> int:
    import resource

    if os.environ.get("ARROWROOT_ORACLE_SELF_TEST") == "crash":
        os.abort()  # tests/test_corpus_oracle.py: a dying worker must count as a crash

    resource.setrlimit(resource.RLIMIT_AS, (WORKER_ADDRESS_SPACE_BYTES, WORKER_ADDRESS_SPACE_BYTES))
    sys.path.insert(0, str(HERE))
    try:
        result = check_file(path)
    except Exception:  # noqa: BLE001 - an oracle bug or an unexpected exception: report it
        result = {"file": path.name, "trees": [],
                  "problems": ["the check raised: " + _one_line(traceback.format_exc(), 2000)]}
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


# --- the driver ------------------------------------------------------------------------------


def run_file(path: Path, timeout: float) -> dict:
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", str(path)],
                              capture_output=True, text=True, errors="replace", timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return {"file": path.name, "trees": [], "hang": True,
                "problems": [f"no answer within {timeout:.0f} s (hang)"],
                "seconds": time.monotonic() - start}
    seconds = time.monotonic() - start
    if proc.returncode != 0 or not proc.stdout.strip():
        tail = _one_line(proc.stderr[-1500:], 1500)
        return {"file": path.name, "trees": [], "crash": True,
                "problems": [f"the reading process died (exit {proc.returncode}): {tail}"],
                "seconds": seconds}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["seconds"] = seconds
    return result


def run(files: list[Path], jobs: int, timeout: float) -> list[dict]:
    """Check every file in its own process, `jobs` at a time; the biggest first, so that the
    longest ones do not start last. Results come back in the order of `files`."""
    order = sorted(range(len(files)), key=lambda i: -files[i].stat().st_size)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        done = dict(zip(order, pool.map(lambda i: run_file(files[i], timeout), order)))
    return [done[i] for i in range(len(files))]


def summarize(results: list[dict]) -> dict:
    counts = dict.fromkeys(OUTCOMES, 0)
    files_with_trees = 0
    trees = 0
    second_opinions = 0
    rn_counts = dict.fromkeys(OUTCOMES, 0)
    rntuples = 0
    for r in results:
        for n in r.get("rntuples", []):
            rntuples += 1
            for rec in n["fields"].values():
                rn_counts[rec.get("outcome", ERROR)] += 1
        if r["trees"]:
            files_with_trees += 1
        for t in r["trees"]:
            trees += 1
            for rec in t["branches"].values():
                counts[rec.get("outcome", ERROR)] += 1
                second_opinions += "note" in rec
    readable_by_uproot = sum(v for k, v in counts.items() if k != UPROOT_DECLINED)
    return {
        "files": len(results),
        "files_with_trees": files_with_trees,
        "uproot_cannot_open": sum(1 for r in results if "uproot_open_error" in r),
        "trees": trees,
        "branches": sum(counts.values()),
        "uproot_reads": readable_by_uproot,
        "crashes": sum(1 for r in results if r.get("crash")),
        "hangs": sum(1 for r in results if r.get("hang")),
        "file_problems": sum(len(r["problems"]) for r in results),
        "second_opinions": second_opinions,
        **counts,
        "declined_fraction": (counts[DECLINED] / readable_by_uproot) if readable_by_uproot else 0.0,
        "rntuples": rntuples,
        "rntuple_fields": {k: v for k, v in rn_counts.items()},
    }


def table(summary: dict) -> str:
    rows = [
        ("files (with TTrees)", f"{summary['files']} ({summary['files_with_trees']})"),
        ("files uproot cannot open", summary["uproot_cannot_open"]),
        ("TTrees", summary["trees"]),
        ("branches (uproot reads)", f"{summary['branches']} ({summary['uproot_reads']})"),
        ("identical", summary[IDENTICAL]),
        ("  of which uproot's default reading is off", summary["second_opinions"]),
        ("different", summary[DIFFERENT]),
        ("declined by arrowroot", f"{summary[DECLINED]} ({100 * summary['declined_fraction']:.2f} %)"),
        ("parents, read their sub-branches", summary[PARENT]),
        ("corruption errors", summary[CORRUPTION]),
        ("other errors", summary[ERROR]),
        ("declined by uproot", summary[UPROOT_DECLINED]),
        ("crashed files", summary["crashes"]),
        ("hung files", summary["hangs"]),
        ("file-level problems", summary["file_problems"]),
        ("RNTuples", summary["rntuples"]),
        ("RNTuple fields: identical / different / declined",
         " / ".join(str(summary["rntuple_fields"][k]) for k in (IDENTICAL, DIFFERENT, DECLINED))),
        ("RNTuple fields: corruption / other errors / declined by uproot",
         " / ".join(str(summary["rntuple_fields"][k]) for k in (CORRUPTION, ERROR, UPROOT_DECLINED))),
    ]
    width = max(len(r[0]) for r in rows)
    lines = [f"| {'':<{width}} | count |", f"|{'-' * (width + 2)}|------:|"]
    lines += [f"| {name:<{width}} | {value} |" for name, value in rows]
    return "\n".join(lines)


def problems(results: list[dict], kinds=FAILURES) -> list[str]:
    out = []
    for r in results:
        out += [f"{r['file']}: {p}" for p in r["problems"]]
        for t in r["trees"]:
            for name, rec in t["branches"].items():
                if rec.get("outcome") in kinds:
                    out.append(f"{r['file']}:{t['tree']} {name!r} [{rec.get('type', '')}] "
                               f"{rec['outcome']}: {rec.get('why', '')}")
        for n in r.get("rntuples", []):
            for name, rec in n["fields"].items():
                if rec.get("outcome") in kinds:
                    out.append(f"{r['file']}:{n['ntuple']} (RNTuple) {name!r} [{rec.get('type', '')}] "
                               f"{rec['outcome']}: {rec.get('why', '')}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="files (default: the whole corpus)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--json", type=Path, help="write every file's record here")
    parser.add_argument("--show", default="failures",
                        help="which branches to list: failures, declined, parent, second, all")
    parser.add_argument("--skip-missing", action="store_true",
                        help="exit 0 with a reason when the corpus is not there (a user's clone)")
    args = parser.parse_args(argv)
    if args.worker:
        return worker_main(args.worker)
    directory = args.corpus or corpus_dir()
    if not args.files and not directory.is_dir() and args.skip_missing:
        print(f"extended oracle skipped: no corpus at {directory} (the public test-file "
              "collection sits beside the repository in ../shared/testdata/corpus on the "
              "project's machines; a user's clone has none; set ARROWROOT_CORPUS_DIR to use one)")
        return 0
    files = args.files or corpus_files(directory)
    if not files:
        print(f"no .root files in {directory}", file=sys.stderr)
        return 2
    start = time.monotonic()
    results = run(files, args.jobs, args.timeout)
    summary = summarize(results)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "results": results}, indent=1))
    if args.show == "second":
        for r in results:
            for t in r["trees"]:
                for name, rec in t["branches"].items():
                    if "note" in rec:
                        print(f"{r['file']}:{t['tree']} {name!r}: {rec['note']}")
    else:
        kinds = {"failures": FAILURES, "declined": (DECLINED,), "parent": (PARENT,),
                 "all": OUTCOMES}[args.show]
        for line in problems(results, kinds):
            print(line)
    print(table(summary))
    print(f"{len(files)} files in {time.monotonic() - start:.0f} s with {args.jobs} jobs")
    bad = summary["crashes"] + summary["hangs"] + summary["file_problems"] + sum(
        summary[k] + summary["rntuple_fields"][k] for k in FAILURES)
    if summary["declined_fraction"] > MAX_DECLINED_FRACTION:
        print(f"declined {100 * summary['declined_fraction']:.2f} % of the branches uproot "
              f"reads: more than {100 * MAX_DECLINED_FRACTION:.0f} %")
        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
