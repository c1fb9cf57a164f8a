"""`arrowroot ls/schema/cat` on RNTuples (testdata/rntuple), checked against uproot's reading.

The golden-file tests of the same commands are in cpp/cli/cli_test.cc; here the values `cat`
prints are compared with uproot 5.7's, read live from the same file.
"""

from __future__ import annotations

import json
import math

import pytest

from conftest import TESTDATA_DIR

uproot = pytest.importorskip("uproot")

RNTUPLE_DIR = TESTDATA_DIR / "rntuple"

# Fields whose values arrowroot and uproot agree on element for element. (uproot reads `char`
# as unsigned and Real32Quant in float32; arrowroot follows ROOT there: signed, and double.)
CASES = [
    ("rntuple_fundamentals_zstd.root", ["i32", "u64", "f64", "b", "f_half", "i16_plain"]),
    ("rntuple_collections_zstd.root", ["str", "vec_vec_i32", "vec_str", "array_f32_3"]),
    ("rntuple_large_zstd.root", None),  # every field
]


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


@pytest.mark.parametrize("name,fields", CASES)
def test_cat_jsonl_matches_uproot(arrowroot_cli, name, fields):
    path = RNTUPLE_DIR / name
    ntuple = uproot.open(path)["ntpl"]
    fields = fields or list(ntuple.keys(recursive=False))
    args = ["cat", f"{path}:ntpl", "--format", "jsonl", "--stop", "3", "-b", ",".join(fields)]
    r = arrowroot_cli.run(*args)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    expected = ntuple.arrays(fields, entry_stop=3).tolist()
    assert len(rows) == 3
    for got, want in zip(rows, expected):
        assert list(got) == fields
        for f in fields:
            assert _same(got[f], want[f]), (name, f, got[f], want[f])


def test_ls_and_schema_agree_with_uproot(arrowroot_cli):
    path = RNTUPLE_DIR / "rntuple_collections_zstd.root"
    ntuple = uproot.open(path)["ntpl"]
    top = list(ntuple.keys(recursive=False))
    r = arrowroot_cli.run("ls", path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1].split() == ["ntpl", "ROOT::RNTuple", str(ntuple.num_entries),
                                                str(len(top))]
    r = arrowroot_cli.run("schema", f"{path}:ntpl")
    assert r.returncode == 0, r.stderr
    assert [line.split()[0] for line in r.stdout.splitlines()[1:]] == top


def test_an_unknown_field_is_one_error_line_and_a_variant_prints_its_values(arrowroot_cli):
    r = arrowroot_cli.run("cat", f"{RNTUPLE_DIR / 'rntuple_fundamentals_zstd.root'}:ntpl", "-b", "nope")
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith("arrowroot: error:") and "no field 'nope'" in r.stderr
    path = RNTUPLE_DIR / "rntuple_records_zstd.root"
    r = arrowroot_cli.run("cat", f"{path}:ntpl", "-b", "variant_i32_f32_str", "--stop", "40")
    assert r.returncode == 0, r.stderr
    got = [json.loads(line)["variant_i32_f32_str"] for line in r.stdout.splitlines()]
    # uproot 5.7.7 repeats the first cluster's variants in later clusters (see
    # test_rntuple_oracle.py): entries [0, 40) are the file's first cluster.
    import uproot

    want = uproot.open(path)["ntpl"].arrays(["variant_i32_f32_str"], entry_stop=40,
                                            library="ak")["variant_i32_f32_str"].to_list()
    assert len(got) == len(want) == 40 and got == want
