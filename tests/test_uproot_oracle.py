"""Correctness oracle: arrowroot must read every TTree branch exactly as uproot does.

For each TTree file of shared/testdata/root/MANIFEST.md (#1-#28; the RNTuple files #29-#35
are not TTrees), every TTree is walked (recursively through TDirectories), and for every
branch without sub-branches uproot's `branch.array(library="ak").to_list()` is compared
with the rows of

    arrowroot cat FILE:TREEPATH -b BRANCH[,BRANCH...] --format jsonl

Branch names are uproot's full paths, `tree.keys(recursive=True, full_paths=True)`, so a
member of a split object is e.g. `evt/P3/P3.Px`.

All branches of a tree are asked for in one call. If that call fails, the branch list is
split in halves until each failing branch stands alone, so one bad branch hides no other.

Value comparison (see `same`): ints must be JSON ints and bools JSON bools; floats compare
as float64 with NaN equal to NaN (uproot's float32 values, widened to float64, must equal
ours exactly; a float that prints as an integer, e.g. `1`, is accepted for 1.0); bytes are
compared after decoding; records compare as dicts, recursively; uproot's tuples (std::map
entries) match a JSON array or a JSON object whose values, in order, are the tuple.

Where the files come from: scikit-hep-testdata 0.6.9 ships no ROOT file in its wheel (every
file would be downloaded from GitHub by `data_path`, which is impossible here). So each file
is looked up, without any download, in: the scikit-hep-testdata package and its download
cache, then this repository's testdata/, then the shared test data (ARROWROOT_TESTDATA_DIRS,
../shared/testdata/root beside the repository, /work/shared/testdata/root). A file found
nowhere is reported by test_all_test_files_available, unless KNOWN_ABSENT lists it.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from pathlib import Path

import pytest

from conftest import REPO_ROOT, TESTDATA_DIR, Cli, OracleStats

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import skhep_testdata
    import uproot

# MANIFEST.md numbers and names of the TTree files (#29-#35 are RNTuples, not tested here).
TTREE_FILES: list[tuple[int, str]] = [
    (1, "uproot-HZZ.root"),
    (2, "uproot-HZZ-lz4.root"),
    (3, "uproot-HZZ-zstd.root"),
    (4, "uproot-HZZ-objects.root"),
    (5, "uproot-Zmumu.root"),
    (6, "uproot-Zmumu-lzma.root"),
    (7, "uproot-Zmumu-uncompressed.root"),
    (8, "uproot-sample-6.20.04-uncompressed.root"),
    (9, "uproot-sample-6.20.04-zlib.root"),
    (10, "uproot-sample-6.20.04-lzma.root"),
    (11, "uproot-sample-6.20.04-lz4.root"),
    (12, "uproot-sample-5.23.02-zlib.root"),
    (13, "uproot-small-flat-tree.root"),
    (14, "uproot-small-evnt-tree-fullsplit.root"),
    (15, "uproot-stl_containers.root"),
    (16, "uproot-vectorVectorDouble.root"),
    (17, "uproot-double32-float16.root"),
    (18, "uproot-leaflist.root"),
    (19, "uproot-mc10events.root"),
    (20, "nanoAOD_2015_CMS_Open_Data_ttbar.root"),
    (21, "uproot-issue121.root"),
    (22, "uproot-issue-816.root"),
    (23, "uproot-nesteddirs.root"),
    (24, "uproot-foriter.root"),
    (25, "uproot-small-dy-nooffsets.root"),
    (26, "uproot-issue-750.root"),
    (27, "uproot-issue261.root"),
    (28, "uproot-empty.root"),
]

# Files that may be missing on a machine, with the reason. Empty: all 28 are expected.
KNOWN_ABSENT: dict[str, str] = {}

# Branches arrowroot declines on purpose: `cat` must exit 1 with
# "arrowroot: error: ... unsupported ...". At most 5 % of the compared branches.
# Key: (file name, tree path, branch full path) -> reason.
DECLINED: dict[tuple[str, str, str], str] = {}

MAX_DECLINED_FRACTION = 0.05
MAX_PROBLEMS_SHOWN = 40
ERROR_PREFIX = "arrowroot: error:"


# --- locating the files ----------------------------------------------------------------------


def _shared_dirs() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("ARROWROOT_TESTDATA_DIRS", "").split(os.pathsep) if p]
    dirs += [REPO_ROOT.parent / "shared" / "testdata" / "root", Path("/work/shared/testdata/root")]
    return dirs


def locate(name: str) -> tuple[Path | None, str]:
    """Return (path, where it was found) or (None, "") without downloading anything."""
    if name in skhep_testdata.known_files:
        in_wheel = Path(skhep_testdata.__file__).parent / "data" / name
        in_cache = Path.home() / ".local" / "skhepdata" / name  # skhep_testdata's default cache
        if in_wheel.is_file():
            return Path(skhep_testdata.data_path(name)), "scikit-hep-testdata wheel"
        if in_cache.is_file():
            return Path(skhep_testdata.data_path(name)), "scikit-hep-testdata cache"
    if (TESTDATA_DIR / name).is_file():
        return TESTDATA_DIR / name, "repo testdata/"
    for d in _shared_dirs():
        if (d / name).is_file():
            return d / name, f"shared testdata ({d})"
    return None, ""


# --- comparing values ------------------------------------------------------------------------


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def same(expected, got) -> bool:
    """Exact comparison of an uproot value (to_list) with a value parsed from our JSON."""
    if isinstance(expected, bool):
        return isinstance(got, bool) and expected == got
    if isinstance(expected, int):
        return isinstance(got, int) and not isinstance(got, bool) and expected == got
    if isinstance(expected, float):
        if not _is_number(got):
            return False
        if math.isnan(expected):
            return isinstance(got, float) and math.isnan(got)
        return float(got) == expected
    if isinstance(expected, bytes):
        if not isinstance(got, str):
            return False
        return got in (expected.decode("utf-8", "replace"), expected.decode("latin-1"))
    if isinstance(expected, str):
        return isinstance(got, str) and expected == got
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and set(expected) == set(got)
            and all(same(expected[k], got[k]) for k in expected)
        )
    if isinstance(expected, tuple):
        if isinstance(got, dict):
            got = list(got.values())
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(same(e, g) for e, g in zip(expected, got))
        )
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(same(e, g) for e, g in zip(expected, got))
        )
    if expected is None:
        return got is None
    return expected == got


def _short(value, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


_MISSING = object()


def first_difference(expected: list, got: list) -> str | None:
    """None if the columns are equal, else a description of the first difference."""
    for i, (e, g) in enumerate(zip(expected, got)):
        if g is _MISSING:
            return f"entry {i}: branch missing from the output row; expected {_short(e)}"
        if not same(e, g):
            return f"entry {i}: expected {_short(e)}, got {_short(g)}"
    if len(expected) != len(got):
        return f"{len(got)} entries in the output, uproot has {len(expected)}"
    return None


# --- running the CLI -------------------------------------------------------------------------


class CliFailure:
    def __init__(self, message: str, returncode: int | None, stderr: str):
        self.message = message
        self.returncode = returncode
        self.stderr = stderr


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else "(empty)"


def cat_jsonl(cli: Cli, file: Path, tree: str, branches: list[str] | None):
    """Run `cat --format jsonl`; return the list of row dicts, or a CliFailure."""
    args = ["cat", f"{file}:{tree}"]
    if branches:
        args += ["-b", ",".join(branches)]
    args += ["--format", "jsonl"]
    try:
        res = cli.run(*args)
    except Exception as exc:  # timeout
        return CliFailure(f"{type(exc).__name__}: {exc}", None, "")
    if res.returncode != 0:
        how = f"killed by signal {-res.returncode}" if res.returncode < 0 else f"exit {res.returncode}"
        return CliFailure(f"{how}: {_first_line(res.stderr)}", res.returncode, res.stderr)
    rows = []
    for n, line in enumerate(res.stdout.splitlines()):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            return CliFailure(f"output line {n} is not JSON ({exc}): {_short(line)}", 0, res.stderr)
        if not isinstance(row, dict):
            return CliFailure(f"output line {n} is not a JSON object: {_short(line)}", 0, res.stderr)
        rows.append(row)
    return rows


def fetch_columns(cli: Cli, file: Path, tree: str, branches: list[str]) -> dict:
    """Branch -> list of values (or CliFailure). Splits the request when the CLI fails."""
    if not branches:
        return {}
    rows = cat_jsonl(cli, file, tree, branches)
    if not isinstance(rows, CliFailure):
        return {b: [row.get(b, _MISSING) for row in rows] for b in branches}
    if len(branches) == 1 or rows.returncode in (0, None):
        # One branch, or a failure that splitting will not explain (bad output, timeout).
        return {b: rows for b in branches}
    mid = len(branches) // 2
    return fetch_columns(cli, file, tree, branches[:mid]) | fetch_columns(
        cli, file, tree, branches[mid:]
    )


# --- walking the files with uproot -----------------------------------------------------------


def tree_paths(rootfile) -> list[str]:
    keys = rootfile.keys(recursive=True, cycle=False, filter_classname="TTree")
    return list(dict.fromkeys(keys))


def leaf_branches(tree) -> list[str]:
    return [p for p in tree.keys(recursive=True, full_paths=True) if not tree[p].branches]


# --- the tests -------------------------------------------------------------------------------


def test_all_test_files_available(oracle_stats: OracleStats):
    """Every TTree file of the MANIFEST must be found locally (no download is possible)."""
    missing = []
    for number, name in TTREE_FILES:
        path, source = locate(name)
        if path is None:
            missing.append(f"#{number} {name}")
            oracle_stats.missing.append(name)
        else:
            oracle_stats.sources[name] = source
    for name in oracle_stats.sources:
        print(f"{name}: {oracle_stats.sources[name]}")
    unexplained = [m for m in missing if m.split(" ", 1)[1] not in KNOWN_ABSENT]
    assert not unexplained, (
        "test files not available locally (scikit-hep-testdata would download them from "
        "GitHub, which is not reachable): " + ", ".join(unexplained)
        + "; copy them into testdata/ or set ARROWROOT_TESTDATA_DIRS"
    )


@pytest.mark.parametrize("name", [name for _, name in TTREE_FILES])
def test_matches_uproot(name: str, arrowroot_cli: Cli, oracle_stats: OracleStats):
    path, source = locate(name)
    if path is None:
        pytest.skip(f"{name} is not available locally (see test_all_test_files_available)")
    oracle_stats.files.append(name)

    problems: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rootfile = uproot.open(path)
    for tree_path in tree_paths(rootfile):
        oracle_stats.trees += 1
        tree = rootfile[tree_path]
        where = f"{name}:{tree_path}"

        expected: dict[str, list] = {}
        for branch in leaf_branches(tree):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    expected[branch] = tree[branch].array(library="ak").to_list()
            except Exception as exc:  # uproot's limits are not ours to test
                oracle_stats.cannot_read.append(f"{where}:{branch}: {type(exc).__name__}")
        oracle_stats.compared += len(expected)
        seen.update((name, tree_path, b) for b in expected)

        if not expected:
            # A tree with no readable branch (e.g. no branch at all): `cat` must still work.
            rows = cat_jsonl(arrowroot_cli, path, tree_path, None)
            if isinstance(rows, CliFailure):
                problems.append(f"{where}: cat without -b failed: {rows.message}")
            elif tree.num_entries == 0 and rows:
                problems.append(f"{where}: tree has 0 entries but cat printed {len(rows)} rows")
            continue

        declined = [b for b in expected if (name, tree_path, b) in DECLINED]
        # Names with a comma cannot share a comma-separated -b list: ask for them alone.
        alone = [b for b in expected if "," in b and b not in declined]
        batch = [b for b in expected if b not in declined and b not in alone]

        columns = fetch_columns(arrowroot_cli, path, tree_path, batch)
        for b in alone:
            columns |= fetch_columns(arrowroot_cli, path, tree_path, [b])

        for branch, got in columns.items():
            if isinstance(got, CliFailure):
                hint = ""
                if "unsupported" in got.stderr.lower():
                    hint = " (if this is a deliberate decline, add it to DECLINED with a reason)"
                problems.append(f"{where}: branch {branch!r}: CLI failed: {got.message}{hint}")
                oracle_stats.mismatched += 1
                continue
            diff = first_difference(expected[branch], got)
            if diff is None:
                oracle_stats.matched += 1
            else:
                problems.append(f"{where}: branch {branch!r}: {diff}")
                oracle_stats.mismatched += 1

        for branch in declined:
            oracle_stats.declined += 1
            res = cat_jsonl(arrowroot_cli, path, tree_path, [branch])
            if not isinstance(res, CliFailure):
                problems.append(
                    f"{where}: branch {branch!r} is in DECLINED but cat now succeeds; "
                    "remove it from DECLINED"
                )
            elif not (
                res.returncode == 1
                and res.stderr.startswith(ERROR_PREFIX)
                and "unsupported" in res.stderr.lower()
            ):
                problems.append(
                    f"{where}: declined branch {branch!r} must exit 1 with "
                    f"'{ERROR_PREFIX} ... unsupported ...'; got {res.message}"
                )

    for key in DECLINED:
        if key[0] == name and key not in seen:
            problems.append(f"DECLINED entry {key} names no readable leaf branch of {name}")

    if problems:
        shown = "\n  ".join(problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        tail = f"\n  ... and {more} more" if more > 0 else ""
        pytest.fail(
            f"{len(problems)} problem(s) in {name} ({path}):\n  {shown}{tail}", pytrace=False
        )


def test_declined_fraction(oracle_stats: OracleStats):
    """Declined branches may be at most 5 % of all compared branches."""
    if oracle_stats.compared == 0:
        pytest.skip("no branch was compared in this run")
    fraction = oracle_stats.declined / oracle_stats.compared
    print(
        f"files {len(oracle_stats.files)}, trees {oracle_stats.trees}, "
        f"branches compared {oracle_stats.compared}, declined {oracle_stats.declined}, "
        f"oracle cannot read {len(oracle_stats.cannot_read)}"
    )
    assert fraction <= MAX_DECLINED_FRACTION, (
        f"{oracle_stats.declined} of {oracle_stats.compared} branches declined "
        f"({fraction:.1%} > {MAX_DECLINED_FRACTION:.0%})"
    )
