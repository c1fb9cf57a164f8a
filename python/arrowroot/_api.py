"""The public API: open(), File, Tree, iterate(), concatenate()."""

from __future__ import annotations

import fnmatch
import operator
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, Union

import pyarrow as pa

from . import _core
from ._convert import check_library, convert
from ._errors import InvalidArgumentError, MissingFileError, NotFoundError, UnsupportedError
from ._options import check_path, check_storage_options, expand_glob, split_object

__all__ = ["open", "File", "Tree", "ArrowStream", "iterate", "concatenate"]

#: Classes arrowroot reads as trees.
TREE_CLASSES = ("TTree", "TNtuple", "TNtupleD", "ROOT::RNTuple")

Columns = Union[str, Sequence[str], None]
Filter = Union[str, Sequence[str], Callable[[str], bool], None]
StepSize = Union[int, str]

_DEFAULT_STEP = "100 MB"
# Rows per batch inside one arrays() call: big enough to amortize, small enough for bounded
# temporary memory while decoding.
_READ_BATCH_ENTRIES = 1 << 16
_READ_BATCH_BYTES = 256 << 20


def open(path: str | os.PathLike[str],  # noqa: A001 - the uproot name, on purpose
         storage_options: Mapping[str, Any] | None = None) -> File:
    """Open a ROOT file for reading.

    ``path`` is a local path, a ``file://``, ``http(s)://`` or ``s3://bucket/key`` URL. The
    file's header, streamer infos and top directory are read now (for remote files in one or
    two requests: the head and the tail of the object); trees are read when asked for. Use as a
    context manager, or call :meth:`File.close`.

    ``storage_options`` (remote files; keys as s3fs spells them): ``endpoint_url``, ``region``,
    ``key``, ``secret``, ``token``, ``profile``, ``anon`` (unsigned requests), ``addressing``
    (``"path"``/``"virtual"``), ``ca_bundle``, ``verify``, ``connect_timeout`` (s),
    ``read_timeout`` (s, 30: a transfer that stalls this long is retried), ``retries``,
    ``max_retry_time`` (s), and read planning: ``max_gap_bytes`` (32 KiB), ``max_waste_ratio``
    (0.5: a bigger gap still joins a request if at most this fraction of its wanted bytes),
    ``max_request_bytes`` (8 MiB), ``max_requests_in_flight`` (32), ``max_prefetch_bytes``.
    Anything not given comes from the environment as the AWS CLI does it (``AWS_ENDPOINT_URL``,
    ``AWS_ACCESS_KEY_ID``, ``AWS_PROFILE``, ``~/.aws/credentials``, ...).

    Raises :class:`~arrowroot.NotFoundError` / :class:`~arrowroot.ArrowrootIOError` when the file
    cannot be opened, and :class:`~arrowroot.CorruptionError` when it is not a readable ROOT file.

    >>> with arrowroot.open("Zmumu.root") as f:
    ...     table = f["events"].arrays(["px1", "py1"])
    """
    return File(check_path(path), storage_options)


class File:
    """A ROOT file (a TFile): its objects by path, and the trees in it."""

    def __init__(self, path: str, storage_options: Mapping[str, Any] | None = None) -> None:
        path = check_path(path)
        self._path = path
        try:
            self._file: _core.File | None = _core.File.open(path,
                                                            check_storage_options(storage_options))
        except MissingFileError:
            raise
        except NotFoundError as e:
            # Opening can only miss the file itself; make it a FileNotFoundError too.
            raise MissingFileError(str(e)) from None

    # --- lifetime ---------------------------------------------------------------------------
    def close(self) -> None:
        """Forget the file. Trees already taken from it stay readable until they are dropped."""
        self._file = None

    @property
    def closed(self) -> bool:
        return self._file is None

    def __enter__(self) -> File:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _handle(self) -> _core.File:
        if self._file is None:
            raise ValueError(f"I/O operation on closed file {self._path!r}")
        return self._file

    # --- contents ---------------------------------------------------------------------------
    @property
    def file_path(self) -> str:
        """The path or URL the file was opened with."""
        return self._path

    def io_stats(self) -> dict[str, float]:
        """Counters of the storage so far: requests, bytes requested and received, retries,
        servers that ignored Range (whole-object downloads), seconds waiting on I/O."""
        return self._handle().io_stats()

    @property
    def root_version(self) -> int:
        """The ROOT version that wrote the file, as ROOT encodes it (e.g. 61206)."""
        return self._handle().root_version

    def keys(self, recursive: bool = True, cycle: bool = True,
             filter_classname: str | None = None) -> list[str]:
        """Names of the objects in the file, like uproot's ``keys()``.

        Paths of nested directories' objects are ``"dir/name"`` (``recursive=False``: the top
        directory only); ``cycle=True`` lists every cycle of a name (``"T;2"``, ``"T;1"``),
        ``cycle=False`` each name once. ``filter_classname`` is a glob on the class name
        (``"TTree"``, ``"TH1*"``). Keys that cannot be read are not listed: see
        :meth:`bad_keys`.
        """
        return list(self.classnames(recursive, cycle, filter_classname))

    def classnames(self, recursive: bool = True, cycle: bool = True,
                   filter_classname: str | None = None) -> dict[str, str]:
        """``{name: class name}`` of the objects in the file (see :meth:`keys`)."""
        if filter_classname is not None and not isinstance(filter_classname, str):
            raise TypeError("filter_classname must be a str glob (or None), "
                            f"not {type(filter_classname).__name__}")
        out: dict[str, str] = {}
        for path, classname, cyc in self._handle().objects():
            if not recursive and "/" in path:
                continue
            if filter_classname and not fnmatch.fnmatchcase(classname, filter_classname):
                continue
            out[f"{path};{cyc}" if cycle else path] = classname
        return out

    def bad_keys(self) -> dict[str, str]:
        """Keys the file's directories list that cannot be read, ``{"path;cycle": why}``.

        Why names the class, the key's byte range and what is wrong (a key running past the
        end of the file, a subdirectory whose record is corrupt, ...). The other objects are
        listed by :meth:`keys` and stay readable; only reading one of these fails.
        """
        return {f"{path};{cyc}": why for path, cyc, why in self._handle().bad_keys()}

    def trees(self) -> list[str]:
        """Paths of the trees (TTrees and RNTuples) in the file."""
        return [p for p, c in self.classnames(cycle=False).items() if c in TREE_CLASSES]

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        try:
            self._handle().find(path)
        except NotFoundError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._handle().objects())

    def __getitem__(self, path: str) -> Tree:
        """The tree at ``path`` (``"events"``, ``"dir/tree"``, ``"tree;2"``).

        Raises NotFoundError (a KeyError) listing the names that do exist, and UnsupportedError
        for objects that are not trees.
        """
        if not isinstance(path, str):
            raise TypeError(f"object paths are str, not {type(path).__name__}")
        handle = self._handle()
        classname, _ = handle.find(path)
        if classname not in TREE_CLASSES:
            raise UnsupportedError(
                f"'{path}' in '{self._path}' is a {classname}; arrowroot reads TTrees and "
                f"RNTuples (in this file: {', '.join(self.trees()) or 'none'})"
            )
        return Tree(handle.tree(path), self)

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<arrowroot.File {self._path!r} ({state})>"


class Tree:
    """A TTree or an RNTuple: named columns (branches; an RNTuple's top-level fields) of
    ``num_entries`` entries. Both read the same way; ``is_rntuple`` says which it is.

    Get one with ``arrowroot.open(path)["name"]``. Reading never changes it, and it may be
    read from several threads at once (the engine runs without the GIL).
    """

    def __init__(self, core: _core.Tree, file: File | None = None) -> None:
        self._core = core
        self._file = file
        self._columns = core.columns()

    # --- metadata ---------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._core.path.rsplit("/", 1)[-1]

    @property
    def object_path(self) -> str:
        return self._core.path

    @property
    def title(self) -> str:
        return self._core.title

    @property
    def file(self) -> File | None:
        return self._file

    @property
    def num_entries(self) -> int:
        """Number of entries (rows)."""
        return self._core.num_entries

    @property
    def is_rntuple(self) -> bool:
        """An RNTuple (ROOT's columnar format), not a TTree."""
        return self._core.is_rntuple

    def __len__(self) -> int:
        return self.num_entries

    def keys(self, filter_name: Filter = None, readable_only: bool = False) -> list[str]:
        """Branch names, every branch as uproot's ``keys(recursive=True)`` lists them: full
        paths for nested branches (``"evt/P3/P3.Px"``), a parent before its sub-branches.

        A parent without data of its own (``"evt/P3"``) reads as a struct of its
        sub-branches (uproot's "group"). ROOT allows two sibling branches of one name: the
        second is ``"name;2"`` here (``"name"`` is the first, as in uproot and ROOT).
        ``filter_name`` is a glob (``"Muon_*"``), a list of globs, or a predicate.
        ``readable_only`` drops branches whose type arrowroot cannot decode.
        """
        names = [c[0] for c in self._columns if not readable_only or c[2] is not None]
        return _apply_filter(names, filter_name)

    def typenames(self) -> dict[str, str]:
        """``{branch: C++ type}`` as ROOT declares it."""
        return {c[0]: c[1] for c in self._columns}

    def unsupported(self) -> dict[str, str]:
        """``{branch: reason}`` for the branches arrowroot cannot decode."""
        return {c[0]: c[3] for c in self._columns if c[2] is None}

    @property
    def schema(self) -> pa.Schema:
        """The Arrow schema of every readable branch."""
        return pa.schema(_SchemaCapsule(self._core.schema_capsule([])))

    def __arrow_c_schema__(self) -> object:
        return self._core.schema_capsule([])

    def show(self, stream: IO[str] | None = None, name_width: int = 24,
             type_width: int = 24) -> None:
        """Print a table of branches: name, C++ type, Arrow type (or why it is unreadable)."""
        out = stream if stream is not None else sys.stdout
        rows = [("name", "C++ type", "Arrow type")]
        for name, root_type, arrow_type, why, _ in self._columns:
            rows.append((name, root_type, arrow_type or f"unsupported: {_short_reason(why)}"))
        w0 = max(name_width, *(len(r[0]) for r in rows))
        w1 = max(type_width, *(len(r[1]) for r in rows))
        for i, (a, b, c) in enumerate(rows):
            out.write(f"{a:<{w0}} | {b:<{w1}} | {c}\n")
            if i == 0:
                out.write(f"{'-' * w0}-+-{'-' * w1}-+-{'-' * 24}\n")

    def io_stats(self) -> dict[str, float]:
        """Counters of the file's storage (see :meth:`File.io_stats`)."""
        return self._core.io_stats()

    def common_entry_offsets(self, columns: Columns = None) -> list[int]:
        """Entry numbers where every selected column starts a new basket, from 0 to
        ``num_entries``: ranges split there never read a basket twice."""
        return self._core.common_entry_offsets(self._resolve(columns, None))

    def arrow_schema(self, columns: Columns = None) -> pa.Schema:
        """The Arrow schema of the selected columns (default: every readable branch, as
        :attr:`schema`), as :meth:`arrays` would return them."""
        return pa.schema(_SchemaCapsule(self._core.schema_capsule(self._resolve(columns, None))))

    def bytes_per_entry(self, columns: Columns = None) -> float:
        """Estimated decoded bytes per entry of the selected columns (from the branches'
        sizes in the file): what a memory ``step_size`` or a partition size divides."""
        return self._core.bytes_per_entry(self._resolve(columns, None))

    # --- reading ----------------------------------------------------------------------------
    def arrays(self, columns: Columns = None, entry_start: int | None = None,
               entry_stop: int | None = None, library: str = "pa", *,
               filter_name: Filter = None, threads: int | None = None) -> Any:
        """Read columns into memory.

        ``columns``: branch names or full paths (default: every readable branch);
        ``filter_name``: a glob, globs or predicate on the names instead.
        ``entry_start``/``entry_stop``: a range of entries, Python-slice style (negative counts
        from the end; out-of-range values are clipped, as uproot does).
        ``library``: ``"pa"`` pyarrow.Table, ``"pd"`` pandas.DataFrame, ``"np"`` dict of NumPy
        arrays (jagged columns as arrays of per-entry arrays), ``"ak"`` awkward.Array.

        The GIL is released while reading and decoding. ``threads``: columns are read,
        decompressed and decoded on this many threads (default: one per core; 1 = none).
        """
        lib = check_library(library)
        names = self._resolve(columns, filter_name)
        start, stop = _entry_range(self.num_entries, entry_start, entry_stop)
        scanner = self._core.scan(names, start, stop, _READ_BATCH_ENTRIES, _READ_BATCH_BYTES,
                                  _threads(threads))
        table = pa.table(scanner.read_all())
        return convert(table, lib, start)

    def iterate(self, columns: Columns = None, step_size: StepSize = _DEFAULT_STEP,
                entry_start: int | None = None, entry_stop: int | None = None,
                library: str = "pa", *, filter_name: Filter = None,
                threads: int | None = None) -> Iterator[Any]:
        """Read columns in steps, yielding one ``arrays()``-like result per step.

        ``step_size`` is a number of entries (int) or a memory size (``"100 MB"``, ``"1 GiB"``):
        each step then holds about that much decoded data, so memory stays bounded however big
        the tree is.
        """
        lib = check_library(library)
        position = _entry_range(self.num_entries, entry_start, entry_stop)[0]
        stream = self.batches(columns, step_size, entry_start, entry_stop, filter_name=filter_name,
                              threads=threads)
        while True:
            batch = next(stream, None)
            if batch is None:
                return
            out = convert(pa.Table.from_batches([batch]), lib, position)
            position += batch.num_rows
            # Hold no reference to this step while the next one is decoded: the caller's is
            # the only one, so memory stays at about one step.
            del batch
            yield out
            del out

    def batches(self, columns: Columns = None, step_size: StepSize = _DEFAULT_STEP,
                entry_start: int | None = None, entry_stop: int | None = None, *,
                filter_name: Filter = None, threads: int | None = None) -> ArrowStream:
        """A lazy stream of record batches (see :meth:`iterate` for ``step_size``).

        Iterate it for ``pyarrow.RecordBatch`` objects, or hand it to any Arrow consumer
        (``pyarrow.table(s)``, ``polars.from_arrow(s)``, duckdb) through ``__arrow_c_stream__``;
        it is read once.
        """
        names = self._resolve(columns, filter_name)
        start, stop = _entry_range(self.num_entries, entry_start, entry_stop)
        batch_entries, max_bytes = _step(step_size, lambda: self._core.bytes_per_entry(names))
        return ArrowStream(self._core.scan(names, start, stop, batch_entries, max_bytes,
                                           _threads(threads)))

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        """Every readable column, streamed in ~100 MB batches (Arrow PyCapsule protocol)."""
        return self.batches().__arrow_c_stream__(requested_schema)

    def _resolve(self, columns: Columns, filter_name: Filter) -> list[str]:
        if columns is not None and filter_name is not None:
            raise InvalidArgumentError("pass columns or filter_name, not both")
        if filter_name is not None:
            names = _without_covered_groups(
                _apply_filter(self.keys(readable_only=True), filter_name), self._columns)
            if not names:
                raise NotFoundError(
                    f"filter_name={filter_name!r} matches no readable branch of tree "
                    f"'{self.object_path}'; tree.keys() lists them"
                )
            return names
        if columns is None:
            return []
        if isinstance(columns, str):
            return [columns]
        if isinstance(columns, (bytes, bytearray)) or not isinstance(columns, Iterable):
            raise TypeError("columns must be a branch name or a sequence of branch names (str), "
                            f"not {type(columns).__name__}")
        names = list(columns)
        for c in names:
            if not isinstance(c, str):
                raise TypeError(f"column names are str, not {type(c).__name__}")
        if not names:
            raise InvalidArgumentError("columns=[] selects nothing; pass None for every column")
        return names

    def __repr__(self) -> str:
        where = f" in {self._file.file_path!r}" if self._file else ""
        kind = "RNTuple" if self.is_rntuple else "Tree"
        return f"<arrowroot.{kind} {self.object_path!r}{where} ({self.num_entries} entries)>"


class ArrowStream:
    """A one-pass stream of record batches from the engine.

    Iterating yields ``pyarrow.RecordBatch`` objects (read with the GIL released); the Arrow
    PyCapsule protocol (``__arrow_c_stream__``) hands the rest to pyarrow, polars or duckdb
    without copying.
    """

    def __init__(self, scanner: _core.Scanner) -> None:
        self._scanner = scanner

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        return self

    def __next__(self) -> pa.RecordBatch:
        batch = self._scanner.next()
        if batch is None:
            raise StopIteration
        return pa.record_batch(batch)

    def read_all(self) -> pa.Table:
        """The remaining batches as one table."""
        return pa.table(self._scanner.read_all())

    @property
    def schema(self) -> pa.Schema:
        return pa.schema(self._scanner)

    def stats(self) -> dict[str, int]:
        """Counters so far: baskets and bytes read, entries decoded."""
        return self._scanner.stats()

    def __arrow_c_schema__(self) -> object:
        return self._scanner.__arrow_c_schema__()

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self._scanner.__arrow_c_stream__(requested_schema)


# --- many files --------------------------------------------------------------------------------

FileSpec = Union[str, os.PathLike, Sequence[Union[str, os.PathLike]], Mapping[str, str]]


def iterate(files: FileSpec, columns: Columns = None, step_size: StepSize = _DEFAULT_STEP,
            library: str = "pa", *, filter_name: Filter = None,
            storage_options: Mapping[str, Any] | None = None) -> Iterator[Any]:
    """Iterate over a tree spread across many files, in steps, like ``uproot.iterate``.

    ``files``: ``"dir/*.root:Events"`` (a glob, then the tree after the last colon), a list of
    such strings, or ``{path_or_glob: tree}``. When the tree is not named and a file holds
    exactly one, that one is used. Steps never span two files; each file is opened only while
    it is read. ``s3://bucket/prefix/*.root`` globs are listed with ListObjectsV2;
    ``storage_options`` as for :func:`open`.
    """
    lib = check_library(library)
    for path, tree_name in _expand_files(files, storage_options):
        with open(path, storage_options) as f:
            tree = f[tree_name] if tree_name else f[only_tree(f)]
            yield from tree.iterate(columns, step_size, library=lib, filter_name=filter_name)


def concatenate(files: FileSpec, columns: Columns = None, library: str = "pa", *,
                filter_name: Filter = None,
                storage_options: Mapping[str, Any] | None = None) -> Any:
    """Read a tree across many files into one result (see :func:`iterate` for ``files``)."""
    lib = check_library(library)
    tables = []
    for path, tree_name in _expand_files(files, storage_options):
        with open(path, storage_options) as f:
            tree = f[tree_name] if tree_name else f[only_tree(f)]
            tables.append(tree.arrays(columns, library="pa", filter_name=filter_name))
    if not tables:
        raise NotFoundError(f"no files in {files!r}")
    return convert(pa.concat_tables(tables), lib)


def only_tree(f: File) -> str:
    """The path of the one tree in `f`; InvalidArgumentError (naming the trees) when there
    are several or none."""
    trees = f.trees()
    if len(trees) == 1:
        return trees[0]
    raise InvalidArgumentError(
        f"'{f.file_path}' holds {len(trees)} trees ({', '.join(trees) or 'none'}); "
        "name one: 'file.root:tree'"
    )


def _expand_files(files: FileSpec, storage_options: Mapping[str, Any] | None = None
                  ) -> list[tuple[str, str | None]]:
    if isinstance(files, Mapping):
        specs = [(os.fspath(p), t) for p, t in files.items()]
    elif isinstance(files, (str, os.PathLike)):
        specs = [split_object(check_path(files, "files"))]
    elif isinstance(files, Iterable):
        specs = [split_object(check_path(p, "files")) for p in files]
    else:
        raise TypeError(f"files must be a path, a list of paths or a dict, not {type(files).__name__}")
    out: list[tuple[str, str | None]] = []
    for pattern, tree in specs:
        # A file:// URL is read as the local path it names.
        out.extend((p[len("file://"):] if p.startswith("file://") else p, tree)
                   for p in expand_glob(pattern, storage_options))
    return out


# --- helpers -----------------------------------------------------------------------------------

_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*([kKmMgGtT]i?[bB]|[bB])\s*$")
_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def parse_memory_size(text: str) -> int:
    """``"100 MB"`` → 100_000_000; ``"1 GiB"`` → 2**30 (units B, kB, MB, GB, TB, KiB, ...)."""
    m = _SIZE.match(text)
    if not m:
        raise InvalidArgumentError(
            f"step_size={text!r} is neither a number of entries (an int) nor a memory size "
            "like '100 MB' or '1 GiB'"
        )
    n = int(float(m.group(1)) * _UNITS[m.group(2).lower()])
    if n <= 0:
        raise InvalidArgumentError(f"step_size={text!r} must be positive")
    return n


def _step(step_size: StepSize, bytes_per_entry: Callable[[], float]) -> tuple[int, int]:
    """(entries per batch, byte cap per batch) for a step size."""
    if isinstance(step_size, bool):
        raise TypeError("step_size must be an int or a str like '100 MB'")
    if not isinstance(step_size, str) and hasattr(step_size, "__index__"):
        step_size = operator.index(step_size)  # numpy integers too
    if isinstance(step_size, int):
        if step_size <= 0:
            raise InvalidArgumentError(f"step_size={step_size} must be a positive number of entries")
        return min(step_size, 1 << 62), 0  # more than any tree holds
    if isinstance(step_size, str):
        budget = parse_memory_size(step_size)
        per_entry = bytes_per_entry()
        # The estimate (from fTotBytes) sets the entry count; the byte cap ends a batch early
        # should the decoded data be bigger than estimated.
        entries = int(budget / per_entry) if per_entry > 0 else 1 << 62
        return max(1, min(entries, 1 << 62)), min(budget, 1 << 62)
    raise TypeError(f"step_size must be an int or a str like '100 MB', not {type(step_size).__name__}")


_MAX_THREADS = 1024  # as the CLI's --threads


def _threads(threads: int | None) -> int:
    if threads is None:
        return 0
    if (isinstance(threads, bool) or not hasattr(threads, "__index__")
            or not 1 <= operator.index(threads) <= _MAX_THREADS):
        raise InvalidArgumentError(
            f"threads={threads!r} must be an int from 1 to {_MAX_THREADS} (or None: one per core)")
    return operator.index(threads)


def _entry_range(n: int, start: int | None, stop: int | None) -> tuple[int, int]:
    """Python-slice semantics, clipped to [0, n], as uproot does."""
    checked = []
    for v, what in ((start, "entry_start"), (stop, "entry_stop")):
        if v is not None and (isinstance(v, bool) or not hasattr(v, "__index__")):
            raise TypeError(f"{what} must be an int or None, not {type(v).__name__}")
        checked.append(None if v is None else operator.index(v))  # numpy integers too
    start, stop = checked
    s = 0 if start is None else (start + n if start < 0 else start)
    e = n if stop is None else (stop + n if stop < 0 else stop)
    s = min(max(s, 0), n)
    e = min(max(e, 0), n)
    return s, max(s, e)


def _without_covered_groups(selected: list[str], columns: list[tuple]) -> list[str]:
    """A filter that selects a group (a parent read as a struct of its sub-branches) and some
    of its sub-branches keeps one or the other, never both, as uproot's arrays() does: the
    sub-branches when every data branch of the group is selected, else the group alone."""
    groups = {c[0] for c in columns if c[4]}
    chosen = set(selected)
    drop: set[str] = set()
    for group in (n for n in selected if n in groups):
        data = [c[0] for c in columns if not c[4] and c[0].startswith(group + "/")]
        if data and chosen.issuperset(data):
            drop.add(group)
        else:
            drop.update(n for n in selected if n.startswith(group + "/"))
    return [n for n in selected if n not in drop]


def _apply_filter(names: list[str], filter_name: Filter) -> list[str]:
    if filter_name is None:
        return names
    if callable(filter_name):
        return [n for n in names if filter_name(n)]
    if isinstance(filter_name, str):
        patterns = [filter_name]
    elif isinstance(filter_name, Iterable) and not isinstance(filter_name, (bytes, bytearray)):
        patterns = list(filter_name)
    else:
        patterns = [filter_name]
    for p in patterns:
        if not isinstance(p, str):
            raise TypeError("filter_name must be a glob (str), a list of globs or a predicate, "
                            f"not {type(filter_name).__name__}")
    return [n for n in names
            if any(fnmatch.fnmatchcase(n, p) or fnmatch.fnmatchcase(n.rsplit("/", 1)[-1], p)
                   for p in patterns)]


def _short_reason(why: str | None) -> str:
    if not why:
        return "unknown"
    return why.rsplit("unsupported: ", 1)[-1]


class _SchemaCapsule:
    """Adapter: lets pyarrow.schema() take a bare schema capsule."""

    def __init__(self, capsule: object) -> None:
        self._capsule = capsule

    def __arrow_c_schema__(self) -> object:
        return self._capsule
