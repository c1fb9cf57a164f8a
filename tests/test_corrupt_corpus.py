"""Damaged ROOT files must give a clean error or the pristine file's values, never a crash.

The corpus comes from tests/corrupt_corpus.py (deterministic; see its docstring for the kinds
of damage). For every case the CLI (`arrowroot ls FILE` and `arrowroot cat FILE:TREE` for every
tree of the pristine file) runs in a subprocess with a timeout and a memory cap, and each run
must either

- exit 0 and print only values the pristine file has: the same rows (possibly fewer, e.g. a
  smaller fEntries) and the same values in every column it prints (a column may be missing when
  its branch became unreadable); this is waived only for damage nothing can notice (a flipped
  bit in uncompressed data, see `Case.strict`), or
- exit 1 with one line `arrowroot: error: ...` on stderr that names the file;

and never die from a signal, print a sanitizer report, time out or exceed the memory cap.
Run the CLI built with ARROWROOT_SANITIZE=ON (point ARROWROOT_CLI at it): ASan's own limits
(hard_rss_limit_mb, max_allocation_size_mb) then catch memory blow-ups; for other binaries the
address space is capped with RLIMIT_AS.

A sample of the cases also goes through the Python API (the installed package) in a
subprocess: it must return a table or raise an `arrowroot.Error` subclass.

By default a fixed subset runs (a few hundred cases, for CI). ARROWROOT_CORRUPT_FULL=1 runs the
full corpus (every 4th generated case, a few thousand), ARROWROOT_CORRUPT_FULL=all every
generated case. ARROWROOT_CORRUPT_KEEP=DIR writes each failing case's file there.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

import corrupt_corpus
from conftest import TESTDATA_DIR, Cli

CASE_TIMEOUT_SECONDS = float(os.environ.get("ARROWROOT_CORRUPT_TIMEOUT", "20"))
MEMORY_CAP_BYTES = 4 << 30  # RLIMIT_AS for a binary without ASan
ASAN_RSS_LIMIT_MB = 2048
ASAN_MAX_ALLOCATION_MB = 1024
WORKERS = max(1, min(4, os.cpu_count() or 1))
ERROR_PREFIX = "arrowroot: error:"
SANITIZER_MARKERS = ("Sanitizer", "runtime error:", "LeakSanitizer", "AddressSanitizer")
PYTHON_SAMPLE_EVERY = 25  # every n-th case also through the Python API

_mode = os.environ.get("ARROWROOT_CORRUPT_FULL", "")
FULL = _mode not in ("", "0")
EVERY_CASE = _mode == "all"


def _selected_cases() -> list[corrupt_corpus.Case]:
    if not FULL:
        return corrupt_corpus.cases(full=False)
    cs = corrupt_corpus.cases(full=True)
    if EVERY_CASE:
        return cs
    # Every 4th case by a hash of its id (stable), plus every seek case and every control.
    return [c for c in cs
            if c.kind == "seek" or c.id.endswith(".rehomed") or zlib.crc32(c.id.encode()) % 4 == 0]


CASES = _selected_cases()
SOURCES = sorted({c.source for c in CASES})


# --- running the CLI -----------------------------------------------------------------------------


@dataclass
class Run:
    args: list[str]
    returncode: int | None  # None: timed out
    stdout: str
    stderr: str
    seconds: float


@lru_cache(maxsize=None)
def _is_asan(path: str) -> bool:
    with open(path, "rb") as f:
        data = f.read()
    return b"__asan_init" in data or b"AddressSanitizer" in data


def _limit_address_space():  # runs in the child (preexec_fn)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _env(cli: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Sanitizer failures get exit codes of their own (ASan's default, 1, is our error code).
    env["ASAN_OPTIONS"] = ":".join([
        "exitcode=86", "allocator_may_return_null=1", f"hard_rss_limit_mb={ASAN_RSS_LIMIT_MB}",
        f"max_allocation_size_mb={ASAN_MAX_ALLOCATION_MB}", "detect_leaks=1",
        "handle_abort=1", "disable_coredump=1"])
    env["UBSAN_OPTIONS"] = "halt_on_error=1:exitcode=87:print_stacktrace=1"
    env["LSAN_OPTIONS"] = "exitcode=88"
    return env


def run_cli(cli: Path, *args: str, timeout: float = CASE_TIMEOUT_SECONDS) -> Run:
    argv = [str(cli), *args]
    asan = _is_asan(str(cli))
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, capture_output=True, text=True, errors="replace",
                           timeout=timeout, stdin=subprocess.DEVNULL, env=_env(cli),
                           preexec_fn=None if asan else _limit_address_space)
        return Run(argv, p.returncode, p.stdout, p.stderr, time.monotonic() - t0)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return Run(argv, None, out, err, time.monotonic() - t0)


def _problem_with_failure(run: Run, file_name: str) -> str | None:
    """None if `run` failed cleanly or succeeded; else what is wrong."""
    if run.returncode is None:
        return f"timed out after {run.seconds:.1f} s"
    if any(m in run.stderr for m in SANITIZER_MARKERS):
        return f"sanitizer report (exit {run.returncode}):\n{run.stderr[-3000:]}"
    if run.returncode < 0:
        return f"killed by signal {-run.returncode}:\n{run.stderr[-2000:]}"
    if run.returncode == 0:
        return None
    if run.returncode != 1:
        return f"exit {run.returncode}:\n{run.stderr[-2000:]}"
    lines = run.stderr.strip().splitlines()
    if len(lines) != 1 or not lines[0].startswith(ERROR_PREFIX):
        return f"exit 1 but stderr is not one '{ERROR_PREFIX}' line:\n{run.stderr[-2000:]}"
    if file_name not in lines[0]:
        return f"the error does not name the file {file_name!r}: {lines[0]}"
    return None


def _compare_rows(pristine: list[str], got: list[str]) -> str | None:
    """None if every row of `got` holds values of the same row of `pristine`."""
    if len(got) > len(pristine):
        return f"{len(got)} rows, the pristine file has {len(pristine)}"
    for i, line in enumerate(got):
        if line == pristine[i]:
            continue
        try:
            g, p = json.loads(line), json.loads(pristine[i])
        except ValueError:
            return f"row {i} is not JSON: {line[:200]}"
        for col, v in g.items():
            if col not in p:
                return f"row {i}: column {col!r} is not in the pristine file"
            if v != p[col] and not (v != v and p[col] != p[col]):  # NaN == NaN here
                return f"row {i}, column {col!r}: {str(v)[:120]} != pristine {str(p[col])[:120]}"
    return None


@lru_cache(maxsize=None)
def _pristine(cli_path: str, source: str) -> tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """(ls output, ((tree, jsonl lines), ...)) of the undamaged file."""
    cli = Path(cli_path)
    path = str(TESTDATA_DIR / source)
    ls = run_cli(cli, "ls", path, timeout=300)
    assert ls.returncode == 0, f"pristine {source}: ls failed: {ls.stderr}"
    out = []
    for t in _cat_trees(source):
        r = run_cli(cli, "cat", f"{path}:{t}", timeout=300)
        assert r.returncode == 0, f"pristine {source}:{t}: cat failed: {r.stderr}"
        out.append((t, tuple(r.stdout.splitlines())))
    return ls.stdout, tuple(out)


def _cat_trees(source: str) -> list[str]:
    """Trees to `cat`: those with branches. A tree without branches has nothing that could
    check its fEntries, and `cat` prints one empty row per entry (a damaged fEntries of 2^32
    would print 2^32 lines); `ls` still reads its record."""
    import uproot

    f = uproot.open(TESTDATA_DIR / source)
    return [t for t, _k, _d in corrupt_corpus.layout(source).trees if len(f[t].branches) > 0]


@dataclass
class Outcome:
    case: corrupt_corpus.Case
    problems: list[str]
    exact: int  # runs that exited 0 with the full pristine output
    partial: int  # runs that exited 0 with a subset (fewer rows or columns)
    lenient_diff: int  # lenient runs that exited 0 with other values (allowed)
    errors: int  # runs that exited 1 cleanly
    seconds: float


def check_case(cli: Path, case: corrupt_corpus.Case, workdir: Path) -> Outcome:
    pristine_bytes = (TESTDATA_DIR / case.source).read_bytes()
    ls_out, trees = _pristine(str(cli), case.source)
    safe = case.id.replace("/", "_").replace(":", "_").replace("[", "(").replace("]", ")")
    path = workdir / f"{abs(hash(case.id)) % 10**10}-{case.source}"
    path.write_bytes(case.apply(pristine_bytes))
    o = Outcome(case, [], 0, 0, 0, 0, 0.0)
    try:
        runs = [("ls", run_cli(cli, "ls", str(path)), None)]
        for tree, lines in trees:
            runs.append((f"cat :{tree}", run_cli(cli, "cat", f"{path}:{tree}"), lines))
        for what, run, lines in runs:
            o.seconds += run.seconds
            p = _problem_with_failure(run, path.name)
            if p:
                o.problems.append(f"{what}: {p}")
                continue
            if run.returncode == 1:
                o.errors += 1
                continue
            if lines is None:  # ls: any listing is fine if it did not crash
                o.exact += run.stdout == ls_out
                o.partial += run.stdout != ls_out
                continue
            got = run.stdout.splitlines()
            diff = _compare_rows(list(lines), got)
            if diff is None:
                if len(got) == len(lines) and got == list(lines):
                    o.exact += 1
                else:
                    o.partial += 1
            elif case.strict:
                o.problems.append(f"{what}: exit 0 with wrong values: {diff}")
            else:
                o.lenient_diff += 1
        keep = os.environ.get("ARROWROOT_CORRUPT_KEEP")
        if o.problems and keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            (Path(keep) / f"{safe}.root").write_bytes(path.read_bytes())
    finally:
        path.unlink(missing_ok=True)
    return o


# --- the tests -------------------------------------------------------------------------------------

_SUMMARY: dict[str, dict[str, float]] = {}


def _summarise(source: str, outcomes: list[Outcome], wall: float) -> None:
    by_kind: dict[str, int] = {}
    for o in outcomes:
        by_kind[o.case.kind] = by_kind.get(o.case.kind, 0) + 1
    _SUMMARY[source] = {
        "cases": len(outcomes), "wall_s": round(wall, 1),
        "exact": sum(o.exact for o in outcomes), "partial": sum(o.partial for o in outcomes),
        "lenient_diff": sum(o.lenient_diff for o in outcomes),
        "errors": sum(o.errors for o in outcomes),
        "failed_cases": sum(1 for o in outcomes if o.problems),
        **{f"kind:{k}": v for k, v in sorted(by_kind.items())},
    }


@pytest.fixture(scope="module", autouse=True)
def _print_summary(request):
    yield
    if not _SUMMARY:
        return
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        _write_summary(print)


def _write_summary(write) -> None:
    write("")
    write(f"corrupt corpus ({'full' if FULL else 'CI subset'}): {len(CASES)} cases")
    for src, s in sorted(_SUMMARY.items()):
        write(f"  {src}: " + ", ".join(f"{k} {v}" for k, v in s.items()))


def test_corpus_is_deterministic_and_big_enough():
    a = [(c.id, c.edits, c.base) for c in corrupt_corpus.cases(full=True)]
    b = [(c.id, c.edits, c.base) for c in corrupt_corpus.cases(full=True)]
    assert a == b
    assert len({c[0] for c in a}) == len(a), "case ids must be unique"
    assert len(a) >= 2000
    kinds = {c.kind for c in corrupt_corpus.cases(full=True)}
    assert kinds == {"truncate", "bitflip", "zero", "field", "seek"}
    assert 100 <= len(corrupt_corpus.cases(full=False)) < len(a)


def test_edits_change_the_file():
    for c in CASES[::7]:
        pristine = (TESTDATA_DIR / c.source).read_bytes()
        damaged = c.apply(pristine)
        if c.id.endswith(".rehomed"):
            assert len(damaged) > len(pristine)
        else:
            assert damaged != pristine, c.id


@pytest.mark.parametrize("source", SOURCES)
def test_cli_on_corrupt_files(arrowroot_cli: Cli, source: str, tmp_path: Path):
    cases = [c for c in CASES if c.source == source]
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(lambda c: check_case(arrowroot_cli.path, c, tmp_path), cases))
    _summarise(source, outcomes, time.monotonic() - t0)
    bad = [o for o in outcomes if o.problems]
    if bad:
        msg = [f"{len(bad)} of {len(outcomes)} damaged variants of {source} were not handled "
               "cleanly (rerun with ARROWROOT_CORRUPT_KEEP=DIR to keep the files):"]
        for o in bad[:15]:
            msg.append(f"- {o.case.id} (strict={o.case.strict}):")
            msg.extend("    " + line for p in o.problems[:2] for line in p.splitlines()[:12])
        pytest.fail("\n".join(msg), pytrace=False)


# --- the Python API on a sample --------------------------------------------------------------------

_PY_READER = r"""
import sys, arrowroot
path, trees = sys.argv[1], sys.argv[2:]
for t in trees:
    try:
        with arrowroot.open(path) as f:
            f.keys()
            table = f[t].arrays()
            print("ok", t, table.num_rows)
    except arrowroot.Error as e:
        print("error", t, type(e).__name__)
"""

PY_CASES = CASES[::PYTHON_SAMPLE_EVERY]


@pytest.mark.parametrize("chunk", range(4))
def test_python_api_on_corrupt_files(chunk: int, tmp_path: Path):
    cases = PY_CASES[chunk::4]
    problems = []

    def one(case: corrupt_corpus.Case) -> str | None:
        path = tmp_path / f"{abs(hash(case.id)) % 10**10}-{case.source}"
        path.write_bytes(case.apply((TESTDATA_DIR / case.source).read_bytes()))
        trees = _cat_trees(case.source)
        try:
            p = subprocess.run([sys.executable, "-c", _PY_READER, str(path), *trees],
                               capture_output=True, text=True, timeout=60,
                               preexec_fn=_limit_address_space)
        except subprocess.TimeoutExpired:
            return f"{case.id}: timed out"
        finally:
            path.unlink(missing_ok=True)
        if p.returncode != 0:
            return f"{case.id}: exit {p.returncode}:\n{p.stderr[-1500:]}"
        return None

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        problems = [p for p in pool.map(one, cases) if p]
    assert not problems, "\n".join(problems[:10])
