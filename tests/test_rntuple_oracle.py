"""RNTuple oracle: arrowroot must read every top-level field of every RNTuple as uproot does,
and the RNTuples of testdata/rntuple/ as ROOT itself does.

Files: testdata/rntuple/*.root (written by scripts/gen-rntuple-testdata with the ROOT 6.40
wheel and uproot 5.7, each with ROOT's reading in <file>.expected.json), and the real files
../shared/testdata/root/*rntuple* and ../shared/testdata/corpus/*rntuple* (skipped, saying
so, where absent: a user's clone has none).

Per RNTuple and top-level field:
- uproot: `ntuple.arrays([field], library="ak")[field].to_list()`;
- arrowroot: `arrowroot.open(path)[name].arrays([field]).column(0).to_pylist()`;
- ROOT (testdata/rntuple only): the golden's values.
Values are compared in the canonical form of tests/rntuple_values.py, whose docstring lists
each normalisation and why. Exceptions, each counted and printed:
- a field uproot cannot read is not compared with uproot (uproot's limits are not ours);
- uproot reads a double stored in a narrower float column (Real32Quant, Real32Trunc, Real16,
  Real32) in float32: for those, uproot's values must equal the reference rounded to float32;
- arrowroot may decline a field only with arrowroot.UnsupportedError naming the field and its
  type, and only if ALLOWED_DECLINES lists it with the reason (so a regression cannot hide).

The comparison uproot vs ROOT's golden runs without arrowroot: it checks the normalisation and
is a test of its own.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from conftest import REPO_ROOT, TESTDATA_DIR
from rntuple_values import as_float32, canon, first_difference, has_lossy_double, schema

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import uproot

RNTUPLE_DIR = TESTDATA_DIR / "rntuple"
SHARED = [REPO_ROOT.parent / "shared" / "testdata", Path("/work/shared/testdata")]
RNTUPLE_CLASS = "ROOT::RNTuple"

# (file name, ntuple name, field) -> why arrowroot declines it (arrowroot.UnsupportedError).
_NO_VARIANT = ("std::variant is not read yet (issue 18 allows a clear Unsupported): Arrow's dense "
               "union needs its own array layout in to_arrow/arrow_array; until then the error "
               "names the field and its type")
ALLOWED_DECLINES: dict[tuple[str, str, str], str] = {
    **{(f"rntuple_records_{codec}.root", "ntpl", field): _NO_VARIANT
       for codec in ("zstd", "none")
       for field in ("variant_i32_f32_str", "variant_i32_fragile", "vec_variant_i32_f64")},
    ("test_stl_containers_rntuple_v1-0-0-0.root", "ntuple", "variant_int32_string"): _NO_VARIANT,
    ("test_stl_containers_rntuple_v1-0-0-0.root", "ntuple", "vector_variant_int64_string"): _NO_VARIANT,
    ("test_emptystruct_invalidvar_rntuple_v1-0-0-0.root", "ntuple", "variant"): _NO_VARIANT,
}

# (file name, field) -> why uproot's values are wrong there; such a field is compared with
# uproot only on its first cluster (where uproot is right), and fully with ROOT's golden.
_VARIANT = ("uproot 5.7.7 gives a std::variant's values of the first cluster again from the "
            "second cluster on (observed: entry 40 reads as entry 0; ROOT reads 40)")
UPROOT_WRONG: dict[tuple[str, str], tuple[str, int]] = {
    (f"rntuple_records_{c}.root", f): (_VARIANT, 40)  # clusters of 40 entries
    for c in ("zstd", "none")
    for f in ("variant_i32_f32_str", "variant_i32_fragile", "vec_variant_i32_f64")
}

STATS: dict[str, list[str]] = {"uproot_cannot_read": [], "float32_in_uproot": [],
                               "declined": [], "uproot_wrong_first_cluster_only": []}


def local_files() -> list[Path]:
    return sorted(RNTUPLE_DIR.glob("*.root"))


def shared_files() -> list[Path]:
    for base in SHARED:
        if base.is_dir():
            found = sorted({*base.glob("root/*rntuple*.root"), *base.glob("corpus/*rntuple*.root")})
            return found
    return []


def ntuple_names(path: Path) -> list[str]:
    with uproot.open(path) as f:
        return sorted({k.rsplit(";", 1)[0] for k, c in f.classnames().items() if c == RNTUPLE_CLASS})


def golden(path: Path) -> dict:
    return json.loads(path.with_name(path.name + ".expected.json").read_text())


def uproot_field(ntuple, name: str, entry_start=None, entry_stop=None):
    """uproot's values of one top-level field, or the exception it raised."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = ntuple.arrays([name], library="ak", entry_start=entry_start, entry_stop=entry_stop)
        return arr[name].to_list()
    except Exception as exc:  # noqa: BLE001 - uproot's limits are not ours to test
        return exc


def arrowroot_field(path: Path, ntuple: str, name: str, entry_start=None, entry_stop=None):
    import arrowroot

    table = arrowroot.open(str(path))[ntuple].arrays([name], entry_start=entry_start,
                                                     entry_stop=entry_stop)
    return table.column(0).to_pylist()


def _types(node) -> list[str]:
    return [node.type_name] + [t for c in node.children for t in _types(c)]


def check_decline(exc: Exception, where: tuple[str, str, str], node) -> str | None:
    """None if declining is allowed and well said (the error names the field and its type or
    the type of the sub-field it cannot read); else the problem."""
    import arrowroot

    if not isinstance(exc, arrowroot.UnsupportedError):
        return f"{type(exc).__name__}: {exc}"
    if where not in ALLOWED_DECLINES:
        return (f"declined ({exc}) but not in ALLOWED_DECLINES (add it there with the reason "
                "if it is deliberate)")
    if where[2] not in str(exc) or not any(t in str(exc) for t in _types(node)):
        return f"the Unsupported error does not name the field and its type {node.type_name!r}: {exc}"
    STATS["declined"].append(f"{':'.join(where)}: {ALLOWED_DECLINES[where]}")
    return None


def compare(want: list, got: list, node, rows=None) -> str | None:
    return first_difference([canon(v, node) for v in want], [canon(v, node) for v in got], rows)


def compare_with_uproot(up: list, ref: list, node, where: str, rows=None) -> str | None:
    """uproot's values against a reference (ROOT's golden or arrowroot's)."""
    key = (where.split(":")[0], where.rsplit(":", 1)[-1])
    if key in UPROOT_WRONG:
        reason, first_cluster = UPROOT_WRONG[key]
        STATS["uproot_wrong_first_cluster_only"].append(f"{where}: {reason}")
        up, ref = up[:first_cluster], ref[:first_cluster]
        rows = rows[:first_cluster] if rows else rows
    diff = compare(ref, up, node, rows)
    if diff is not None and has_lossy_double(node):
        ref32 = [as_float32(canon(v, node)) for v in ref]
        if first_difference(ref32, [as_float32(canon(v, node)) for v in up], rows) is None:
            STATS["float32_in_uproot"].append(where)
            return None
    return diff


# --- uproot vs ROOT's golden (checks the normalisation; no arrowroot needed) ------------------


@pytest.mark.parametrize("path", local_files(), ids=lambda p: p.name)
def test_uproot_matches_root_golden(path: Path):
    g = golden(path)
    ntuple = uproot.open(path)[g["ntuple"]]
    assert ntuple.num_entries == g["num_entries"]
    nodes = schema(ntuple)
    assert sorted(nodes) == sorted(g["fields"]), "uproot's top-level fields are not ROOT's"
    rows = g.get("entries")
    problems = []
    for name in g["fields"]:
        if rows:  # a capped golden: the first and last entries
            head = [r for r in rows if r < rows[-1] // 2]
            up = uproot_field(ntuple, name, 0, len(head))
            tail = uproot_field(ntuple, name, rows[len(head)], g["num_entries"])
            up = up if isinstance(up, Exception) else up + (tail if isinstance(tail, list) else [])
        else:
            up = uproot_field(ntuple, name)
        if isinstance(up, Exception):
            STATS["uproot_cannot_read"].append(f"{path.name}:{name}: {type(up).__name__}")
            continue
        diff = compare_with_uproot(up, g["values"][name], nodes[name], f"{path.name}:{name}", rows)
        if diff:
            problems.append(f"{name} [{g['types'][name]}]: {diff}")
    assert not problems, "\n".join(problems)


def test_large_file_totals_as_root_counts_them():
    path = RNTUPLE_DIR / "rntuple_large_zstd.root"
    totals = golden(path)["totals"]
    arrays = uproot.open(path)["ntpl"].arrays(library="np")
    assert len(arrays["event"]) == totals["num_entries"]
    assert int(arrays["event"].sum()) == totals["event_sum"]
    assert int(arrays["flag"].sum()) == totals["flag_true"]
    assert sum(len(v) for v in arrays["v"]) == totals["v_items"]


def test_every_local_file_has_a_golden():
    files = local_files()
    assert len(files) >= 12
    for p in files:
        assert p.with_name(p.name + ".expected.json").is_file(), p.name


# --- arrowroot vs ROOT's golden and vs uproot ------------------------------------------------


@pytest.mark.parametrize("path", local_files(), ids=lambda p: p.name)
def test_arrowroot_matches_root_golden(path: Path):
    import arrowroot

    g = golden(path)
    tree = arrowroot.open(str(path))[g["ntuple"]]
    assert tree.num_entries == g["num_entries"]
    assert list(tree.keys()) == g["fields"]
    nodes = schema(uproot.open(path)[g["ntuple"]])
    rows = g.get("entries")
    problems = []
    for name in g["fields"]:
        where = (path.name, g["ntuple"], name)
        try:
            if rows:
                half = sum(1 for r in rows if r < rows[-1] // 2)
                got = (arrowroot_field(path, g["ntuple"], name, 0, half)
                       + arrowroot_field(path, g["ntuple"], name, rows[half], g["num_entries"]))
            else:
                got = arrowroot_field(path, g["ntuple"], name)
        except Exception as exc:  # noqa: BLE001 - classified
            problem = check_decline(exc, where, nodes[name])
            if problem:
                problems.append(f"{name} [{g['types'][name]}]: {problem}")
            continue
        diff = compare(g["values"][name], got, nodes[name], rows)
        if diff:
            problems.append(f"{name} [{g['types'][name]}]: {diff}")
    assert not problems, "\n".join(problems)


def _check_against_uproot(path: Path):
    import arrowroot

    problems = []
    for name in ntuple_names(path):
        ntuple = uproot.open(path)[name]
        nodes = schema(ntuple)
        tree = arrowroot.open(str(path))[name]
        if tree.num_entries != ntuple.num_entries:
            problems.append(f"{name}: {tree.num_entries} entries, uproot {ntuple.num_entries}")
        if sorted(tree.keys()) != sorted(nodes):
            problems.append(f"{name}: fields {sorted(tree.keys())}, uproot {sorted(nodes)}")
        for field_name, node in nodes.items():
            up = uproot_field(ntuple, field_name)
            if isinstance(up, Exception):
                STATS["uproot_cannot_read"].append(f"{path.name}:{name}:{field_name}: "
                                                   f"{type(up).__name__}")
                continue
            try:
                got = arrowroot_field(path, name, field_name)
            except Exception as exc:  # noqa: BLE001 - classified
                problem = check_decline(exc, (path.name, name, field_name), node)
                if problem:
                    problems.append(f"{name}:{field_name} [{node.type_name}]: {problem}")
                continue
            diff = compare_with_uproot(up, got, node, f"{path.name}:{name}:{field_name}")
            if diff:
                problems.append(f"{name}:{field_name} [{node.type_name}]: {diff}")
    return problems


@pytest.mark.parametrize("path", local_files(), ids=lambda p: p.name)
def test_arrowroot_matches_uproot_local(path: Path):
    problems = _check_against_uproot(path)
    assert not problems, "\n".join(problems)


_SHARED = shared_files()


@pytest.mark.skipif(not _SHARED, reason="no ../shared/testdata (root/ or corpus/) beside the "
                    "repository: the real RNTuple files are only on the project's machines")
@pytest.mark.parametrize("path", _SHARED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_arrowroot_matches_uproot_shared(path: Path):
    problems = _check_against_uproot(path)
    assert not problems, "\n".join(problems)


def test_arrowroot_lists_rntuples():
    import arrowroot

    path = RNTUPLE_DIR / "rntuple_uproot_writer.root"
    f = arrowroot.open(str(path))
    assert "Events" in [k.split(";")[0] for k in f.keys()]
    assert RNTUPLE_CLASS in dict((k.split(";")[0], c) for k, c in f.classnames().items()).values()


# --- the new user's check: a file written now by uproot's default writer ----------------------


def test_new_user_file_from_uproot_recreate(tmp_path: Path):
    import awkward as ak
    import numpy as np

    import arrowroot

    path = tmp_path / "new.root"
    n = 257
    data = {"x": np.linspace(-1, 1, n), "n": np.arange(n, dtype=np.int32),
            "ok": np.arange(n) % 2 == 0,
            "jets": ak.Array([[float(i + j) for j in range(i % 4)] for i in range(n)])}
    with uproot.recreate(path) as f:
        f["Events"] = data
    assert uproot.open(path).classnames()["Events;1"] == RNTUPLE_CLASS
    table = arrowroot.open(str(path))["Events"].arrays()
    assert table.num_rows == n
    for name, values in data.items():
        want = ak.to_list(values) if isinstance(values, ak.Array) else values.tolist()
        assert table.column(name).to_pylist() == want, name


def test_normalisation_sees_differences():
    """The canonical form hides only the documented differences, not a changed value."""
    from rntuple_values import FieldNode, same

    char = FieldNode("c", "char", 0)
    assert same(canon(200, char), canon(-56, char))
    uptr = FieldNode("u", "std::unique_ptr<float>", 0, [FieldNode("_0", "float", 1)])
    assert [canon(v, uptr) for v in ([], [1.5])] == [None, 1.5]
    base = FieldNode("r", "R", 0, [FieldNode(":_0", "B", 1, [FieldNode("b", "std::int32_t", 2)]),
                                   FieldNode("x", "float", 3)])
    assert same(canon({":_0": {"b": 1}, "x": 2.0}, base), canon({"b": 1, "x": 2.0}, base))
    assert not same(canon({":_0": {"b": 1}, "x": 2.0}, base), canon({"b": 2, "x": 2.0}, base))
    pair = FieldNode("_0", "std::pair<std::string,float>", 1,
                     [FieldNode("_0", "std::string", 2), FieldNode("_1", "float", 3)])
    umap = FieldNode("m", "std::unordered_map<std::string,float>", 0, [pair])
    assert same(canon([("b", 1.0), ("a", 2.0)], umap), canon([["a", 2.0], ["b", 1.0]], umap))
    assert not same(canon([("b", 1.0)], umap), canon([["b", 1.5]], umap))
    f = FieldNode("f", "float", 0)
    assert same(canon("nan", f), canon(float("nan"), f))
    assert not same(canon(1, f), canon(True, f))
    assert not same(canon(0.0, FieldNode("i", "std::int32_t", 0)), 0)


def test_zz_report():
    """Prints what the oracle did not compare (run with -s to see it)."""
    for kind, entries in STATS.items():
        print(f"rntuple oracle, {kind}: {len(entries)}")
        for e in entries:
            print(f"  {e}")
