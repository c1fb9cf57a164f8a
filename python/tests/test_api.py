"""The arrowroot Python API as a user meets it: files, trees, arrays, iteration, errors,
and the Arrow PyCapsule protocol towards pyarrow, polars, duckdb, pandas and awkward.

Values are checked against uproot here only where the test is about the API; the full
branch-by-branch cross-check is tests/test_uproot_oracle_api.py.
"""

from __future__ import annotations

import io
import pathlib
import shutil
from concurrent.futures import ThreadPoolExecutor

import awkward as ak
import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
import uproot

import arrowroot

TESTDATA = pathlib.Path(__file__).resolve().parents[2] / "testdata"
ZMUMU = str(TESTDATA / "uproot-Zmumu.root")
HZZ = str(TESTDATA / "uproot-HZZ.root")
NESTED = str(TESTDATA / "uproot-nesteddirs.root")
HISTOS = str(TESTDATA / "uproot-issue-750.root")
LEAFLIST = str(TESTDATA / "uproot-leaflist.root")
MC10 = str(TESTDATA / "uproot-mc10events.root")


@pytest.fixture(scope="module")
def hzz() -> arrowroot.Tree:
    return arrowroot.open(HZZ)["events"]


# --- files -------------------------------------------------------------------------------------


def test_open_is_a_context_manager_and_lists_keys_like_uproot():
    with arrowroot.open(NESTED) as f:
        assert not f.closed
        assert f.keys() == uproot.open(NESTED).keys()
        assert f.classnames() == uproot.open(NESTED).classnames()
        assert f.keys(cycle=False, filter_classname="TTree") == ["one/two/tree", "one/tree", "three/tree"]
        assert f.keys(recursive=False, cycle=False) == ["one", "three"]
        assert f.trees() == ["one/two/tree", "one/tree", "three/tree"]
        assert "one/two/tree" in f and "one/nope" not in f
        assert f["one/two/tree"].num_entries == 100
        assert f["one/tree;1"].num_entries == 4
    assert f.closed
    with pytest.raises(ValueError, match="closed"):
        f.keys()


def test_keys_list_every_cycle_like_uproot():
    # uproot-issue31.root: the tree T was written twice (T;2, T;1).
    path = str(TESTDATA / "uproot-issue31.root")
    up = uproot.open(path)
    with arrowroot.open(path) as f:
        assert f.keys() == up.keys() == ["T;2", "T;1"]
        assert f.classnames() == up.classnames()
        assert f.keys(cycle=False) == ["T"]
        assert f.trees() == ["T"]
        assert f["T;1"].num_entries == up["T;1"].num_entries == 5
        assert f.bad_keys() == {}


def test_a_key_that_cannot_be_read_is_a_bad_key_and_the_rest_reads(tmp_path):
    src = TESTDATA / "uproot-issue-250.root"
    at = uproot.open(src).key("Egap").cursor.index  # its header in the keys list
    data = bytearray(src.read_bytes())
    data[at:at + 4] = (1 << 28).to_bytes(4, "big")  # fNbytes: past the end of the file
    path = tmp_path / "bad-key.root"
    path.write_bytes(bytes(data))
    with arrowroot.open(path) as f:
        assert f.keys() == ["B4;1", "Eabs;1", "Labs;1", "Lgap;1"]
        bad = f.bad_keys()
        assert list(bad) == ["Egap;1"]
        assert "TH1D 'Egap;1' at [0x8ca7,+268435456)" in bad["Egap;1"]
        assert "past the end of the file" in bad["Egap;1"]
        assert f["B4"].arrays(["Eabs"]).num_rows == 1000
        with pytest.raises(arrowroot.CorruptionError, match="Egap"):
            f["Egap"]


def test_open_accepts_pathlib_and_file_urls():
    assert arrowroot.open(pathlib.Path(ZMUMU))["events"].num_entries == 2304
    assert arrowroot.open("file://" + ZMUMU)["events"].num_entries == 2304


def test_missing_tree_is_a_key_error_naming_what_exists():
    f = arrowroot.open(HZZ)
    with pytest.raises(KeyError) as info:
        f["Events"]
    err = info.value
    assert isinstance(err, arrowroot.NotFoundError) and isinstance(err, arrowroot.Error)
    assert err.code == "not_found"
    msg = str(err)
    assert "'Events'" in msg and "'events'" in msg and "uproot-HZZ.root" in msg
    assert not msg.startswith("'")  # not KeyError's repr() quoting


def test_missing_file_is_file_not_found_and_not_found():
    with pytest.raises(FileNotFoundError) as info:
        arrowroot.open(str(TESTDATA / "no-such-file.root"))
    assert isinstance(info.value, arrowroot.NotFoundError)
    assert "no-such-file.root" in str(info.value)


def test_a_histogram_is_not_a_tree():
    with pytest.raises(arrowroot.UnsupportedError, match="is a TH1D; arrowroot reads TTrees and RNTuples"):
        arrowroot.open(HISTOS)["h_Muon_pt"]


def test_truncated_file_is_corruption_naming_the_file(tmp_path):
    data = pathlib.Path(ZMUMU).read_bytes()
    broken = tmp_path / "truncated.root"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(arrowroot.CorruptionError) as info:
        f = arrowroot.open(str(broken))
        f["events"].arrays()
    assert "truncated.root" in str(info.value)
    assert info.value.code == "corruption"


def test_not_a_root_file_is_corruption(tmp_path):
    junk = tmp_path / "junk.root"
    junk.write_bytes(b"PAR1" + bytes(1000))
    with pytest.raises(arrowroot.CorruptionError, match="junk.root"):
        arrowroot.open(str(junk))


def test_damaged_basket_is_corruption_naming_branch_and_file(tmp_path):
    # Overwrite the compressed payload of one basket of E1 (found with uproot) with garbage.
    branch = uproot.open(ZMUMU)["events"]["E1"]
    seek = int(branch.member("fBasketSeek")[0])
    key_len = 90  # enough to land inside the compressed payload, past the key header
    data = bytearray(pathlib.Path(ZMUMU).read_bytes())
    data[seek + key_len : seek + key_len + 64] = b"\xa5" * 64
    damaged = tmp_path / "damaged.root"
    damaged.write_bytes(bytes(data))
    tree = arrowroot.open(str(damaged))["events"]
    assert tree.arrays(["px1"]).num_rows == 2304  # other branches stay readable
    with pytest.raises(arrowroot.CorruptionError) as info:
        tree.arrays(["E1"])
    msg = str(info.value)
    assert "damaged.root" in msg and "E1" in msg


# --- trees: metadata ---------------------------------------------------------------------------


def test_tree_metadata(hzz):
    assert hzz.num_entries == len(hzz) == 2421
    assert hzz.name == "events" and hzz.object_path == "events"
    assert hzz.keys() == uproot.open(HZZ)["events"].keys()
    assert hzz.keys(filter_name="Muon_P*") == ["Muon_Px", "Muon_Py", "Muon_Pz"]
    assert hzz.typenames()["Muon_Px"] == "Float_t[NMuon]"
    assert hzz.unsupported() == {}
    assert isinstance(hzz.schema, pa.Schema)
    assert hzz.schema.field("Muon_Px").type == pa.list_(pa.field("item", pa.float32(), nullable=False))
    assert hzz.schema.field("NMuon").type == pa.int32()
    assert pa.schema(hzz) == hzz.schema  # __arrow_c_schema__


def test_show_prints_every_branch_with_both_types(hzz):
    out = io.StringIO()
    hzz.show(stream=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split("|")[0].strip() == "name"
    assert len(lines) == 2 + len(hzz.keys())
    row = next(line for line in lines if line.startswith("Muon_Px "))
    assert [c.strip() for c in row.split("|")] == ["Muon_Px", "Float_t[NMuon]", "list<float32>"]


def test_unsupported_branches_are_listed_and_the_rest_reads():
    tree = arrowroot.open(MC10)["Events"]
    unsupported = tree.unsupported()
    assert "Info/triggerBits" in unsupported and "bitset<256>" in unsupported["Info/triggerBits"]
    assert "Info/triggerBits" in tree.keys() and "Info/triggerBits" not in tree.keys(readable_only=True)
    table = tree.arrays()  # every readable branch
    assert "Info/triggerBits" not in table.column_names and table.num_rows == tree.num_entries
    with pytest.raises(arrowroot.UnsupportedError, match="bitset<256>"):
        tree.arrays(["Info/triggerBits"])


# --- trees: reading ----------------------------------------------------------------------------


def test_arrays_default_is_a_pyarrow_table_of_every_branch(hzz):
    table = hzz.arrays()
    assert isinstance(table, pa.Table)
    assert table.column_names == hzz.keys()
    assert table.num_rows == 2421
    assert table.schema == hzz.schema


def test_arrays_ak_equals_uproot(hzz):
    mine = hzz.arrays(["Muon_Px", "NMuon", "MET_px"], library="ak")
    theirs = uproot.open(HZZ)["events"].arrays(["Muon_Px", "NMuon", "MET_px"], library="ak")
    assert str(mine.type) == str(theirs.type)
    assert ak.array_equal(mine, theirs)


def test_arrays_np_gives_flat_arrays_and_jagged_object_arrays(hzz):
    got = hzz.arrays(["NMuon", "MET_px", "Muon_Px"], entry_stop=50, library="np")
    want = uproot.open(HZZ)["events"].arrays(["NMuon", "MET_px", "Muon_Px"], entry_stop=50, library="np")
    for name in ("NMuon", "MET_px"):
        assert got[name].dtype == want[name].dtype
        np.testing.assert_array_equal(got[name], want[name])
    assert got["Muon_Px"].dtype == object and len(got["Muon_Px"]) == 50
    for a, b in zip(got["Muon_Px"], want["Muon_Px"]):
        np.testing.assert_array_equal(a, b)


def test_arrays_np_gives_record_arrays_for_flat_structs_and_refuses_nested_ones():
    got = arrowroot.open(LEAFLIST)["tree"].arrays(["leaflist"], library="np")["leaflist"]
    want = uproot.open(LEAFLIST)["tree"].arrays(["leaflist"], library="np")["leaflist"]
    assert got.dtype == want.dtype and got.tolist() == want.tolist()
    objects = arrowroot.open(str(TESTDATA / "uproot-HZZ-objects.root"))["events"]
    with pytest.raises(arrowroot.UnsupportedError, match="jetp4.*library='ak'"):
        objects.arrays(["jetp4"], library="np")


def test_arrays_ak_turns_maps_into_key_value_records():
    tree = arrowroot.open(str(TESTDATA / "uproot-stl_containers.root"))["tree"]
    got = tree.arrays(["map_int32_int16"], library="ak")["map_int32_int16"]
    assert str(got.type) == "5 * var * {key: int32, value: int16}"
    want = uproot.open(str(TESTDATA / "uproot-stl_containers.root"))["tree"]["map_int32_int16"].array()
    assert [[(e["key"], e["value"]) for e in row] for row in got.tolist()] == want.tolist()


def test_arrays_pd_keeps_flat_columns_numpy_backed(hzz):
    df = hzz.arrays(["NMuon", "MET_px", "Muon_Px"], library="pd")
    assert isinstance(df, pd.DataFrame) and len(df) == 2421
    assert df["NMuon"].dtype == np.int32 and df["MET_px"].dtype == np.float32
    assert isinstance(df["Muon_Px"].dtype, pd.ArrowDtype)
    want = uproot.open(HZZ)["events"].arrays(["NMuon", "MET_px"], library="pd")
    np.testing.assert_array_equal(df["MET_px"].to_numpy(), want["MET_px"].to_numpy())


@pytest.mark.parametrize(
    "start,stop",
    [(None, None), (100, 200), (-10, None), (None, -2400), (2000, 99999), (500, 100), (-99999, 3)],
)
def test_entry_ranges_follow_uproot(hzz, start, stop):
    mine = hzz.arrays(["Muon_Px"], entry_start=start, entry_stop=stop, library="ak")
    theirs = uproot.open(HZZ)["events"].arrays(["Muon_Px"], entry_start=start, entry_stop=stop, library="ak")
    assert len(mine) == len(theirs)
    assert ak.array_equal(mine, theirs)


def test_columns_by_short_name_and_nested_path():
    tree = arrowroot.open(str(TESTDATA / "uproot-small-evnt-tree-fullsplit.root"))["tree"]
    full = [k for k in tree.keys() if k.endswith("P3.Px")]
    assert full, tree.keys()
    table = tree.arrays(full)
    assert table.column_names == full and table.num_rows == tree.num_entries


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"columns": ["nope"]}, arrowroot.NotFoundError, "no branch 'nope'"),
        ({"library": "xarray"}, ValueError, "'pa'.*'pd'.*'np'.*'ak'"),
        ({"columns": []}, ValueError, "selects nothing"),
        ({"columns": ["NMuon"], "filter_name": "N*"}, ValueError, "not both"),
        ({"filter_name": "Zzz*"}, KeyError, "matches no readable branch"),
        ({"entry_start": 1.5}, TypeError, "entry_start"),
    ],
)
def test_bad_arguments_get_clear_errors(hzz, kwargs, error, match):
    with pytest.raises(error, match=match):
        hzz.arrays(**kwargs)


# --- iteration ---------------------------------------------------------------------------------


@pytest.mark.parametrize("step", [1, 7, 1000, 5000, "1 kB", "20 kB", "100 MB"])
def test_iterate_pieces_concatenate_to_arrays(hzz, step):
    whole = hzz.arrays(["Muon_Px", "NMuon", "Jet_E"])
    pieces = list(hzz.iterate(["Muon_Px", "NMuon", "Jet_E"], step_size=step))
    assert all(isinstance(p, pa.Table) for p in pieces)
    assert sum(p.num_rows for p in pieces) == 2421
    if isinstance(step, int):
        assert [p.num_rows for p in pieces[:-1]] == [step] * (len(pieces) - 1)
    assert pa.concat_tables(pieces).equals(whole)


def test_iterate_memory_steps_are_about_the_size_asked_for(hzz):
    pieces = list(hzz.iterate(step_size="50 kB"))
    assert len(pieces) > 3
    for p in pieces[:-1]:
        # The entry count comes from the branches' sizes on disk; the byte cap ends a step early.
        assert 25_000 < p.nbytes <= 60_000, p.nbytes


def test_memory_steps_count_baskets_embedded_in_the_tree_record():
    # Most branches of this NanoAOD file have fTotBytes = 0: their only basket was still in
    # memory when the TTree was written. The step estimate must still see their size.
    tree = arrowroot.open(str(TESTDATA / "nanoAOD_2015_CMS_Open_Data_ttbar.root"))["Events"]
    whole = tree.arrays().nbytes
    pieces = list(tree.iterate(step_size=f"{whole // 4} B"))
    assert 3 <= len(pieces) <= 6, [p.nbytes for p in pieces]
    # The estimate is per branch from ROOT's sizes; Arrow's are within ~1.5x of them.
    assert max(p.nbytes for p in pieces) <= whole // 4 * 1.5


def test_iterate_in_other_libraries(hzz):
    pieces = list(hzz.iterate(["Muon_Px"], step_size=1000, library="ak"))
    assert [len(p) for p in pieces] == [1000, 1000, 421]
    assert ak.array_equal(ak.concatenate(pieces), hzz.arrays(["Muon_Px"], library="ak"))
    frames = list(hzz.iterate(["NMuon"], step_size=1000, library="pd"))
    assert isinstance(frames[0], pd.DataFrame)


@pytest.mark.parametrize("step", [0, -5, "lots", "10 XB", "100"])
def test_bad_step_sizes(hzz, step):
    with pytest.raises(ValueError, match="step_size"):
        list(hzz.iterate(step_size=step))


@pytest.mark.parametrize(
    "text,value",
    [("100 MB", 100_000_000), ("1 GiB", 2**30), ("0.5kB", 500), ("64 KiB", 65536), ("12 B", 12)],
)
def test_parse_memory_size(text, value):
    assert arrowroot.parse_memory_size(text) == value


def test_iterate_many_files_with_glob_and_tree_name(tmp_path):
    for i in range(3):
        shutil.copy(ZMUMU, tmp_path / f"part{i}.root")
    pieces = list(arrowroot.iterate(f"{tmp_path}/part*.root:events", ["px1", "Type"], step_size=1000))
    assert sum(p.num_rows for p in pieces) == 3 * 2304
    assert max(p.num_rows for p in pieces) == 1000  # steps never span files: 1000, 1000, 304, ...
    assert [p.num_rows for p in pieces] == [1000, 1000, 304] * 3
    # Without the tree name the only tree is used; also a list and a dict of files.
    assert sum(p.num_rows for p in arrowroot.iterate(f"{tmp_path}/*.root", ["px1"])) == 3 * 2304
    files = {str(tmp_path / "part0.root"): "events", str(tmp_path / "part1.root"): "events"}
    assert arrowroot.concatenate(files, ["px1"]).num_rows == 2 * 2304
    both = arrowroot.concatenate([ZMUMU + ":events", str(tmp_path / "part2.root:events")], ["px1"], library="np")
    assert both["px1"].shape == (2 * 2304,)


def test_iterate_many_files_errors(tmp_path):
    with pytest.raises(arrowroot.NotFoundError, match="no file matches"):
        list(arrowroot.iterate(f"{tmp_path}/*.root:events"))
    with pytest.raises(ValueError, match="holds 3 trees"):
        list(arrowroot.iterate(NESTED))
    with pytest.raises(KeyError, match="nope"):
        list(arrowroot.iterate(ZMUMU + ":nope"))


# --- the Arrow PyCapsule protocol --------------------------------------------------------------


def test_batches_stream_into_pyarrow_without_copies(hzz):
    before = pa.total_allocated_bytes()
    table = pa.table(hzz.batches(["Muon_Px", "Jet_Px", "MET_px"], step_size=500))
    assert table.num_rows == 2421 and table.nbytes > 20_000
    # Imported buffers stay owned by arrowroot: pyarrow's allocator did not copy them.
    assert pa.total_allocated_bytes() - before < 1024
    assert table.equals(hzz.arrays(["Muon_Px", "Jet_Px", "MET_px"]))


def test_batch_stream_iterates_record_batches_and_is_read_once(hzz):
    stream = hzz.batches(["NMuon"], step_size=1000)
    assert stream.schema == pa.schema([pa.field("NMuon", pa.int32(), nullable=False)])
    batches = list(stream)
    assert [b.num_rows for b in batches] == [1000, 1000, 421]
    assert all(isinstance(b, pa.RecordBatch) for b in batches)
    assert stream.stats()["num_entries"] == 2421
    handed = hzz.batches(["NMuon"])
    pa.table(handed)
    with pytest.raises(arrowroot.InvalidArgumentError, match="already"):
        pa.table(handed)


def test_a_tree_is_an_arrow_stream_for_polars_and_duckdb(hzz):
    df = pl.DataFrame(hzz)
    assert df.shape == (2421, len(hzz.keys()))
    assert df["NMuon"].sum() == int(np.sum(uproot.open(HZZ)["events"]["NMuon"].array(library="np")))
    assert pl.from_arrow(hzz.arrays(["Muon_Px"]))["Muon_Px"].list.len().sum() == df["NMuon"].sum()
    tree = hzz  # duckdb finds Python variables holding Arrow streams by name
    [(n, muons)] = duckdb.sql('select count(*), sum("NMuon") from tree').fetchall()
    assert (n, muons) == (2421, df["NMuon"].sum())


def test_record_batches_hand_over_through_arrow_c_array(hzz):
    from arrowroot import _core

    scanner = hzz._core.scan(["NMuon", "Muon_Px"], 0, 10, 4, 0)
    batch = scanner.next()
    assert isinstance(batch, _core.Batch) and batch.num_rows == 4
    rb = pa.record_batch(batch)
    assert rb.column_names == ["NMuon", "Muon_Px"]
    assert rb.column("NMuon").to_pylist() == hzz.arrays(["NMuon"], entry_stop=4)["NMuon"].to_pylist()


# --- threads -----------------------------------------------------------------------------------


def test_threads_reading_different_trees_at_once_get_the_same_results():
    jobs = [(HZZ, "events"), (ZMUMU, "events"), (str(TESTDATA / "uproot-HZZ-zstd.root"), "events"),
            (str(TESTDATA / "uproot-Zmumu-lzma.root"), "events"), (NESTED, "three/tree")] * 2
    sequential = [arrowroot.open(p)[t].arrays() for p, t in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda job: arrowroot.open(job[0])[job[1]].arrays(), jobs))
    for a, b in zip(sequential, parallel):
        assert a.equals(b)


def test_one_tree_shared_by_threads_reads_consistently(hzz):
    want = hzz.arrays(["Jet_Px", "Muon_Px"])
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda _: hzz.arrays(["Jet_Px", "Muon_Px"]), range(8)))
    assert all(g.equals(want) for g in got)


# --- docs --------------------------------------------------------------------------------------


def test_package_ships_type_stubs_and_docstrings():
    import importlib.resources

    files = importlib.resources.files("arrowroot")
    assert (files / "py.typed").is_file()
    stub = (files / "_core.pyi").read_text()
    assert "class Tree" in stub and "def scan(" in stub
    for obj in (arrowroot.open, arrowroot.iterate, arrowroot.Tree.arrays, arrowroot.Tree.iterate,
                arrowroot.File.keys, arrowroot.NotFoundError):
        assert obj.__doc__ and len(obj.__doc__) > 40, obj


# --- URLs and storage options (no server needed) -------------------------------------------------


def test_unknown_storage_options_and_schemes_are_rejected_by_name():
    with pytest.raises(arrowroot.InvalidArgumentError, match="unknown storage option 'endpoint'.*endpoint_url"):
        arrowroot.open("s3://bucket/f.root", storage_options={"endpoint": "http://x"})
    with pytest.raises(arrowroot.UnsupportedError, match="'root://'"):
        arrowroot.open("root://eospublic.cern.ch//eos/f.root")
    with pytest.raises(arrowroot.InvalidArgumentError, match="names no bucket"):
        arrowroot.open("s3:///f.root", storage_options={"anon": True})


def test_threads_give_the_same_table_and_bad_counts_are_rejected(hzz):
    one = hzz.arrays(threads=1)
    assert hzz.arrays(threads=4).equals(one)
    assert pa.concat_tables(list(hzz.iterate(step_size=500, threads=2))).equals(one)
    for bad in (0, -1, 1.5, True):
        with pytest.raises((ValueError, TypeError), match="threads"):
            hzz.arrays(threads=bad)


@pytest.mark.parametrize("codec", ["zlib", "lz4", "lzma", "uncompressed"])
def test_threads_loading_baskets_ahead_give_the_same_values_wherever_steps_cut(codec):
    # 24 baskets per jagged branch in 30 entries: every step cuts baskets, and with threads the
    # next baskets are loading while one is decoded.
    tree = arrowroot.open(TESTDATA / f"uproot-sample-6.20.04-{codec}.root")["sample"]
    one = tree.arrays(threads=1)
    for threads in (2, 4):
        for step in (1, 4, 7):
            assert pa.concat_tables(list(tree.iterate(step_size=step, threads=threads))).equals(one)
        # Leaving an iteration early drops a reader whose loads ahead may still be running.
        for stop_after in (1, 3):
            batches = []
            for b in tree.iterate(step_size=2, threads=threads):
                batches.append(b)
                if len(batches) == stop_after:
                    break
            assert pa.concat_tables(batches).equals(one.slice(0, 2 * stop_after))


# --- groups, duplicate names, pointers, nulls ---------------------------------------------------


def test_a_parent_branch_reads_as_a_group_of_its_sub_branches():
    tree = arrowroot.open(TESTDATA / "uproot-small-evnt-tree-fullsplit.root")["tree"]
    assert "evt" in tree.keys() and "evt/P3" in tree.keys()
    assert "evt" not in tree.arrays().column_names  # every column: the sub-branches
    group = tree.arrays(["evt/P3"]).column(0).to_pylist()
    px = tree.arrays(["evt/P3/P3.Px"]).column(0).to_pylist()
    assert [g["P3.Px"] for g in group] == px
    up = uproot.open(TESTDATA / "uproot-small-evnt-tree-fullsplit.root")["tree"]["evt/P3"]
    assert group == up.array(library="ak").to_list()


def test_duplicate_branch_names_are_all_reachable():
    # Delphes writes two sibling branches called Particle: the second is Particle;2.
    tree = arrowroot.open(TESTDATA / "uproot-issue513.root")["Delphes"]
    keys = tree.keys()
    assert keys.count("Particle") == 1 and "Particle;2" in keys
    assert "Particle;2/Particle.PT" in keys
    first, second = tree.arrays(["Particle_size", "Particle_size;2"]).columns
    up = uproot.open(TESTDATA / "uproot-issue513.root")["Delphes"]
    assert first.to_pylist() == up["Particle_size"].array(library="np").tolist()  # as uproot
    assert second.to_pylist() == up.branches[-1].array(library="np").tolist()
    assert first.to_pylist() != second.to_pylist()
    with pytest.raises(arrowroot.InvalidArgumentError, match="ambiguous.*Particle;2/Particle.PT"):
        tree.arrays(["Particle.PT"])


def test_pointers_read_as_the_pointed_to_objects():
    tree = arrowroot.open(TESTDATA / "uproot-issue-1229.root")["tree"]
    table = tree.arrays(["branch/pointer", "branch/const_pointer"])
    assert table.schema.field("branch/pointer").nullable
    assert table.to_pylist() == [{"branch/pointer": {"value": 123},
                                  "branch/const_pointer": {"value": 321}}]
    up = uproot.open(TESTDATA / "uproot-issue-1229.root")["tree"]["branch/pointer"]
    assert up.array(library="np")[0].member("value") == 123


def test_entries_a_branch_does_not_hold_are_nulls():
    # uproot-issue327.root: fTracks' members were never filled (fEntries 0) in a tree of 98.
    tree = arrowroot.open(TESTDATA / "uproot-issue327.root")["DstTree"]
    never = "Event/AliReducedBaseEvent/fTracks/fTracks.fMCFlags"
    filled = "Event/AliReducedBaseEvent/fRunNo"
    assert tree.unsupported() == {}
    table = tree.arrays([never, filled])
    assert table.num_rows == 98
    assert table.column(never).null_count == 98 and table.column(filled).null_count == 0
    assert table.schema.field(never).nullable and not table.schema.field(filled).nullable
    np_cols = tree.arrays([never, filled], library="np")
    assert list(np_cols[never]) == [None] * 98
    assert np_cols[filled].dtype == np.int32
    assert ak.is_none(tree.arrays([never], library="ak")[never]).tolist() == [True] * 98
    assert len(tree.arrays()) == 98  # the whole tree reads
