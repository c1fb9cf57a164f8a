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

The same comparison through the Python package is tests/test_uproot_oracle_api.py; the file
list, DECLINED, the uproot reading and the comparison live in tests/oracle_common.py.

Value comparison (see `oracle_common.same`): ints must be JSON ints and bools JSON bools;
floats compare as float64 with NaN equal to NaN (uproot's float32 values, widened to float64,
must equal ours exactly; a float that prints as an integer, e.g. `1`, is accepted for 1.0);
bytes are compared after decoding; records compare as dicts, recursively; uproot's tuples
(std::map entries) match a JSON array or a JSON object whose values, in order, are the tuple.

Where the files come from: scikit-hep-testdata 0.6.9 ships no ROOT file in its wheel (every
file would be downloaded from GitHub by `data_path`, which is impossible here). So each file
is looked up, without any download, in: the scikit-hep-testdata package and its download
cache, then this repository's testdata/, then the shared test data (ARROWROOT_TESTDATA_DIRS,
../shared/testdata/root beside the repository, /work/shared/testdata/root). A file found
nowhere is reported by test_all_test_files_available, unless KNOWN_ABSENT lists it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Cli, OracleStats
from oracle_common import (
    DECLINED,
    KNOWN_ABSENT,
    MAX_DECLINED_FRACTION,
    MISSING,
    CORPUS_REGRESSION_FILES,
    TTREE_FILES,
    first_difference,
    locate,
    open_uproot,
    problems_message,
    read_with_uproot,
    short,
    tree_paths,
)

ERROR_PREFIX = "arrowroot: error:"


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
            return CliFailure(f"output line {n} is not JSON ({exc}): {short(line)}", 0, res.stderr)
        if not isinstance(row, dict):
            return CliFailure(f"output line {n} is not a JSON object: {short(line)}", 0, res.stderr)
        rows.append(row)
    return rows


def fetch_columns(cli: Cli, file: Path, tree: str, branches: list[str]) -> dict:
    """Branch -> list of values (or CliFailure). Splits the request when the CLI fails."""
    if not branches:
        return {}
    rows = cat_jsonl(cli, file, tree, branches)
    if not isinstance(rows, CliFailure):
        return {b: [row.get(b, MISSING) for row in rows] for b in branches}
    if len(branches) == 1 or rows.returncode in (0, None):
        # One branch, or a failure that splitting will not explain (bad output, timeout).
        return {b: rows for b in branches}
    mid = len(branches) // 2
    return fetch_columns(cli, file, tree, branches[:mid]) | fetch_columns(
        cli, file, tree, branches[mid:]
    )


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


@pytest.mark.parametrize("name", [name for _, name in TTREE_FILES] +
                         [name for name, _ in CORPUS_REGRESSION_FILES])
def test_matches_uproot(name: str, arrowroot_cli: Cli, oracle_stats: OracleStats):
    path, source = locate(name)
    if path is None:
        pytest.skip(f"{name} is not available locally (see test_all_test_files_available)")
    oracle_stats.files.append(name)

    problems: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    rootfile = open_uproot(path)
    for tree_path in tree_paths(rootfile):
        oracle_stats.trees += 1
        where = f"{name}:{tree_path}"

        # uproot's `branch.array(library="ak").to_list()` of every leaf branch it can read.
        up = read_with_uproot(str(path), tree_path)
        expected: dict[str, list] = up.values
        for branch, error in up.cannot_read.items():  # uproot's limits are not ours to test
            oracle_stats.cannot_read.append(f"{where}:{branch}: {error}")
        oracle_stats.compared += len(expected)
        seen.update((name, tree_path, b) for b in expected)

        if not expected:
            # A tree with no readable branch (e.g. no branch at all): `cat` must still work.
            rows = cat_jsonl(arrowroot_cli, path, tree_path, None)
            if isinstance(rows, CliFailure):
                problems.append(f"{where}: cat without -b failed: {rows.message}")
            elif up.num_entries == 0 and rows:
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
            if diff is not None and up.second_opinion(branch, got, exact=False) is not None:
                diff = None  # uproot's default reading is the one that is off (oracle_common)
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
        pytest.fail(problems_message(problems, f"{name} ({path})"), pytrace=False)


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
