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

import contextlib
import functools
import math
import os
import resource
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

# Real files from the public collection (../shared/testdata/corpus, copied unmodified into
# testdata/) that showed a reading problem, each the smallest one that shows it; compared
# branch by branch against uproot through the CLI and the package (values with pyarrow; the
# awkward/NumPy/pandas conversions are checked on TTREE_FILES). What each tests:
CORPUS_REGRESSION_FILES: list[tuple[str, str]] = [
    ("uproot-issue513.root", "Delphes: two 'Particle' branches (name;2), TClonesArray counts, "
     "fBits with process ids, TRef, TRefArray, TLorentzVector members of split collections"),
    ("uproot-issue46.root", "a top-level unsplit object (no class header), bool* [N] arrays"),
    ("uproot-issue-513.root", "ROOT::Math vectors (version 0 + checksum), groups of them"),
    ("uproot-issue-643.root", "member-wise vector<pair<TLorentzVector,int>>"),
    ("uproot-issue-40.root", "std::bitset<8>, std::bitset<16>"),
    ("uproot-issue-407.root", "TDatime (a bare u32 whose bit 30 looks like a byte count)"),
    ("uproot-issue-1610.root", "vector<TMatrixTSym<double>> (custom streamer)"),
    ("uproot-issue31.root", "char* members of a split object"),
    ("uproot-issue-214.root", "KM3NeT: vector<double>, vector<int>, vector<string>, string "
     "members of split collections"),
    ("uproot-issue-275-split1.root", "a TObject base branch with no sub-branches (crashed)"),
    ("uproot-issue-1229.root", "TObject groups, object pointers"),
    ("uproot-issue-1221.root", "vector<vector<mu2e::...>> with checksums (LoopHelixInfo)"),
    ("uproot-issue-798.root", "ATLAS xAOD: ElementLink (with and without streamer info), "
     "member-wise containers, top-level objects without class header"),
    ("uproot-issue-880.root", "fixed arrays of objects in split members, a member hiding its "
     "base's member of the same name (zCluster::Primary)"),
    ("uproot-issue433-splitlevel2.root", "KM3NeT JDAQUTCExtended (uproot's strided reading "
     "byte-swaps it), nested groups"),
    ("string-example.root", "a branch with more entries than its tree (fEntries 0)"),
    ("uproot-issue327.root", "ALICE: members of TClonesArrays never filled (nulls for the "
     "tree's entries), TClonesArray* members"),
    ("uproot-issue-250.root", "ROOT 4: TTree v5 (by its streamer info), TBranch v8, an empty "
     "TBasket v1 in fBaskets"),
    ("uproot-issue413.root", "written baskets left in their fBaskets slots as headers without "
     "buffer (read from their keys)"),
]

# Files that may be missing on a machine, with the reason. Empty: all of them are expected.
KNOWN_ABSENT: dict[str, str] = {}

# Branches arrowroot declines on purpose although uproot reads them. The CLI must exit 1 with
# "arrowroot: error: ... unsupported ..."; the Python API must list them in
# Tree.unsupported() and raise arrowroot.UnsupportedError when they are asked for.
# At most 5 % of the compared branches. Key: (file name, tree path, branch full path) -> reason.
_JDAQ_SUPERFRAME = ("vector<KM3NETDAQ::JDAQSuperFrame>: its member `JDAQHit* buffer //[numberOfHits]` "
                    "is written by JDAQHit's own Streamer, which the file does not describe "
                    "(uproot reads it only where the tree has no entries)")
DECLINED: dict[tuple[str, str, str], str] = {
    ("uproot-issue433-splitlevel2.root", "KM3NET_TIMESLICE",
     "KM3NET_TIMESLICE/vector<KM3NETDAQ::JDAQSuperFrame>"): _JDAQ_SUPERFRAME,
}

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
    tree: object = None  # the uproot TTree
    objects: dict[str, object] = field(default_factory=dict)  # branch -> uproot TBranch

    @functools.cached_property
    def values(self) -> dict[str, list]:
        """Branch -> `ak.to_list` of uproot's array (the oracle's expected values), with a
        null for each entry of the tree the branch does not hold (`with_nulls`)."""
        return {b: with_nulls(a.to_list(), self.num_entries, null_value(self.objects[b]))
                for b, a in self.arrays.items()}

    def second_opinion(self, name: str, ours: list, exact: bool = True) -> str | None:
        """Why arrowroot's values, which differ from uproot's default reading, are the
        file's after all (see `second_opinion`), or None."""
        return second_opinion(self.tree, self.objects[name], name, ours, exact)


@functools.lru_cache(maxsize=None)
def read_with_uproot(path: str, tree_path: str) -> UprootTree:
    """Every branch of a tree (parents read as uproot's groups too), read by uproot with
    `library="ak"` (cached per session), up to the tree's number of entries: a branch may
    hold more than its tree says (string-example.root), and a tree's columns have the tree's
    length, as in uproot's tree.arrays() and ROOT's TTree::GetEntries().

    Branches uproot fails on are in `cannot_read`: uproot's limits are not ours to test.
    """
    rootfile = open_uproot(path)
    tree = rootfile[tree_path]
    named = all_branches(tree)
    out = UprootTree(num_entries=tree.num_entries, branches=[n for n, _ in named], tree=tree,
                     objects=dict(named))
    for name, branch in named:
        try:
            with warnings.catch_warnings(), uproot_memory_cap():
                warnings.simplefilter("ignore")
                out.arrays[name] = branch.array(library="ak", entry_stop=tree.num_entries)
        except Exception as exc:  # uproot's limits are not ours to test
            out.cannot_read[name] = type(exc).__name__
    return out


# uproot's Python object reader can grow without bound on some classes before it gives up
# (uproot-issue-798.root's xAOD::EventFormat_v1: 14 GB and 200 s, then a DeserializationError),
# which on a CI machine that runs other work beside the tests means the kernel's OOM killer.
# Each uproot read gets this much address space beyond what the process already has; past it,
# uproot meets a MemoryError, which counts as "uproot cannot read".
UPROOT_EXTRA_ADDRESS_SPACE_BYTES = 4 << 30


@contextlib.contextmanager
def uproot_memory_cap():
    """Lower the soft RLIMIT_AS to the current address space plus the margin for a block of
    uproot reading, then restore it (only the soft limit moves, so it can go back up)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as f:
        current = int(f.read().split()[0]) * resource.getpagesize()
    cap = current + UPROOT_EXTRA_ADDRESS_SPACE_BYTES
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield  # already capped as tightly (a corpus-oracle worker)
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def with_nulls(values: list, num_entries: int, null=None) -> list:
    """uproot's `branch.array()` stops at the branch's own fEntries; a branch that holds fewer
    entries than its tree (never filled: uproot-issue327.root) has nothing for the rest, which
    ROOT reads as nothing and arrowroot gives as nulls, keeping the tree's rows. `null` is
    what stands for such an entry (`null_value`)."""
    return values + [null] * (num_entries - len(values)) if len(values) < num_entries else values


def null_value(branch):
    """None, or for a group (a struct of its sub-branches, which are what hold entries or
    not) a record of its sub-branches' nulls."""
    if branch.branches and type(branch.interpretation).__name__ == "AsGrouped":
        return {sub.name: null_value(sub) for sub in branch.branches}
    return None


# --- where uproot's default answer is not the file's content --------------------------------
#
# A difference is first put to uproot's general object reader: uproot simplifies fixed-size
# classes to a strided reading (interpretation/objects.py AsObjects.simplify) that misreads
# classes holding a class checksum (ROOT::Math vectors: version 0 is followed by 4 bytes) and
# byte-swaps some (KM3NeT's JDAQUTCExtended); `interpretation_of(..., simplify=False)` reads
# them member by member. If that reading equals arrowroot's, the branch counts as equal (and
# the reason is recorded). What remains is listed here, each with the reason and an
# independent check of arrowroot's values; anything else that differs is a failure.


def general_reading(branch, entry_stop: int) -> list:
    """uproot's member-by-member reading of a branch (a group: of each sub-branch).

    A split member `T x[N]` of objects outside a collection comes from uproot as a one-item
    list per entry (identify.py wraps the dimensions in AsArray), where the entry holds one
    array of N objects; that level is removed."""
    import awkward as ak
    from uproot.interpretation.identify import interpretation_of

    if branch.branches and type(branch.interpretation).__name__ == "AsGrouped":
        parts = {sub.name: general_reading(sub, entry_stop) for sub in branch.branches}
        return [dict(zip(parts, row)) for row in zip(*parts.values())]
    interpretation = interpretation_of(branch, {}, simplify=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = ak.to_list(branch.array(interpretation, library="ak", entry_stop=entry_stop))
    fixed_array_of_objects = ("AsArray(False, False" in repr(interpretation)
                              and branch.member("fType", none_if_missing=True) not in (31, 41))
    if fixed_array_of_objects and values and all(isinstance(v, list) and len(v) == 1 for v in values):
        values = [v[0] for v in values]
    return values


def _fbits_problem(tree, name: str, ours: list) -> str | None:
    """TObject::fBits of a split TClonesArray (Delphes): per object a u32 and, when the object
    is referenced by a TRef (bit 4, kIsReferenced), a u16 process id (ROOT TStreamerInfo::
    WriteBufferAux, case kBits). uproot reads the bytes as plain u32s: more values than
    objects, misaligned. Checked instead: one value per object (the collection branch's
    count) and every value has kNotDeleted (bit 25), which ROOT sets on every object."""
    counts = tree[name.split("/", 1)[0]].array(library="np", entry_stop=tree.num_entries)
    if [len(v) for v in ours] != [int(c) for c in counts]:
        return "not one fBits per object"
    if not all(v & (1 << 25) for entry in ours for v in entry):
        return "an fBits without kNotDeleted"
    return None


def second_opinion(tree, branch, name: str, ours: list, exact: bool = True) -> str | None:
    """Why arrowroot's differing values are the file's after all, or None."""
    try:
        with uproot_memory_cap():
            general = general_reading(branch, tree.num_entries)
    except Exception:  # noqa: BLE001 - no second reading, then
        general = None
    if general is not None and first_difference(general, ours, exact) is None:
        return ("uproot's default reading differs; its member-by-member reading agrees "
                "(fixed arrays of objects without uproot's one-item list)")
    if name.rsplit("/", 1)[-1].endswith(".fBits") and branch.member("fType") == 31:
        if _fbits_problem(tree, name, ours) is None:
            return ("uproot reads a referenced TObject's fBits without its process id "
                    "(misaligned); checked: one value per object, kNotDeleted set")
    return None
