"""Correctness oracle through the Python package: `arrowroot` must read what uproot reads.

tests/test_uproot_oracle.py checks the CLI; this file checks the same files, trees and branches
through `arrowroot.open(path)[tree].arrays(...)` / `.iterate(...)`, with the same rules
(tests/oracle_common.py: file list, DECLINED, uproot reading, exact value comparison with
`exact=True`: a float must come back as a float).

- every TTree of every bundled file (`File.trees()` must list exactly uproot's TTrees), every
  branch (`Tree.keys()` must be uproot's leaf branches, in uproot's order);
- every branch uproot reads must be readable (`keys(readable_only=True)`), unless DECLINED;
- every readable branch must equal uproot's `library="ak"` values exactly (`library="pa"`);
- `library="ak"`: values and awkward types equal uproot's (KNOWN_AK_TYPE_DIFFERENCES and
  KNOWN_AK_FAILURES list, with reasons, where they are not);
- `library="np"`: dtype, shape and values equal uproot's `library="np"` (KNOWN_NP_REFUSED: the
  columns arrowroot gives no NumPy form, where uproot gives Python objects or a record array);
- `library="pd"`: the flat (one number per entry) columns equal uproot's `library="pd"`
  DataFrame (pd.testing.assert_frame_equal, exact), the nested ones equal uproot's values;
- `iterate()` with step sizes that cut baskets (7, 13 entries and a memory size) concatenates
  to `arrays()` and to uproot; `entry_start`/`entry_stop` (negative, out of range, inside
  baskets) equal uproot's `arrays(entry_start=..., entry_stop=...)`.

The comparison is checked to be able to fail (`test_same_rejects`, `test_oracle_detects_*`).
Differences from uproot that remain are listed above with their reason; none is skipped
silently.
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import arrowroot
from oracle_common import (
    DECLINED,
    MAX_DECLINED_FRACTION,
    CORPUS_REGRESSION_FILES,
    TTREE_FILES,
    first_difference,
    locate,
    open_uproot,
    problems_message,
    read_with_uproot,
    same,
    short,
    tree_paths,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import awkward as ak
    import pandas as pd

# --- known differences from uproot (each is reported, none is hidden) -------------------------

_HZZ_OBJECTS = "uproot-HZZ-objects.root"
_STL = "uproot-stl_containers.root"
_STL_MAPS = [
    "map_int32_int16", "map_int32_vector_int16", "map_int32_vector_string", "map_int32_set_int16",
    "map_int32_set_string", "map_string_int16", "map_string_vector_int16",
    "map_string_vector_string", "map_string_set_int16", "map_string_set_string",
    "map_int32_vector_vector_int16", "map_int32_vector_set_int16", "map_string_string",
    "map_string_tstring",
]
_HZZ_OBJECT_BRANCHES = [
    "jetp4", "muonp4", "electronp4", "photonp4", "MET", "MC_bquarkhadronic",
    "MC_bquarkleptonic", "MC_wdecayb", "MC_wdecaybbar", "MC_lepton", "MC_neutrino",
]

RECORD_NAME = "record name"
SET = "set"

# library="ak": awkward types that differ from uproot's only by a parameter arrowroot does not
# set. The types must be equal once that parameter is removed from uproot's; a listed branch
# whose type becomes equal must be removed from here.
#   RECORD_NAME: uproot names the record after the C++ class ("__record__": "TLorentzVector",
#                "TVector3", "TVector2"), which attaches its behaviours; arrowroot's records are
#                anonymous Arrow structs.
#   SET:         uproot marks std::set as a list with "__array__": "set"; arrowroot gives a plain
#                list (Arrow has no set type).
KNOWN_AK_TYPE_DIFFERENCES: dict[tuple[str, str, str], set[str]] = {
    **{(_HZZ_OBJECTS, "events", b): {RECORD_NAME} for b in _HZZ_OBJECT_BRANCHES},
    **{(_STL, "tree", b): {SET}
       for b in ["vector_set_int32", "vector_set_string", "set_int32", "set_string",
                 "map_int32_set_int16", "map_int32_set_string", "map_string_set_int16",
                 "map_string_set_string", "map_int32_vector_set_int16"]},
}

# library="ak" raises for these branches (and so for any selection that includes them). Empty:
# a branch that arrowroot reads but awkward cannot take must be listed here with the reason.
KNOWN_AK_FAILURES: dict[tuple[str, str, str], str] = {}

# std::map: arrowroot's Arrow map becomes `var * {key, value}` records in awkward (ak.from_arrow
# reads no Arrow maps, so the package hands them over as lists of key/value structs); uproot
# gives `var * tuple[[key, value], parameters={"__array__": "sorted_map"}]`. For these branches
# ours is turned into uproot's form (records {key, value} → sorted_map tuples) and must then
# equal uproot's values and type exactly.
KNOWN_AK_MAP_RECORDS: set[tuple[str, str, str]] = {(_STL, "tree", b) for b in _STL_MAPS}


def maps_as_uproot_tuples(array):
    """`{key, value}` records → uproot's sorted_map tuples, at any depth."""

    def convert(layout, continuation, **kwargs):
        out = continuation()
        if isinstance(out, ak.contents.RecordArray) and out.fields == ["key", "value"]:
            return ak.contents.RecordArray(out.contents, None, length=out.length,
                                           parameters={"__array__": "sorted_map"})
        return out

    return ak.transform(convert, array)


# library="np": arrowroot raises UnsupportedError ("no NumPy form; use library='ak' or 'pa'")
# for nested structs and maps. uproot gives an object array of its model objects
# (TLorentzVector, STLMap). A listed branch that gets a NumPy form must be removed.
_HZZ_FLAT_OBJECTS = ["MET", "MC_bquarkhadronic", "MC_bquarkleptonic", "MC_wdecayb",
                     "MC_wdecaybbar", "MC_lepton", "MC_neutrino"]
KNOWN_NP_REFUSED: dict[tuple[str, str, str], str] = {
    **{(_HZZ_OBJECTS, "events", b): "vector of TLorentzVector (nested structs); uproot: model objects"
       for b in _HZZ_OBJECT_BRANCHES if b not in _HZZ_FLAT_OBJECTS},
    **{(_STL, "tree", b): "std::map; uproot: STLMap objects" for b in _STL_MAPS},
}

# library="np": objects whose members are all numbers (TVector2, TVector3) become NumPy record
# arrays in arrowroot, where uproot gives an object array of model objects; compared by value
# against uproot's awkward records.
KNOWN_NP_RECORDS: set[tuple[str, str, str]] = {(_HZZ_OBJECTS, "events", b) for b in _HZZ_FLAT_OBJECTS}


# --- the trees ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TreeCase:
    name: str  # file name
    path: Path | None  # None: the file is not available locally
    tree: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}:{self.tree}" if self.tree else self.name


def _discover(names: list[str] | None = None) -> list[TreeCase]:
    cases = []
    for name in names if names is not None else [n for _, n in TTREE_FILES]:
        path, _ = locate(name)
        if path is None:
            cases.append(TreeCase(name, None))
            continue
        try:
            trees = tree_paths(open_uproot(path))
        except Exception:  # reported by test_trees_match_uproot
            trees = []
        cases += [TreeCase(name, path, t) for t in trees] or [TreeCase(name, path)]
    return cases


TREES = _discover()
# The corpus files kept in testdata/ as regression tests: values (library="pa") only.
REGRESSION_TREES = _discover([name for name, _ in CORPUS_REGRESSION_FILES])

# Trees for iterate() and entry ranges, with step sizes (entries, then a memory size) whose
# step boundaries fall inside baskets (Tree.common_entry_offsets([branch]) gives the baskets).
ITER_TREES: list[tuple[str, str, list[int | str]]] = [
    ("uproot-HZZ.root", "events", [7, 13, "10 kB"]),  # Muon_* in 2 baskets (0, 2231, 2421)
    ("uproot-foriter.root", "foriter", [7, 13, "100 B"]),  # 8 baskets of 6 entries
    ("uproot-small-evnt-tree-fullsplit.root", "tree", [7, 13, "10 kB"]),  # 1 basket of 100
    ("uproot-Zmumu.root", "events", [7, 13, "10 kB"]),  # 1 basket of 2304
    ("uproot-small-dy-nooffsets.root", "tree", [7, 13, "10 kB"]),  # no entry-offset tables
    ("uproot-sample-6.20.04-uncompressed.root", "sample", [7, 13, "10 kB"]),  # 2-30 baskets
    ("uproot-issue-750.root", "tout", [7, 13, "10 kB"]),  # 131 baskets
    ("uproot-HZZ-objects.root", "events", [7, 13, "10 kB"]),  # objects, 2-10 baskets/branch
    ("uproot-issue-816.root", "AnalysisMiniTree", [7, 13, "100 kB"]),  # vector<vector<>>
    ("uproot-stl_containers.root", "tree", [2, 3, "1 kB"]),  # 5 entries of STL containers
]
ITER_CASES = [(f, t) for f, t, _ in ITER_TREES]


def _iter_id(case) -> str:
    return f"{case[0]}:{case[1]}"


# label -> (entry_start, entry_stop) as a function of n, the number of entries, and b, an entry
# where a basket of the tree's most-split branch starts (the middle one of its baskets), so
# "b-1:b+1" starts and ends inside baskets. Negative values count from the end; out-of-range
# values are clipped; start >= stop is empty (Python slices, and uproot).
RANGES: dict[str, object] = {
    "all": lambda n, b: (None, None),
    "0:0": lambda n, b: (0, 0),
    "3:17": lambda n, b: (3, 17),
    "b-1:b+1": lambda n, b: (b - 1, b + 1),
    "b:b+7": lambda n, b: (b, b + 7),
    "b-13:": lambda n, b: (b - 13, None),
    "-1:": lambda n, b: (-1, None),
    "-10:": lambda n, b: (-10, None),
    ":-7": lambda n, b: (None, -7),
    "-20:-5": lambda n, b: (-20, -5),
    "5:-5": lambda n, b: (5, -5),
    "-(n+100):n+100": lambda n, b: (-(n + 100), n + 100),
    "n-1:n+5": lambda n, b: (n - 1, n + 5),
    "n:": lambda n, b: (n, None),
    "n+5:": lambda n, b: (n + 5, None),
    "17:3": lambda n, b: (17, 3),
    "-5:-20": lambda n, b: (-5, -20),
}


# --- helpers -----------------------------------------------------------------------------------


@dataclass
class ApiStats:
    trees: int = 0
    compared: int = 0  # branches uproot can read, declined ones included
    matched: int = 0
    declined: int = 0
    arrowroot_only: list[str] = field(default_factory=list)  # readable by us, not by uproot
    seen_trees: set[str] = field(default_factory=set)


STATS = ApiStats()


def _need(case: TreeCase) -> None:
    if case.path is None:
        pytest.skip(f"{case.name} is not available locally (see test_uproot_oracle.py::"
                    "test_all_test_files_available)")
    if not case.tree:
        pytest.fail(f"uproot finds no TTree in {case.name}", pytrace=False)


def _open(case: TreeCase):
    """(arrowroot.Tree, UprootTree) of a case."""
    _need(case)
    tree = arrowroot.open(case.path)[case.tree]
    return tree, read_with_uproot(str(case.path), case.tree)


def _case(name: str, tree: str) -> TreeCase:
    for c in TREES:
        if c.name == name and c.tree == tree:
            return c
    path, _ = locate(name)
    return TreeCase(name, path, tree if path is not None else "")


def _fail(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(problems_message(problems, what), pytrace=False)


@functools.lru_cache(maxsize=None)
def ours_full(path: str, tree_path: str) -> tuple[pa.Table, dict[str, list]]:
    """arrays() of every readable branch, and its values as Python lists (cached)."""
    tree = arrowroot.open(path)[tree_path]
    table = tree.arrays(tree.keys(readable_only=True))
    return table, _table_columns(table, table.column_names)


def compare_columns(where: str, expected: dict[str, list], got: dict[str, list],
                    up=None) -> list[str]:
    """Problems (empty: equal) between uproot's values and ours, branch by branch. With `up`
    (the UprootTree), a difference is put to oracle_common.second_opinion."""
    problems = []
    for branch, values in expected.items():
        if branch not in got:
            problems.append(f"{where}: branch {branch!r} missing from our result")
            continue
        diff = first_difference(values, got[branch], exact=True)
        if diff is not None and up is not None and up.second_opinion(branch, got[branch]):
            diff = None
        if diff is not None:
            problems.append(f"{where}: branch {branch!r}: {diff}")
    return problems


def compare_with_uproot_arrays(where: str, theirs, ours: pa.Table, columns: list[str]) -> list[str]:
    """compare_columns of uproot's ak.Array `theirs` (a field per branch) and our table.

    Columns that awkward finds equal (ak.array_equal: same dtypes, NaN == NaN, parameters
    ignored) skip the slow Python comparison; it stays the judge of every other column.
    """
    slow = []
    for c in columns:
        try:
            if ak.array_equal(theirs[c], ak.from_arrow(ours.column(c)), equal_nan=True,
                              same_content_types=False, check_parameters=False):
                continue
        except Exception:  # e.g. a map column, which ak.from_arrow cannot convert
            pass
        slow.append(c)
    return compare_columns(where, {c: theirs[c].to_list() for c in slow},
                           _table_columns(ours, slow))


def data_columns(tree) -> list[str]:
    """The readable branches without the groups (parents read as a struct of their
    sub-branches): what arrays() reads by default. uproot's library="np" gives a group as a
    dict and library="pd" spreads it over columns; both are compared through the members."""
    groups = {c[0] for c in tree._columns if c[4]}
    return [b for b in tree.keys(readable_only=True) if b not in groups]


def _table_columns(table: pa.Table, columns: list[str]) -> dict[str, list]:
    return {c: table.column(c).to_pylist() for c in columns if c in table.column_names}


def strip_uproot_parameters(array) -> tuple[object, set[str]]:
    """uproot's array without the parameters arrowroot does not set (see
    KNOWN_AK_TYPE_DIFFERENCES), and which kinds were removed."""
    removed: set[str] = set()

    def strip(layout, continuation, **kwargs):
        out = continuation()
        params = dict(out.parameters)
        if "__record__" in params:
            removed.add(RECORD_NAME)
            del params["__record__"]
        if params.get("__array__") == "set":
            removed.add(SET)
            del params["__array__"]
        return out.copy(parameters=params or None) if params != out.parameters else out

    return ak.transform(strip, array), removed


def ak_type_problem(expected, got, allowed: set[str]) -> str | None:
    """None if `got` (ours) has uproot's awkward type (up to the `allowed` differences)."""
    want, have = str(expected.type), str(got.type)
    if want == have:
        if allowed:
            return f"type is now uproot's ({want}); remove it from KNOWN_AK_TYPE_DIFFERENCES"
        return None
    stripped, removed = strip_uproot_parameters(expected)
    if str(stripped.type) != have:
        return f"awkward type {have}, uproot has {want}"
    if removed != allowed:
        return (f"awkward type {have}, uproot has {want}: differs by {sorted(removed)}, "
                f"KNOWN_AK_TYPE_DIFFERENCES allows {sorted(allowed)}")
    return None


def _is_flat(array) -> bool:
    """One number (or bool) per entry: what uproot's library="pd" gives as a plain column."""
    layout = ak.to_layout(array)
    return (
        isinstance(layout, ak.contents.NumpyArray)
        and layout.data.ndim == 1
        and not layout.parameters
    )


def _plain(x):
    """uproot's/our NumPy-library values (arrays, STL containers, numpy scalars) as Python."""
    if isinstance(x, (set, frozenset)):
        return sorted(_plain(v) for v in x)
    if isinstance(x, np.ndarray):
        return [_plain(v) for v in x] if x.dtype == object else x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if hasattr(x, "tolist"):  # uproot's STLVector, STLSet
        return _plain(x.tolist())
    return x


def numpy_problem(expected: np.ndarray, got) -> str | None:
    """None if our library="np" column equals uproot's: dtype, shape, values (NaN == NaN)."""
    if not isinstance(got, np.ndarray):
        return f"got a {type(got).__name__}, not a numpy.ndarray"
    if got.dtype != expected.dtype or got.shape != expected.shape:
        return f"dtype/shape {got.dtype}{got.shape}, uproot has {expected.dtype}{expected.shape}"
    if expected.dtype != object:
        if not np.array_equal(got, expected, equal_nan=expected.dtype.kind in "fc"):
            bad = np.flatnonzero(~((got == expected) | ((got != got) & (expected != expected))))
            i = int(bad[0]) // max(1, int(np.prod(expected.shape[1:]))) if bad.size else 0
            return f"entry {i}: expected {short(expected[i])}, got {short(got[i])}"
        return None
    for i, (e, g) in enumerate(zip(expected, got)):
        if isinstance(e, np.ndarray) and e.dtype != object:
            sub = numpy_problem(e, g)
            if sub is not None:
                return f"entry {i}: {sub}"
        elif isinstance(e, (str, bytes)):
            if not same(e, g, exact=True):
                return f"entry {i}: expected {short(e)}, got {short(g)}"
        else:  # uproot's STLVector/STLSet (or object arrays of them): compare by value
            if not isinstance(g, np.ndarray):
                return f"entry {i}: got a {type(g).__name__}, not a numpy.ndarray"
            if not same(_plain(e), _plain(g), exact=True):
                return f"entry {i}: expected {short(_plain(e))}, got {short(_plain(g))}"
    return None


def _basket_offsets(tree, columns: list[str]) -> dict[str, list[int]]:
    return {c: tree.common_entry_offsets([c]) for c in columns}


def _middle_basket_start(offsets: dict[str, list[int]], n: int) -> int:
    most = max(offsets.values(), key=len, default=[0, n])
    inner = most[1:-1]
    return inner[len(inner) // 2] if inner else n // 2


@functools.lru_cache(maxsize=None)
def _middle_basket_start_of(path: str, tree_path: str) -> int:
    tree = arrowroot.open(path)[tree_path]
    columns = tree.keys(readable_only=True)
    return _middle_basket_start(_basket_offsets(tree, columns), tree.num_entries)


# --- the comparison can fail -------------------------------------------------------------------

_F32_TENTH = float(np.float32(0.1))

SAME_REJECTS = [
    ("float-ulp", 1.5, math.nextafter(1.5, 2.0)),
    ("float32-vs-float64", _F32_TENTH, 0.1),
    ("nan-vs-number", math.nan, 1.0),
    ("number-vs-nan", 1.0, math.nan),
    ("int", 1, 2),
    ("int-vs-bool", 1, True),
    ("bool-vs-int", True, 1),
    ("float-vs-int", 1.0, 1),  # only with exact=True: the CLI's JSON may print 1.0 as 1
    ("int-vs-float", 1, 1.0),
    ("string", "abc", "abd"),
    ("list-longer", [1, 2], [1, 2, 3]),
    ("nested-list", [[1.0], [2.0]], [[1.0], [3.0]]),
    ("record-field", {"x": 1.0, "y": 2}, {"x": 1.0, "y": 3}),
    ("record-extra-field", {"x": 1}, {"x": 1, "y": 2}),
    ("map-entry", (1, [1, 2]), (1, [1, 3])),
    ("none", None, 0),
    ("not-none", 0, None),
]


@pytest.mark.parametrize(
    "expected, got", [c[1:] for c in SAME_REJECTS], ids=[c[0] for c in SAME_REJECTS]
)
def test_same_rejects(expected, got):
    assert not same(expected, got, exact=True)
    assert first_difference([0, expected], [0, got], exact=True) is not None


SAME_ACCEPTS = [
    ("nan", math.nan, math.nan),
    ("float32-widened", _F32_TENTH, float(np.float32(0.1))),
    ("nested", [{"x": [1.0, math.nan], "s": "a"}], [{"x": [1.0, math.nan], "s": "a"}]),
    ("map-as-tuple", [(1, "one")], [(1, "one")]),
    ("map-as-dict", [(1, "one")], [{"key": 1, "value": "one"}]),
    ("bytes", b"abc", "abc"),
]


@pytest.mark.parametrize(
    "expected, got", [c[1:] for c in SAME_ACCEPTS], ids=[c[0] for c in SAME_ACCEPTS]
)
def test_same_accepts(expected, got):
    assert same(expected, got, exact=True)


def test_oracle_detects_a_changed_value():
    """One float changed by one ulp, one entry dropped: compare_columns reports both."""
    tree, up = _open(_case("uproot-Zmumu.root", "events"))
    table = tree.arrays(["px1", "Run"])
    got = _table_columns(table, ["px1", "Run"])
    expected = {b: up.values[b] for b in ("px1", "Run")}
    assert compare_columns("Zmumu", expected, got) == []
    got["px1"][1000] = math.nextafter(got["px1"][1000], math.inf)
    got["Run"] = got["Run"][:-1]
    problems = compare_columns("Zmumu", expected, got)
    assert len(problems) == 2, problems
    assert "'px1': entry 1000" in problems[0]
    assert "'Run'" in problems[1] and "2303 entries" in problems[1]

    # The fast path of the entry-range test (ak.array_equal) must also see a one-ulp change.
    theirs = up.arrays["px1"]
    assert compare_with_uproot_arrays("Zmumu", ak.zip({"px1": theirs}), table, ["px1"]) == []
    px1 = table.column("px1").to_numpy().copy()
    px1[1000] = np.nextafter(px1[1000], np.inf)
    changed = table.set_column(0, "px1", pa.array(px1))
    problems = compare_with_uproot_arrays("Zmumu", ak.zip({"px1": theirs}), changed, ["px1"])
    assert len(problems) == 1 and "'px1': entry 1000" in problems[0], problems


def test_oracle_detects_a_changed_awkward_type():
    tree, up = _open(_case("uproot-Zmumu.root", "events"))
    ours = tree.arrays(["px1"], library="ak")["px1"]
    assert ak_type_problem(up.arrays["px1"], ours, set()) is None
    problem = ak_type_problem(up.arrays["px1"], ak.values_astype(ours, np.float32), set())
    assert problem is not None and "float32" in problem
    # A named record is tolerated only where it is listed.
    tree, up = _open(_case(_HZZ_OBJECTS, "events"))
    met = tree.arrays(["MET"], library="ak")["MET"]
    assert ak_type_problem(up.arrays["MET"], met, {RECORD_NAME}) is None
    assert "KNOWN_AK_TYPE_DIFFERENCES" in ak_type_problem(up.arrays["MET"], met, set())


def test_oracle_detects_a_changed_numpy_column():
    tree, _ = _open(_case("uproot-Zmumu.root", "events"))
    ut = open_uproot(tree.file.file_path)["events"]
    expected = ut["px1"].array(library="np")
    ours = tree.arrays(["px1"], library="np")["px1"]
    assert numpy_problem(expected, ours) is None
    assert "dtype" in numpy_problem(expected, ours.astype(np.float32))
    changed = ours.copy()
    changed[7] = np.nextafter(changed[7], np.inf)
    assert numpy_problem(expected, changed).startswith("entry 7:")


# --- every tree, every branch ------------------------------------------------------------------


@pytest.mark.parametrize("name", [name for _, name in TTREE_FILES])
def test_trees_match_uproot(name: str):
    """File.trees() lists exactly uproot's TTrees (recursively, without cycles); keys() and
    classnames() are uproot's; each tree has uproot's name, title and number of entries."""
    path, _ = locate(name)
    if path is None:
        pytest.skip(f"{name} is not available locally (see test_uproot_oracle.py::"
                    "test_all_test_files_available)")
    rootfile = open_uproot(path)
    with arrowroot.open(path) as f:
        assert f.trees() == tree_paths(rootfile)
        assert f.keys() == rootfile.keys()
        assert f.keys(cycle=False) == rootfile.keys(cycle=False)
        assert f.keys(recursive=False) == rootfile.keys(recursive=False)
        assert f.classnames() == rootfile.classnames()
        for path_in_file in f.trees():
            tree, theirs = f[path_in_file], rootfile[path_in_file]
            assert (tree.name, tree.title, len(tree)) == (
                theirs.name, theirs.title, theirs.num_entries
            )


@pytest.mark.parametrize("case", TREES + REGRESSION_TREES, ids=lambda c: c.id)
def test_values_match_uproot(case: TreeCase):
    """Every branch uproot reads is readable (or DECLINED), and equal (library="pa")."""
    tree, up = _open(case)
    where = case.id
    problems: list[str] = []
    if case.id not in STATS.seen_trees:
        STATS.seen_trees.add(case.id)
        STATS.trees += 1

    if tree.num_entries != up.num_entries:
        problems.append(f"{where}: {tree.num_entries} entries, uproot has {up.num_entries}")
    keys, readable, unsupported = tree.keys(), tree.keys(readable_only=True), tree.unsupported()
    if keys != up.branches:
        problems.append(
            f"{where}: keys() differ from uproot's branches: only ours "
            f"{short(sorted(set(keys) - set(up.branches)))}, only uproot's "
            f"{short(sorted(set(up.branches) - set(keys)))}"
            + ("" if set(keys) != set(up.branches) else " (same names, other order)")
        )
    if set(readable) & set(unsupported) or set(readable) | set(unsupported) != set(keys):
        problems.append(f"{where}: keys(readable_only=True) and unsupported() do not split keys()")

    expected = up.values
    STATS.compared += len(expected)
    declined = [b for b in expected if (case.name, case.tree, b) in DECLINED]
    for b in expected:
        if b not in declined and b not in readable:
            problems.append(
                f"{where}: uproot reads {b!r} but arrowroot reports it unsupported: "
                f"{unsupported.get(b, 'not in keys()')} (if this is deliberate, add it to "
                "DECLINED with a reason)"
            )
    for b in declined:
        STATS.declined += 1
        if b not in unsupported:
            problems.append(f"{where}: {b!r} is in DECLINED but not in unsupported()")
        try:
            tree.arrays([b])
        except arrowroot.UnsupportedError:
            pass
        except Exception as exc:
            problems.append(f"{where}: declined {b!r} raised {type(exc).__name__}, "
                            "not arrowroot.UnsupportedError")
        else:
            problems.append(f"{where}: {b!r} is in DECLINED but arrays() reads it; "
                            "remove it from DECLINED")
    for key in DECLINED:
        if key[:2] == (case.name, case.tree) and key[2] not in expected:
            problems.append(f"DECLINED entry {key} names no branch uproot reads")

    # Default columns: every readable branch but groups (parents read as a struct of their
    # sub-branches, which are read instead), in keys() order.
    groups = {c[0] for c in tree._columns if c[4]}
    default = [b for b in readable if b not in groups]
    table = tree.arrays()
    if table.column_names != default:
        problems.append(f"{where}: arrays() columns {short(table.column_names)} are not "
                        f"keys(readable_only=True) without groups {short(default)}")
    if table.num_rows != up.num_entries:  # with no readable column: rows of no columns
        problems.append(f"{where}: arrays() has {table.num_rows} rows")
    if default and table.schema != tree.schema:
        problems.append(f"{where}: arrays().schema differs from Tree.schema")

    compared = {b: v for b, v in expected.items() if b in readable}
    got = _table_columns(table, default)
    asked_groups = sorted(groups & set(compared))
    if asked_groups:  # groups are read when asked for by name
        got |= _table_columns(tree.arrays(asked_groups), asked_groups)
    found = compare_columns(where, compared, got, up)
    problems += found
    STATS.matched += len(compared) - len(found)
    STATS.arrowroot_only += [f"{where}:{b}" for b in readable if b not in expected]
    _fail(problems, where)


@pytest.mark.parametrize("case", TREES, ids=lambda c: c.id)
def test_awkward_matches_uproot(case: TreeCase):
    """library="ak": uproot's values and awkward types (see KNOWN_AK_TYPE_DIFFERENCES)."""
    tree, up = _open(case)
    where = case.id
    problems: list[str] = []
    readable = tree.keys(readable_only=True)
    failing = [b for b in readable if (case.name, case.tree, b) in KNOWN_AK_FAILURES]
    columns = [b for b in readable if b not in failing]
    for key in list(KNOWN_AK_FAILURES) + list(KNOWN_AK_TYPE_DIFFERENCES):
        if key[:2] == (case.name, case.tree) and key[2] not in readable:
            problems.append(f"known-difference entry {key} names no readable branch")

    if columns:
        arrays = tree.arrays(columns, library="ak")
        if ak.fields(arrays) != columns or len(arrays) != up.num_entries:
            problems.append(f"{where}: library='ak' gave fields {short(ak.fields(arrays))}, "
                            f"length {len(arrays)}")
        for b in columns:
            if b not in up.arrays:
                continue
            ours = arrays[b]
            if (case.name, case.tree, b) in KNOWN_AK_MAP_RECORDS:
                if "{key: " not in str(ours.type):
                    problems.append(f"{where}: branch {b!r}: map is {ours.type}, not {{key, value}} "
                                    "records; update KNOWN_AK_MAP_RECORDS")
                ours = maps_as_uproot_tuples(ours)
            diff = first_difference(up.values[b], ak.to_list(ours), exact=True)
            if diff is not None:
                problems.append(f"{where}: branch {b!r}: {diff}")
            allowed = KNOWN_AK_TYPE_DIFFERENCES.get((case.name, case.tree, b), set())
            problem = ak_type_problem(up.arrays[b], ours, allowed)
            if problem is not None:
                problems.append(f"{where}: branch {b!r}: {problem}")
    elif not readable:
        arrays = tree.arrays(library="ak")
        if len(arrays) != 0 or ak.fields(arrays) != []:
            problems.append(f"{where}: no readable branch, but library='ak' gave {arrays.type}")

    for b in failing:
        try:
            tree.arrays([b], library="ak")
        except Exception:
            continue
        problems.append(f"{where}: library='ak' now reads {b!r}; remove it from "
                        "KNOWN_AK_FAILURES (its values and type are then compared)")
    _fail(problems, where)


@pytest.mark.parametrize("case", TREES, ids=lambda c: c.id)
def test_numpy_matches_uproot(case: TreeCase):
    """library="np": dtype, shape and values of uproot's library="np" (flat, fixed-size,
    jagged and string columns; STL containers by value); KNOWN_NP_REFUSED raise."""
    tree, up = _open(case)
    where = case.id
    problems: list[str] = []
    readable = data_columns(tree)
    refused = [b for b in readable if (case.name, case.tree, b) in KNOWN_NP_REFUSED]
    records = [b for b in readable if (case.name, case.tree, b) in KNOWN_NP_RECORDS]
    columns = [b for b in readable if b in up.arrays and b not in refused and b not in records]
    for b in records:
        got = tree.arrays([b], library="np")[b]
        if got.dtype.names is None:
            problems.append(f"{where}: branch {b!r}: library='np' gave {got.dtype}, not a record array")
            continue
        as_dicts = [dict(zip(got.dtype.names, map(float, row))) for row in got.tolist()]
        diff = first_difference(up.values[b], as_dicts, exact=True)
        if diff is not None:
            problems.append(f"{where}: branch {b!r} (record array): {diff}")
    for key in KNOWN_NP_REFUSED:
        if key[:2] == (case.name, case.tree) and key[2] not in readable:
            problems.append(f"KNOWN_NP_REFUSED entry {key} names no readable branch")

    if columns:
        ours = tree.arrays(columns, library="np")
        if not isinstance(ours, dict) or list(ours) != columns:
            problems.append(f"{where}: library='np' gave {type(ours).__name__} "
                            f"with keys {short(list(ours))}")
        ut = open_uproot(case.path)[case.tree]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = {b: ut[b].array(library="np") for b in columns}
        for b in columns:
            problem = numpy_problem(theirs[b], ours.get(b))
            if problem is not None:
                problems.append(f"{where}: branch {b!r}: {problem}")
    for b in refused:
        try:
            tree.arrays([b], library="np")
        except arrowroot.UnsupportedError:
            continue
        except Exception as exc:
            problems.append(f"{where}: library='np' of {b!r} raised {type(exc).__name__}, "
                            "not arrowroot.UnsupportedError")
            continue
        problems.append(f"{where}: library='np' now reads {b!r}; remove it from KNOWN_NP_REFUSED")
    _fail(problems, where)


@pytest.mark.parametrize("case", TREES, ids=lambda c: c.id)
def test_pandas_matches_uproot(case: TreeCase):
    """library="pd": flat columns equal uproot's DataFrame exactly (values, dtypes, names,
    index); nested (Arrow-backed) columns equal uproot's values."""
    tree, up = _open(case)
    where = case.id
    problems: list[str] = []
    readable = data_columns(tree)
    df = tree.arrays(library="pd")
    if not isinstance(df, pd.DataFrame) or list(df.columns) != readable:
        _fail([f"{where}: library='pd' gave columns {short(list(df.columns))}"], where)
    if not df.index.equals(pd.RangeIndex(up.num_entries if readable else 0)):
        problems.append(f"{where}: index {df.index!r}")

    flat = [b for b in readable if b in up.arrays and _is_flat(up.arrays[b])]
    if flat:
        ut = open_uproot(case.path)[case.tree]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = ut.arrays(flat, library="pd")
        try:
            pd.testing.assert_frame_equal(df[flat], theirs, check_exact=True)
        except AssertionError as exc:
            problems.append(f"{where}: flat columns differ from uproot's DataFrame: {exc}")
    nested = {b: pa.array(df[b]).to_pylist() for b in readable
              if b in up.arrays and b not in flat}
    problems += compare_columns(where, {b: up.values[b] for b in nested}, nested)
    _fail(problems, where)


def test_branches_uproot_cannot_read():
    """The two branches only arrowroot reads (uproot: "basket 1 ... has the wrong number of
    entries"; these baskets have no entry-offset table) are checked as far as possible:
    list lengths equal the counter nJet, and the first basket equals what uproot reads of it."""
    tree, up = _open(_case("uproot-small-dy-nooffsets.root", "tree"))
    assert sorted(up.cannot_read) == ["Jet_jetId", "Jet_pt"]
    table = tree.arrays(["nJet", "Jet_jetId", "Jet_pt"])
    for b in ("Jet_jetId", "Jet_pt"):
        assert pc.list_value_length(table[b]).to_pylist() == table["nJet"].to_pylist()
        first = tree.common_entry_offsets([b])[1]
        ut = open_uproot(_case("uproot-small-dy-nooffsets.root", "tree").path)["tree"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = ut[b].array(entry_stop=first, library="ak").to_list()
        assert first_difference(theirs, table[b].to_pylist()[:first], exact=True) is None


# --- iterate() and entry ranges ----------------------------------------------------------------


ITER_STEP_CASES = [((f, t), s) for f, t, steps in ITER_TREES for s in steps]


@pytest.mark.parametrize(
    "case, step", ITER_STEP_CASES, ids=[f"{_iter_id(c)}-step={s}" for c, s in ITER_STEP_CASES]
)
def test_iterate_matches_arrays_and_uproot(case, step):
    """Steps that cut baskets concatenate to arrays() and to uproot's values; an int step
    gives uproot's step lengths."""
    tree_case = _case(*case)
    tree, up = _open(tree_case)
    where = f"{_iter_id(case)} step_size={step!r}"
    columns = tree.keys(readable_only=True)
    n = tree.num_entries
    problems: list[str] = []

    full, full_values = ours_full(str(tree_case.path), case[1])
    pieces = list(tree.iterate(columns, step_size=step))
    lengths = [len(p) for p in pieces]
    if isinstance(step, int):
        ut = open_uproot(tree_case.path)[case[1]]
        cheap = [next(b for b in columns if b in up.arrays)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = [len(c) for c in ut.iterate(cheap, step_size=step, library="ak")]
        if lengths != want:
            problems.append(f"{where}: step lengths {short(lengths)}, uproot's {short(want)}")
    if len(pieces) < 2 or 0 in lengths or sum(lengths) != n:
        problems.append(f"{where}: {len(pieces)} steps of {short(lengths)} entries (of {n})")
    for i, p in enumerate(pieces):
        if p.schema != full.schema:
            problems.append(f"{where}: step {i} has schema {p.schema}, arrays() {full.schema}")
            break

    # The steps must cut baskets: some boundary falls inside a basket of some branch.
    offsets = _basket_offsets(tree, columns)
    bounds = np.cumsum(lengths)[:-1].tolist()
    inside = [(x, c) for x in bounds for c in columns if x not in offsets[c]]
    if not inside:
        problems.append(f"{where}: no step boundary {short(bounds)} falls inside a basket")

    cat = pa.concat_tables(pieces) if pieces else full.slice(0, 0)
    problems += compare_columns(f"{where} (vs arrays())", full_values, _table_columns(cat, columns))
    problems += compare_columns(
        f"{where} (vs uproot)", {b: up.values[b] for b in columns if b in up.values},
        _table_columns(cat, columns),
    )
    _fail(problems, where)


RANGE_CASES = [(c, label) for c in ITER_CASES for label in RANGES]


@pytest.mark.parametrize(
    "case, label", RANGE_CASES, ids=[f"{_iter_id(c)}[{label}]" for c, label in RANGE_CASES]
)
def test_entry_range_matches_uproot(case, label):
    """arrays(entry_start, entry_stop), Python-slice style and clipped, equals uproot's."""
    tree_case = _case(*case)
    tree, up = _open(tree_case)
    columns = tree.keys(readable_only=True)
    n = tree.num_entries
    b = _middle_basket_start_of(str(tree_case.path), case[1])
    start, stop = RANGES[label](n, b)
    where = f"{_iter_id(case)} entry_start={start} entry_stop={stop} (n={n}, b={b})"
    problems: list[str] = []

    ours = tree.arrays(columns, entry_start=start, entry_stop=stop)
    up_columns = [c for c in columns if c in up.arrays]
    ut = open_uproot(tree_case.path)[case[1]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ut.arrays(up_columns, entry_start=start, entry_stop=stop, library="ak")
    if ours.num_rows != len(theirs):
        problems.append(f"{where}: {ours.num_rows} entries, uproot has {len(theirs)}")
    problems += compare_with_uproot_arrays(where, theirs, ours, up_columns)
    # ... and is the same slice of arrays() (also for branches uproot cannot read).
    full, full_values = ours_full(str(tree_case.path), case[1])
    entries = range(n)[start:stop]
    if not ours.equals(full.slice(entries.start, len(entries))):  # NaN != NaN in Table.equals
        problems += compare_columns(
            f"{where} (vs arrays()[{start}:{stop}])",
            {c: full_values[c][start:stop] for c in columns},
            _table_columns(ours, columns),
        )
    _fail(problems, where)


ITER_RANGE_CASES = [
    (("uproot-foriter.root", "foriter"), 5, 40, 7),
    (("uproot-foriter.root", "foriter"), -20, -3, 4),
    (("uproot-HZZ.root", "events"), 2200, -100, 13),
    (("uproot-issue-750.root", "tout"), -200, 250, 9),
    (("uproot-small-dy-nooffsets.root", "tree"), 190, 410, 11),
    (("uproot-sample-6.20.04-uncompressed.root", "sample"), 2, -3, 5),
]


@pytest.mark.parametrize(
    "case, start, stop, step", ITER_RANGE_CASES,
    ids=[f"{_iter_id(c)}[{a}:{b}]-step={s}" for c, a, b, s in ITER_RANGE_CASES],
)
def test_iterate_entry_range_matches_uproot(case, start, stop, step):
    """iterate(step, entry_start, entry_stop): uproot's step lengths and values."""
    tree_case = _case(*case)
    tree, up = _open(tree_case)
    columns = [c for c in tree.keys(readable_only=True) if c in up.arrays]
    where = f"{_iter_id(case)} [{start}:{stop}] step_size={step}"
    problems: list[str] = []
    pieces = list(tree.iterate(columns, step_size=step, entry_start=start, entry_stop=stop))
    ut = open_uproot(tree_case.path)[case[1]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = list(ut.iterate(columns, step_size=step, entry_start=start, entry_stop=stop,
                                 library="ak"))
    if [len(p) for p in pieces] != [len(t) for t in theirs]:
        problems.append(f"{where}: step lengths {[len(p) for p in pieces]}, "
                        f"uproot's {[len(t) for t in theirs]}")
    for i, (p, t) in enumerate(zip(pieces, theirs)):
        problems += compare_columns(f"{where} step {i}", {c: t[c].to_list() for c in columns},
                                    _table_columns(p, columns))
    _fail(problems, where)


ITER_LIBRARY_CASES = [((f, t), steps[1]) for f, t, steps in ITER_TREES]


@pytest.mark.parametrize(
    "case, step", ITER_LIBRARY_CASES,
    ids=[f"{_iter_id(c)}-step={s}" for c, s in ITER_LIBRARY_CASES],
)
def test_iterate_libraries_match_arrays(case, step):
    """iterate(step, library=ak/np/pd) concatenates to arrays(library=...)."""
    tree_case = _case(*case)
    tree, up = _open(tree_case)
    readable = data_columns(tree)
    key = (tree_case.name, tree_case.tree)
    where = f"{_iter_id(case)} step_size={step}"
    problems: list[str] = []

    ak_columns = [b for b in readable if key + (b,) not in KNOWN_AK_FAILURES]
    whole = tree.arrays(ak_columns, library="ak")
    joined = ak.concatenate(list(tree.iterate(ak_columns, step_size=step, library="ak")))
    if str(joined.type) != str(whole.type):
        problems.append(f"{where}: library='ak' steps join to {joined.type}, not {whole.type}")
    elif not ak.array_equal(joined, whole, equal_nan=True, same_content_types=False):
        found = compare_columns(f"{where} library='ak'",
                                {b: ak.to_list(whole[b]) for b in ak_columns},
                                {b: ak.to_list(joined[b]) for b in ak_columns})
        problems += found or [f"{where}: library='ak' steps differ (ak.array_equal)"]

    np_columns = [b for b in readable if key + (b,) not in KNOWN_NP_REFUSED]
    whole_np = tree.arrays(np_columns, library="np")
    steps_np = list(tree.iterate(np_columns, step_size=step, library="np"))
    for b in np_columns:
        problem = numpy_problem(whole_np[b], np.concatenate([s[b] for s in steps_np]))
        if problem is not None:
            problems.append(f"{where} library='np': branch {b!r}: {problem}")

    flat = [b for b in readable if b in up.arrays and _is_flat(up.arrays[b])]
    if flat:
        whole_pd = tree.arrays(flat, library="pd")
        # arrowroot numbers each step's rows from 0 (see test_pandas_index_is_entry_number),
        # so the steps are joined with ignore_index=True.
        joined_pd = pd.concat(list(tree.iterate(flat, step_size=step, library="pd")),
                              ignore_index=True)
        try:
            pd.testing.assert_frame_equal(joined_pd, whole_pd, check_exact=True)
        except AssertionError as exc:
            problems.append(f"{where} library='pd': {exc}")
    _fail(problems, where)


def test_pandas_index_is_entry_number():
    tree_case = _case("uproot-foriter.root", "foriter")
    tree, _ = _open(tree_case)
    ut = open_uproot(tree_case.path)["foriter"]
    ours = tree.arrays(["data"], entry_start=10, entry_stop=20, library="pd")
    theirs = ut.arrays(["data"], entry_start=10, entry_stop=20, library="pd")
    pd.testing.assert_frame_equal(ours, theirs, check_exact=True)
    for o, t in zip(tree.iterate(["data"], step_size=13, library="pd"),
                    ut.iterate(["data"], step_size=13, library="pd")):
        pd.testing.assert_frame_equal(o, t, check_exact=True)


def test_numpy_integer_arguments():
    tree_case = _case("uproot-foriter.root", "foriter")
    tree, up = _open(tree_case)
    ours = tree.arrays(["data"], entry_start=np.int64(5), entry_stop=np.int32(9))
    assert ours["data"].to_pylist() == up.values["data"][5:9]
    lengths = [len(p) for p in tree.iterate(["data"], step_size=np.int64(7))]
    assert lengths == [7, 7, 7, 7, 7, 7, 4]


# --- summary -----------------------------------------------------------------------------------


def test_summary():
    """Printed with -s / -rA: what was compared. Declined branches at most 5 %."""
    if STATS.compared == 0:
        pytest.skip("no branch was compared in this run")
    print(
        f"trees {STATS.trees}, branches uproot reads {STATS.compared} "
        f"(equal through the API {STATS.matched}, declined {STATS.declined}); readable by "
        f"arrowroot only (no oracle): {', '.join(STATS.arrowroot_only) or 'none'}"
    )
    assert STATS.declined / STATS.compared <= MAX_DECLINED_FRACTION
