"""The CLI must fail cleanly: exit status 1 (never a crash or a signal) and one error line.

Error lines start with "arrowroot: error:" and name what went wrong (the file, the tree,
the argument). Broken inputs are made here from a real file: a truncated copy and a copy
with flipped bytes in the middle.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import TESTDATA_DIR, Cli, CliResult

ERROR_PREFIX = "arrowroot: error:"
HZZ = TESTDATA_DIR / "uproot-HZZ.root"


def assert_clean_error(res: CliResult, *, names: list[str] = (), single_line: bool = True):
    """Exit 1, and stderr is one line 'arrowroot: error: ...' naming each of `names`."""
    cmd = " ".join(res.args)
    assert res.returncode >= 0, f"`{cmd}` was killed by signal {-res.returncode}:\n{res.stderr}"
    assert res.returncode == 1, f"`{cmd}` exited {res.returncode}, expected 1:\n{res.stderr}"
    lines = res.stderr.strip().splitlines()
    assert lines, f"`{cmd}` exited 1 without a message on stderr"
    assert lines[0].startswith(ERROR_PREFIX), (
        f"`{cmd}`: stderr must start with {ERROR_PREFIX!r}, got:\n{res.stderr}"
    )
    if single_line:
        assert len(lines) == 1, f"`{cmd}`: expected one error line, got {len(lines)}:\n{res.stderr}"
    for name in names:
        assert name in lines[0], f"`{cmd}`: the error line does not name {name!r}: {lines[0]}"


def _names_file(path: Path) -> list[str]:
    return [path.name]


@pytest.fixture
def truncated_file(tmp_path: Path) -> Path:
    """The first 30000 bytes of uproot-HZZ.root (like `head -c 30000`)."""
    path = tmp_path / "truncated-HZZ.root"
    path.write_bytes(HZZ.read_bytes()[:30000])
    return path


@pytest.fixture
def flipped_file(tmp_path: Path) -> Path:
    """uproot-HZZ.root with 256 bytes in the middle inverted (basket data lives there)."""
    data = bytearray(HZZ.read_bytes())
    mid = len(data) // 2
    for i in range(mid, mid + 256):
        data[i] ^= 0xFF
    path = tmp_path / "flipped-HZZ.root"
    path.write_bytes(bytes(data))
    return path


@pytest.fixture
def bad_key_file(tmp_path: Path) -> Path:
    """uproot-issue-250.root whose keys list says the TH1D 'Egap' runs 2^28 bytes, past the
    end of the file (uproot finds where the keys list holds its header)."""
    import uproot

    src = TESTDATA_DIR / "uproot-issue-250.root"
    at = uproot.open(src).key("Egap").cursor.index  # its header in the keys list
    data = bytearray(src.read_bytes())
    assert int.from_bytes(data[at:at + 4], "big") == 322  # fNbytes
    data[at:at + 4] = (1 << 28).to_bytes(4, "big")
    path = tmp_path / "bad-key.root"
    path.write_bytes(bytes(data))
    return path


def test_testdata_present():
    assert HZZ.is_file(), f"missing {HZZ}"


# --- broken files ----------------------------------------------------------------------------


def test_truncated_ls(arrowroot_cli: Cli, truncated_file: Path):
    assert_clean_error(arrowroot_cli.run("ls", truncated_file), names=_names_file(truncated_file))


def test_truncated_cat(arrowroot_cli: Cli, truncated_file: Path):
    res = arrowroot_cli.run("cat", f"{truncated_file}:events")
    assert_clean_error(res, names=_names_file(truncated_file))


def test_flipped_ls_does_not_crash(arrowroot_cli: Cli, flipped_file: Path):
    # `ls` reads the header and the key list only; the flipped bytes are basket data, so it
    # may succeed. It must not crash, and if it fails it fails cleanly.
    res = arrowroot_cli.run("ls", flipped_file)
    if res.returncode != 0:
        assert_clean_error(res, names=_names_file(flipped_file))


def test_flipped_cat(arrowroot_cli: Cli, flipped_file: Path):
    # Reading every branch touches the damaged basket: the codec or a length check must catch it.
    res = arrowroot_cli.run("cat", f"{flipped_file}:events")
    assert_clean_error(res, names=_names_file(flipped_file))


def test_flipped_cat_jsonl(arrowroot_cli: Cli, flipped_file: Path):
    res = arrowroot_cli.run("cat", f"{flipped_file}:events", "--format", "jsonl")
    assert_clean_error(res, names=_names_file(flipped_file))


def test_ls_lists_the_other_keys_and_warns_of_a_bad_one(arrowroot_cli: Cli, bad_key_file: Path):
    # ROOT lists such a key and fails only when it is read: ls lists the others, exits 0 and
    # says on stderr which key is bad (name, class, byte range) and why.
    res = arrowroot_cli.run("ls", bad_key_file)
    assert res.returncode == 0, res.stderr
    names = [line.split()[0] for line in res.stdout.splitlines()[1:]]
    assert names == ["B4", "Eabs", "Labs", "Lgap"]
    assert "1000" in res.stdout.splitlines()[1]  # B4's entries: the tree stays readable
    warnings = res.stderr.strip().splitlines()
    assert len(warnings) == 1, res.stderr
    line = warnings[0]
    assert line.startswith("warning: ") and bad_key_file.name in line
    assert "TH1D 'Egap;1' at [0x8ca7,+268435456)" in line and "past the end" in line, line


def test_cat_of_a_tree_beside_a_bad_key_works(arrowroot_cli: Cli, bad_key_file: Path):
    res = arrowroot_cli.run("cat", f"{bad_key_file}:B4", "-b", "Eabs")
    assert res.returncode == 0, res.stderr
    assert len(res.stdout.splitlines()) == 1000


# --- missing things --------------------------------------------------------------------------


def test_nonexistent_file_ls(arrowroot_cli: Cli, tmp_path: Path):
    path = tmp_path / "no-such-file.root"
    assert_clean_error(arrowroot_cli.run("ls", path), names=[path.name])


def test_nonexistent_file_cat(arrowroot_cli: Cli, tmp_path: Path):
    path = tmp_path / "no-such-file.root"
    assert_clean_error(arrowroot_cli.run("cat", f"{path}:events"), names=[path.name])


def test_nonexistent_tree(arrowroot_cli: Cli):
    res = arrowroot_cli.run("cat", f"{HZZ}:no_such_tree")
    assert_clean_error(res, names=["no_such_tree"])


def test_nonexistent_branch(arrowroot_cli: Cli):
    res = arrowroot_cli.run("cat", f"{HZZ}:events", "-b", "no_such_branch")
    assert_clean_error(res, names=["no_such_branch"])


# --- bad arguments ---------------------------------------------------------------------------
# Usage errors also exit 1; a usage hint may follow the error line.


def test_no_arguments(arrowroot_cli: Cli):
    assert_clean_error(arrowroot_cli.run(), single_line=False)


def test_unknown_command(arrowroot_cli: Cli):
    assert_clean_error(arrowroot_cli.run("frobnicate", HZZ), single_line=False)


def test_unknown_flag(arrowroot_cli: Cli):
    res = arrowroot_cli.run("cat", f"{HZZ}:events", "--no-such-flag")
    assert_clean_error(res, names=["--no-such-flag"], single_line=False)


def test_cat_without_tree(arrowroot_cli: Cli):
    assert_clean_error(arrowroot_cli.run("cat", HZZ), single_line=False)


def test_start_not_a_number(arrowroot_cli: Cli):
    res = arrowroot_cli.run("cat", f"{HZZ}:events", "--start", "abc")
    assert_clean_error(res, names=["abc"], single_line=False)


def test_unknown_format(arrowroot_cli: Cli):
    res = arrowroot_cli.run("cat", f"{HZZ}:events", "--format", "xml")
    assert_clean_error(res, names=["xml"], single_line=False)
