"""RNTuples through the Python API as a user meets them: a file written with uproot 5.7's
default writer, then arrowroot.open / keys / num_entries / show / arrays in every library /
iterate / concatenate over several files / batches / the PyCapsule stream to polars and duckdb.
The field-by-field oracle against uproot and ROOT is tests/test_rntuple_oracle.py.
"""

from __future__ import annotations

import io
import pathlib
import shutil

import awkward as ak
import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pytest
import uproot

import arrowroot

TESTDATA = pathlib.Path(__file__).resolve().parents[2] / "testdata"
LARGE = TESTDATA / "rntuple" / "rntuple_large_zstd.root"  # 200000 entries, 20 clusters


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> pathlib.Path:
    """What a physicist writes today: `f["Events"] = {...}` is an RNTuple in uproot 5.7."""
    path = tmp_path_factory.mktemp("rnt") / "events.root"
    rng = np.random.default_rng(3)
    pt = ak.values_astype(ak.Array([rng.exponential(20, size=n) for n in rng.integers(0, 5, 1000)]),
                          np.float32)
    with uproot.recreate(path) as f:
        f["Events"] = {"run": np.full(1000, 7, dtype=np.int32),
                       "met": rng.normal(50, 10, 1000), "Muon_pt": pt}
    return path


def test_a_file_uproot_writes_by_default_reads_back_identically(written):
    up = uproot.open(written)["Events"]
    assert "RNTuple" in type(up).__name__  # uproot wrote an RNTuple, not a TTree
    with arrowroot.open(written) as f:
        assert f.trees() == ["Events"] and f.classnames()["Events;1"] == "ROOT::RNTuple"
        t = f["Events"]
        assert t.is_rntuple and t.num_entries == 1000 and len(t) == 1000
        assert t.keys() == list(up.keys()) and sorted(t.keys()) == ["Muon_pt", "met", "run"]
        assert repr(t).startswith("<arrowroot.RNTuple 'Events'")
        table = t.arrays()
        assert table.schema.field("Muon_pt").type == pa.list_(pa.field("item", pa.float32(), nullable=False))
        expected = up.arrays(library="ak")
        for name in ("run", "met", "Muon_pt"):
            assert table.column(name).to_pylist() == expected[name].to_list(), name
        out = io.StringIO()
        t.show(stream=out)
        assert "Muon_pt" in out.getvalue() and "list<float32>" in out.getvalue()


def test_arrays_in_every_library_and_an_entry_range(written):
    t = arrowroot.open(written)["Events"]
    np_met = t.arrays(["met"], library="np")["met"]
    ak_pt = t.arrays(["Muon_pt"], library="ak", entry_start=10, entry_stop=20)["Muon_pt"]
    up = uproot.open(written)["Events"].arrays(["met", "Muon_pt"], library="ak")
    assert np.array_equal(np_met, up["met"].to_numpy())
    assert ak_pt.to_list() == up["Muon_pt"][10:20].to_list()


def test_iterate_and_concatenate_over_several_files(tmp_path):
    for i in range(3):
        shutil.copy(LARGE, tmp_path / f"part{i}.root")
    pattern = f"{tmp_path}/part*.root:ntpl"
    steps = list(arrowroot.iterate(pattern, ["event", "v"], step_size=30_000))
    assert sum(s.num_rows for s in steps) == 600_000
    assert max(s.num_rows for s in steps) <= 30_000
    table = arrowroot.concatenate(pattern, ["event"])
    one = uproot.open(LARGE)["ntpl"].arrays(["event"], library="np")["event"]
    assert np.array_equal(table.column("event").to_numpy(), np.concatenate([one] * 3))


def test_batches_are_slices_that_polars_and_duckdb_take_without_copying():
    t = arrowroot.open(LARGE)["ntpl"]
    assert t.common_entry_offsets()[:3] == [0, 10_000, 20_000]
    stream = t.batches(["event", "x", "v"], step_size=7_000)  # batches inside clusters
    df = pl.from_arrow(pa.table(stream))
    assert df.height == 200_000
    up = uproot.open(LARGE)["ntpl"].arrays(["event", "v"], library="np")
    assert df["event"].sum() == int(up["event"].sum())
    assert df["v"].list.len().sum() == sum(len(v) for v in up["v"])
    con = duckdb.connect()
    reader = pa.RecordBatchReader.from_stream(t)  # __arrow_c_stream__
    con.register("events", reader)
    n, s = con.sql("select count(*), sum(event) from events").fetchall()[0]
    assert n == 200_000 and s == int(up["event"].sum())


def test_an_unknown_field_is_a_clear_error_and_ranges_clamp_like_uproot():
    t = arrowroot.open(LARGE)["ntpl"]
    with pytest.raises(arrowroot.NotFoundError, match="RNTuple 'ntpl'.*no field 'nope'"):
        t.arrays(["nope"])
    up = uproot.open(LARGE)["ntpl"]
    for start, stop in [(10, 5), (199_990, 10**9), (-5, None)]:
        got = t.arrays(["event"], entry_start=start, entry_stop=stop).column("event").to_pylist()
        assert got == up.arrays(["event"], entry_start=start, entry_stop=stop,
                                library="ak")["event"].to_list(), (start, stop)
