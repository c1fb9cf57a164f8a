"""Malformed command lines and inputs that are not ROOT trees: exit 1 and one clear error line.

The CLI's convention (see test_cli_errors.py): every failure, usage errors included, exits 1
with a single line starting "arrowroot: error:" that names the offending argument or file;
never a traceback, a signal or a second line. Nothing here needs the network: bad URLs are
rejected before a connection, or fail on a port nothing listens on.
"""

from __future__ import annotations

import json

from pathlib import Path

import pytest

from conftest import TESTDATA_DIR, Cli
from test_cli_errors import assert_clean_error

HZZ = TESTDATA_DIR / "uproot-HZZ.root"
EVENTS = f"{HZZ}:events"
NESTED = TESTDATA_DIR / "uproot-nesteddirs.root"
HISTOS = TESTDATA_DIR / "uproot-issue-750.root"  # a tree `tout` and TH1D histograms


# --- commands, flags and their values -------------------------------------------------------------


@pytest.mark.parametrize(
    "args, names",
    [
        (["--frobnicate"], ["--frobnicate"]),
        (["LS", str(HZZ)], ["LS"]),
        (["ls"], ["ls"]),
        (["ls", str(HZZ), "extra"], ["ls"]),
        (["cat"], ["cat"]),
        (["schema", str(HZZ)], [str(HZZ)]),
        (["cat", EVENTS, "extra"], ["extra"]),
        (["cat", EVENTS, "--no-such-flag"], ["--no-such-flag"]),
        (["cat", EVENTS, "-x"], ["-x"]),
        (["bench", EVENTS, "--format", "csv"], ["--format"]),
        (["schema", EVENTS, "-b", "NJet"], ["-b"]),
        (["cat", EVENTS, "--stats=yes"], ["--stats=yes"]),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_unknown_commands_and_flags(arrowroot_cli: Cli, args, names):
    assert_clean_error(arrowroot_cli.run(*args), names=names)


@pytest.mark.parametrize("flag", ["-b", "--branches", "--start", "--stop", "--batch-size",
                                  "--threads", "--format", "--endpoint-url", "--region",
                                  "--profile"])
def test_flag_without_its_value(arrowroot_cli: Cli, flag: str):
    assert_clean_error(arrowroot_cli.run("cat", EVENTS, flag), names=[flag, "needs a value"])


@pytest.mark.parametrize(
    "flag, value",
    [
        ("--threads", "-1"),
        ("--threads", "1025"),
        ("--threads", "99999999999999999999"),  # does not fit in 64 bits
        ("--threads", "two"),
        ("--threads", "2.5"),
        ("--start", "abc"),
        ("--start", "-1"),
        ("--start", "1e3"),
        ("--start", ""),
        ("--start", "99999999999999999999"),
        ("--stop", "-5"),
        ("--stop", "0x10"),
        ("--batch-size", "0"),
        ("--batch-size", "-3"),
        ("--format", "xml"),
        ("--format", ""),
    ],
)
def test_bad_numbers_and_values(arrowroot_cli: Cli, flag: str, value: str):
    res = arrowroot_cli.run("cat", EVENTS, flag, value)
    # The line names the flag ("--format": the format); values that are not numbers too.
    names = ["format"] if flag == "--format" else [flag]
    try:
        int(value)
    except ValueError:
        names.append(f"'{value}'")
    assert_clean_error(res, names=names)


@pytest.mark.parametrize("flag, value", [("--repeat", "0"), ("--repeat", "5000"),
                                         ("--threads", "-2")])
def test_bad_bench_values(arrowroot_cli: Cli, flag: str, value: str):
    assert_clean_error(arrowroot_cli.run("bench", EVENTS, flag, value), names=[flag])


def test_stop_before_start(arrowroot_cli: Cli):
    res = arrowroot_cli.run("cat", EVENTS, "--start", "10", "--stop", "5")
    assert_clean_error(res, names=["--stop 5", "--start 10"])


def test_huge_in_range_numbers_are_clipped_not_errors(arrowroot_cli: Cli):
    # Valid 64-bit entry numbers past the end select nothing (like a Python slice).
    res = arrowroot_cli.run("cat", EVENTS, "--start", str(2**62), "--stop", str(2**63 - 1))
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""
    res = arrowroot_cli.run("cat", EVENTS, "-b", "NJet", "--start", "2419", "--stop", str(2**62))
    assert res.returncode == 0, res.stderr
    assert len(res.stdout.splitlines()) == 2


# --- branch names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", ",", ",,,"])
def test_empty_branch_selection(arrowroot_cli: Cli, value: str):
    # An empty -b must not silently mean "every branch".
    assert_clean_error(arrowroot_cli.run("cat", EVENTS, "-b", value), names=["-b"])
    assert_clean_error(arrowroot_cli.run("cat", EVENTS, f"--branches={value}"),
                       names=["--branches"])


@pytest.mark.parametrize("value", ["Jet_*", "no[such", "NJet,nope", "events/NJet/x", "\u00e9t\u00e9"])
def test_bad_branch_names(arrowroot_cli: Cli, value: str):
    missing = "nope" if value == "NJet,nope" else value
    res = arrowroot_cli.run("cat", EVENTS, "-b", value)
    assert_clean_error(res, names=[missing, "events"])


def test_branch_without_data_of_its_own_reads_as_its_sub_branches(arrowroot_cli: Cli):
    # A split object's parent branch has only sub-branches: it reads as a struct of them
    # (uproot's group), nested groups included, with the sub-branches' own values.
    fullsplit = TESTDATA_DIR / "uproot-small-evnt-tree-fullsplit.root"
    res = arrowroot_cli.run("cat", f"{fullsplit}:tree", "-b", "evt,evt/P3/P3.Px,evt/I32",
                            "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(rows) == 100
    assert [r["evt"]["P3"]["P3.Px"] for r in rows] == [r["evt/P3/P3.Px"] for r in rows]
    assert [r["evt"]["I32"] for r in rows] == [r["evt/I32"] for r in rows] == list(range(100))


# --- files and tree paths --------------------------------------------------------------------------


def test_directory_instead_of_file(arrowroot_cli: Cli, tmp_path: Path):
    assert_clean_error(arrowroot_cli.run("ls", tmp_path), names=[str(tmp_path), "directory"])
    assert_clean_error(arrowroot_cli.run("cat", f"{tmp_path}:events"), names=[str(tmp_path)])


def test_empty_file(arrowroot_cli: Cli, tmp_path: Path):
    path = tmp_path / "empty.root"
    path.write_bytes(b"")
    assert_clean_error(arrowroot_cli.run("ls", path), names=[path.name])
    assert_clean_error(arrowroot_cli.run("cat", f"{path}:events"), names=[path.name])


@pytest.mark.parametrize("content", [b"hello, this is not a ROOT file\n" * 40,
                                     b"PK\x03\x04" + bytes(4096),  # a zip
                                     b"\x89HDF\r\n\x1a\n" + bytes(4096)])
def test_not_a_root_file(arrowroot_cli: Cli, tmp_path: Path, content: bytes):
    path = tmp_path / "data.root"
    path.write_bytes(content)
    assert_clean_error(arrowroot_cli.run("ls", path), names=[path.name, "not a ROOT file"])
    assert_clean_error(arrowroot_cli.run("schema", f"{path}:t"), names=[path.name])


def test_root_magic_then_garbage(arrowroot_cli: Cli, tmp_path: Path):
    path = tmp_path / "magic.root"
    path.write_bytes(b"root" + b"\xff" * 500)
    assert_clean_error(arrowroot_cli.run("ls", path), names=[path.name])


def test_unreadable_file(arrowroot_cli: Cli, tmp_path: Path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    path = tmp_path / "locked.root"
    path.write_bytes(HZZ.read_bytes())
    path.chmod(0)
    assert_clean_error(arrowroot_cli.run("ls", path), names=[path.name])


@pytest.mark.parametrize(
    "obj, names",
    [
        ("h_Muon_pt", ["h_Muon_pt", "TH1D", "not a TTree"]),
        ("tout/x", ["tout", "not a directory"]),
        ("nope", ["nope", "tout"]),  # lists what exists
        ("tout;x", ["tout;x", "cycle"]),
    ],
)
def test_tree_path_that_is_not_a_tree(arrowroot_cli: Cli, obj: str, names: list[str]):
    for cmd in ("cat", "schema", "bench"):
        assert_clean_error(arrowroot_cli.run(cmd, f"{HISTOS}:{obj}"), names=names)


@pytest.mark.parametrize(
    "obj, names",
    [
        ("one", ["'one'", "TDirectory", "not a TTree"]),
        ("one/two", ["'one/two'", "TDirectory", "not a TTree"]),
        ("one/nope/tree", ["'nope'", "'two'"]),  # lists what the directory has
        ("one/two/tree/x", ["'tree'", "not a directory"]),
    ],
)
def test_directory_paths_that_are_not_trees(arrowroot_cli: Cli, obj: str, names: list[str]):
    assert_clean_error(arrowroot_cli.run("cat", f"{NESTED}:{obj}"), names=[str(NESTED), *names])


@pytest.mark.parametrize("target", [f"{HZZ}:", ":events", str(HZZ)])
def test_file_tree_argument_without_a_part(arrowroot_cli: Cli, target: str):
    assert_clean_error(arrowroot_cli.run("cat", target), names=["FILE:TREE"])


# --- URLs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, names",
    [
        ("s3://", ["s3://", "bucket"]),
        ("s3:///key.root", ["s3:///key.root", "bucket"]),
        ("ftp://example.org/f.root", ["ftp://"]),
        ("gopher://x", ["gopher://"]),
        ("root://eos.example.org//f.root", ["root://"]),
        ("http://localhost:99999/f.root", ["http://localhost:99999/f.root"]),  # bad port
        ("http://localhost:abc/f.root", ["http://localhost:abc/f.root"]),
        ("http://127.0.0.1:9/f.root", ["http://127.0.0.1:9/f.root"]),  # nothing listens
        ("http:///f.root", ["http:///f.root"]),
    ],
)
def test_bad_urls(arrowroot_cli: Cli, url: str, names: list[str]):
    res = arrowroot_cli.run("ls", url, timeout=120)
    assert_clean_error(res, names=names)


def test_s3_url_without_bucket_in_cat(arrowroot_cli: Cli):
    res = arrowroot_cli.run("cat", "s3:///k.root:events")
    assert_clean_error(res, names=["bucket"])


def test_entries_a_branch_does_not_hold_print_as_null(arrowroot_cli: Cli):
    # uproot-issue327.root DstTree: fTracks' members were never filled; the tree has 98 entries.
    res = arrowroot_cli.run("cat", f"{TESTDATA_DIR / 'uproot-issue327.root'}:DstTree", "-b",
                            "Event/AliReducedBaseEvent/fRunNo,"
                            "Event/AliReducedBaseEvent/fTracks/fTracks.fMCFlags",
                            "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(rows) == 98
    assert {r["Event/AliReducedBaseEvent/fTracks/fTracks.fMCFlags"] for r in rows} == {None}
    assert {r["Event/AliReducedBaseEvent/fRunNo"] for r in rows} == {246994}
