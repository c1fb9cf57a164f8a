"""What the two uproot oracles share: the test files, the DECLINED list, reading with uproot,
and the exact value comparison.

- tests/test_uproot_oracle.py checks the CLI (`arrowroot cat --format jsonl`);
- tests/test_uproot_oracle_api.py checks the Python package (`arrowroot.open(...)`).

Value comparison (see `same`): ints must be ints and bools bools; floats compare as float64
with NaN equal to NaN (uproot's float32 values, widened to float64, must equal ours exactly);
bytes are compared after decoding; records compare as dicts, recursively; uproot's tuples
(std::map entries) match a list, a tuple or a dict whose values, in order, are the tuple.
The CLI's JSON may print a float that is an integer as `1`, so by default an int is accepted
for a float; `exact=True` (the Python API, which has no JSON in between) refuses that.

Where the files come from: scikit-hep-testdata 0.6.9 ships no ROOT file in its wheel (every
file would be downloaded from GitHub by `data_path`, which is impossible here). So each file
is looked up, without any download, in: the scikit-hep-testdata package and its download
cache, then this repository's testdata/, then the shared test data (ARROWROOT_TESTDATA_DIRS,
../shared/testdata/root beside the repository, /work/shared/testdata/root).
"""

from __future__ import annotations

import functools
import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from conftest import REPO_ROOT, TESTDATA_DIR

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

# Branches arrowroot declines on purpose although uproot reads them. The CLI must exit 1 with
# "arrowroot: error: ... unsupported ..."; the Python API must list them in
# Tree.unsupported() and raise arrowroot.UnsupportedError when they are asked for.
# At most 5 % of the compared branches. Key: (file name, tree path, branch full path) -> reason.
DECLINED: dict[tuple[str, str, str], str] = {}

MAX_DECLINED_FRACTION = 0.05
MAX_PROBLEMS_SHOWN = 40


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


def same(expected, got, exact: bool = False) -> bool:
    """Exact comparison of an uproot value (`to_list`) with one of ours (JSON or Python).

    `exact=False` (CLI/JSON): a float may come back as an int (`1` for 1.0).
    `exact=True` (Python API): a float must be a float.
    """
    if isinstance(expected, bool):
        return isinstance(got, bool) and expected == got
    if isinstance(expected, int):
        return isinstance(got, int) and not isinstance(got, bool) and expected == got
    if isinstance(expected, float):
        if not (isinstance(got, float) if exact else _is_number(got)):
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
            and all(same(expected[k], got[k], exact) for k in expected)
        )
    if isinstance(expected, tuple):
        if isinstance(got, dict):
            got = list(got.values())
        return (
            isinstance(got, (list, tuple))
            and len(got) == len(expected)
            and all(same(e, g, exact) for e, g in zip(expected, got))
        )
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(same(e, g, exact) for e, g in zip(expected, got))
        )
    if expected is None:
        return got is None
    return expected == got


def short(value, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


# Marks a value that is absent from a row of our output (the CLI printed no such key).
MISSING = object()


def first_difference(expected: list, got: list, exact: bool = False) -> str | None:
    """None if the columns are equal, else a description of the first difference."""
    for i, (e, g) in enumerate(zip(expected, got)):
        if g is MISSING:
            return f"entry {i}: branch missing from the output row; expected {short(e)}"
        if not same(e, g, exact):
            return f"entry {i}: expected {short(e)}, got {short(g)}"
    if len(expected) != len(got):
        return f"{len(got)} entries in the output, uproot has {len(expected)}"
    return None


def problems_message(problems: list[str], what: str) -> str:
    """The text of a pytest.fail for `problems` (at most MAX_PROBLEMS_SHOWN of them)."""
    shown = "\n  ".join(problems[:MAX_PROBLEMS_SHOWN])
    more = len(problems) - MAX_PROBLEMS_SHOWN
    tail = f"\n  ... and {more} more" if more > 0 else ""
    return f"{len(problems)} problem(s) in {what}:\n  {shown}{tail}"


# --- walking the files with uproot -----------------------------------------------------------


def tree_paths(rootfile) -> list[str]:
    keys = rootfile.keys(recursive=True, cycle=False, filter_classname="TTree")
    return list(dict.fromkeys(keys))


def addressed_names(paths: list[str]) -> list[str]:
    """uproot's full paths (`keys(recursive=True)`, which repeats a path when ROOT has two
    sibling branches of one name) -> arrowroot's names: the n-th repeat (n >= 2) of a path
    segment is `name;n` (README, "Duplicate names"), in the segment where the repeat starts."""
    out: list[str] = []
    seen: dict[str, int] = {}
    renamed: dict[str, str] = {}  # a uproot path prefix -> arrowroot's
    for path in paths:
        parent, _, leaf = path.rpartition("/")
        parent = renamed.get(parent, parent)
        mine = f"{parent}/{leaf}" if parent else leaf
        seen[mine] = seen.get(mine, 0) + 1
        if seen[mine] > 1:
            mine = f"{mine};{seen[mine]}"
        renamed[path] = mine
        out.append(mine)
    return out


def all_branches(tree) -> list[tuple[str, object]]:
    """(arrowroot's name, uproot branch) of every branch, in uproot's keys(recursive) order:
    parents before their sub-branches."""
    paths = list(tree.keys(recursive=True, full_paths=True))
    return list(zip(addressed_names(paths), tree.values(recursive=True)))


def open_uproot(path: Path | str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return uproot.open(path)


@dataclass
class UprootTree:
    """What uproot reads of one tree: every branch it can read, as awkward arrays."""

    num_entries: int
    branches: list[str]  # every branch (arrowroot's names), in uproot's keys(recursive) order
    arrays: dict[str, object] = field(default_factory=dict)  # branch -> ak.Array
    cannot_read: dict[str, str] = field(default_factory=dict)  # branch -> exception class name

    @functools.cached_property
    def values(self) -> dict[str, list]:
        """Branch -> `ak.to_list` of uproot's array (the oracle's expected values)."""
        return {b: a.to_list() for b, a in self.arrays.items()}


@functools.lru_cache(maxsize=None)
def read_with_uproot(path: str, tree_path: str) -> UprootTree:
    """Every branch of a tree (parents read as uproot's groups too), read by uproot with
    `library="ak"` (cached per session).

    Branches uproot fails on are in `cannot_read`: uproot's limits are not ours to test.
    """
    rootfile = open_uproot(path)
    tree = rootfile[tree_path]
    named = all_branches(tree)
    out = UprootTree(num_entries=tree.num_entries, branches=[n for n, _ in named])
    for name, branch in named:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out.arrays[name] = branch.array(library="ak")
        except Exception as exc:  # uproot's limits are not ours to test
            out.cannot_read[name] = type(exc).__name__
    return out
