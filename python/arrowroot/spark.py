"""Spark 4 data source ``format("root")``: ROOT TTrees and RNTuples as DataFrames, read by
arrowroot's C++ engine.

>>> import arrowroot.spark
>>> spark = arrowroot.spark.session({"spark.master": "local[4]"})  # the connector jar on spark.jars
>>> df = (spark.read.format("root")
...       .option("tree", "Events")
...       .load("s3://bucket/run2012/*.root"))
>>> df.select("nMuon").groupBy("nMuon").count().show()

Two sources answer ``format("root")``:

- **arrowroot's JVM connector** (the default): a Java DataSource V2 in the jar the package
  bundles (:func:`jar_path`; ``python -m arrowroot.spark --jar`` prints it), columnar and
  zero-copy from the engine over the Arrow C Data Interface, with column pruning; usable from
  Scala, Java, SQL (``CREATE TABLE t USING root OPTIONS (path '...')``), ``spark-shell`` and
  ``spark-submit --jars $(python -m arrowroot.spark --jar)``. It is on the classpath when the
  session was built with :func:`session` (or ``.config("spark.jars", jar_path())``) before the
  JVM started; it reads ``spark.arrowroot.s3.*`` and Hadoop's ``fs.s3a.*`` itself.
- **the Python data source** (:class:`RootDataSource`): the fallback when the JVM connector is
  not there (a package built without a JDK, a session started without the jar, Spark
  Connect). :func:`register` registers it, and says once why the JVM connector is not used.
  It is always also registered as ``format("root_python")``, to pick it explicitly.
  :func:`which_source` says which one reads ``format("root")``.

Paths: a local path, ``file://``, ``http(s)://`` or ``s3://bucket/key`` URL, globs (local, or
S3 via ListObjectsV2), or a list (``.load([a, b])``).

Options (all optional except ``tree`` when a file holds several trees):

- ``tree``: the tree's path in each file.
- ``columns``: comma-separated branch names to read (or give ``.schema(...)``); only their
  bytes are fetched. Default: every branch arrowroot can read.
- ``partition_bytes``: target decoded bytes per Spark partition (default ``"128 MB"``). Files
  are split at cluster boundaries into several partitions, and small files are grouped; this is
  planned on the driver from metadata only.
- ``step_size``: entries per Arrow batch handed to Spark (default 65536; or ``"16 MB"``).
- ``threads``: engine threads per task (default 1: Spark already runs a task per core).
- ``io_stats_dir``: a directory where each task writes a JSON line per file it read (entries,
  I/O requests, bytes requested and received, retries, seconds): what pruning and
  partitioning actually fetched.
- Remote storage: ``endpoint_url``, ``region``, ``profile``, ``anon``, ``addressing``,
  ``ca_bundle``, ``verify``, ``retries``, ``read_timeout`` and the read-planning keys of
  :func:`arrowroot.open`'s ``storage_options``. Credentials should not be options (they would
  sit in the query plan): executors take ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` /
  ``AWS_SESSION_TOKEN`` from their environment (on Kubernetes:
  ``spark.kubernetes.executor.secretKeyRef.AWS_SECRET_ACCESS_KEY=<secret>:<key>``), or from the
  ``spark.arrowroot.s3.*`` Spark configuration (``spark.arrowroot.s3.endpoint_url``,
  ``...region``, ``...key``, ``...secret``, ``...token``), which :func:`register` reads once
  on the driver for the Python source (the JVM connector reads them, and ``fs.s3a.*``, from
  the session); Spark's UI redacts those keys, and arrowroot never logs or prints them.

Types: numbers and booleans map to Spark's (unsigned integers widen: ``UInt_t`` → long,
``ULong64_t`` → long, an error if a value does not fit), strings → ``string``, jagged and
fixed-size arrays → ``array``, leaf lists and objects → ``struct``, ``std::map`` → ``map``.
Branch names keep their ROOT spelling; quote names with dots in Spark SQL:
``df.select("`Muon.pt`")``.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":  # python -m arrowroot.spark --jar: answered before pyspark's import
    from ._jvm import main as _main

    sys.exit(_main())

import json
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from pyspark.sql.datasource import DataSource, DataSourceReader, InputPartition

from ._api import Tree, only_tree, parse_memory_size
from ._api import open as open_file
from ._errors import InvalidArgumentError, NotFoundError
from ._jvm import (NOT_ON_CLASSPATH, fallback_reason, jar_path, jvm_status, usable_jar,
                   which_source)
from ._options import STORAGE_KEYS, expand_glob, storage_option_from_text
from .k8s import (
    ExecutorTimeoutError,
    K8sOptions,
    build_session,
    configured_executors,
    k8s_conf,
    wait_for_executors,
)

__all__ = ["register", "RootDataSource", "RootPythonDataSource", "error_message",
           "arrow_to_spark_type", "k8s_conf", "K8sOptions", "session", "wait_for_executors",
           "ExecutorTimeoutError", "jar_path", "which_source", "fallback_reason", "FallbackWarning"]

_CONF_PREFIX = "spark.arrowroot.s3."
_warned: set[str] = set()


class FallbackWarning(UserWarning):
    """The Python data source reads ``format("root")`` (or nothing can): why the JVM connector
    is not used. Given once per reason and process."""


def register(spark: Any) -> None:
    """Make ``format("root")`` work in `spark` (a SparkSession).

    When the session's JVM has arrowroot's JVM connector (its jar on ``spark.jars``, see
    :func:`session`) and its native library loads, Spark reads ``format("root")`` with it and
    nothing more is needed. Otherwise the Python data source is registered as ``"root"``, with
    a :class:`FallbackWarning` (once) saying why. The Python source is always also registered
    as ``"root_python"``.

    ``spark.arrowroot.s3.*`` entries of the session's configuration become default storage
    options of every read of the Python source (options given to a read win).
    """
    conf = {}
    try:
        for key, value in spark.sparkContext.getConf().getAll():
            if key.startswith(_CONF_PREFIX):
                conf[key[len(_CONF_PREFIX):]] = value
    except Exception:  # Spark Connect has no SparkContext: only per-read options then
        conf = {}
    if conf:
        unknown = sorted(set(conf) - STORAGE_KEYS)
        if unknown:
            raise ValueError(f"unknown configuration {', '.join(_CONF_PREFIX + k for k in unknown)}; "
                             f"known: {', '.join(sorted(_CONF_PREFIX + k for k in STORAGE_KEYS))}")
        source = type("RootDataSource", (RootDataSource,), {"_conf_storage": dict(conf)})
        explicit = type("RootPythonDataSource", (RootPythonDataSource,),
                        {"_conf_storage": dict(conf)})
    else:
        source, explicit = RootDataSource, RootPythonDataSource
    spark.dataSource.register(explicit)
    kind, why = jvm_status(spark)
    if kind == "python" and why == NOT_ON_CLASSPATH:
        # A JVM that started without the jar (an earlier session of this process, or a
        # session built without spark.jars): ADD JAR puts it on the session's class loader
        # and ships it to the executors.
        jar, _ = usable_jar()
        try:
            spark.sql(f"ADD JAR '{jar}'")
            kind, why = jvm_status(spark)
        except Exception:  # noqa: BLE001 - keep the first reason; the warning below says it
            pass
    if kind == "jvm":
        return
    spark.dataSource.register(source)  # (when "broken", Spark still picks the JVM class)
    if kind == "broken":
        message = (f"arrowroot: {why}; format('root') resolves to the JVM connector all the "
                   "same (Spark prefers JVM sources) and fails: read with "
                   "format('root_python'), the Python data source, or start Spark without "
                   "the jar")
    else:
        message = f"arrowroot: format('root') reads with the Python data source: {why}"
    if message not in _warned:
        _warned.add(message)
        warnings.warn(message, FallbackWarning, stacklevel=2)


# An arrowroot error on a line: at its start (a Python traceback) or after a JVM exception's
# class name (``org.arrowroot.spark.ArrowrootException: arrowroot.NotFoundError: ...``).
_ERROR_LINE = re.compile(r"(?:^|(?<=[\s:(]))(arrowroot\.[A-Za-z]\w*Error: .*)$", re.MULTILINE)


def error_message(exc: BaseException) -> str | None:
    """The arrowroot error inside a Spark exception (``arrowroot.XError: ...``), or None.
    Spark wraps executor errors of the Python source in a PythonException with the worker's
    traceback, and those of the JVM connector in a Py4JJavaError or captured exception whose
    text holds ``org.arrowroot.spark.ArrowrootException: arrowroot.XError: ...``."""
    text = str(exc)
    java = getattr(exc, "java_exception", None)  # Py4JJavaError: str() may be only its summary
    if java is not None:
        try:
            text += "\n" + str(java)
        except Exception:  # the JVM is gone: its text cannot be fetched
            pass
    found = _ERROR_LINE.findall(text)
    if found:
        return found[-1].rstrip()
    if type(exc).__module__.startswith("arrowroot"):
        return f"arrowroot.{type(exc).__name__}: {exc}"
    return None


def session(conf: Mapping[str, str] | None = None, *, wait: bool = True,
            timeout: float = 300.0, executors: int | None = None, progress: bool = True,
            register_root: bool = True, **k8s_args: Any):
    """A SparkSession for `conf` (default ``k8s_conf(**k8s_args)``) with arrowroot's JVM
    connector on ``spark.jars`` (when the package has it; see :func:`register` for the
    fallback) and ``format("root")`` registered, after `executors` (default: the configured count, or
    dynamic allocation's initial count) have registered. The wait shows a progress bar
    (tqdm) and, on `timeout`, raises :class:`ExecutorTimeoutError` explaining why pods are
    pending (image pull errors, unschedulable pods, RBAC, an unreachable driver)."""
    if conf is None:
        conf = k8s_conf(**k8s_args)
    elif k8s_args:
        raise TypeError("give either conf or k8s_conf arguments, not both")
    spark = build_session(conf)
    if register_root:
        register(spark)
    if wait:
        want = configured_executors(conf) if executors is None else executors
        wait_for_executors(spark, want, timeout, progress=progress)
    return spark


# --- options -----------------------------------------------------------------------------------


def _storage_options(options: dict[str, str], conf: dict[str, str]) -> dict[str, Any]:
    """The storage options of a read (options given as text) over the configured ones."""
    merged = {**conf, **{k: v for k, v in options.items() if k in STORAGE_KEYS}}
    return {key: storage_option_from_text(key, value) for key, value in merged.items()}


def _paths(options: dict[str, str]) -> list[str]:
    if "paths" in options:
        paths = json.loads(options["paths"])
    elif "path" in options:
        paths = [options["path"]]
    else:
        raise ValueError("no path: use spark.read.format('root').load(path) (or a list of paths)")
    if not paths or not all(isinstance(p, str) and p for p in paths):
        raise ValueError(f"paths must be non-empty strings, got {paths!r}")
    return paths


def _expand(paths: list[str], storage: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for p in paths:
        try:
            out.extend(expand_glob(p, storage))
        except NotFoundError:
            raise NotFoundError(f"no file matches '{p}'") from None
    return out


def _columns(options: dict[str, str], user_schema: Any) -> list[str] | None:
    if user_schema is not None:
        return [f.name for f in user_schema.fields]
    text = options.get("columns")
    if text:
        names = [c.strip() for c in (json.loads(text) if text.lstrip().startswith("[") else text.split(","))]
        return [c for c in names if c]
    return None


# --- types -------------------------------------------------------------------------------------


def arrow_to_spark_type(t: Any) -> Any:
    """The Spark type for an Arrow type produced by arrowroot."""
    import pyarrow as pa
    from pyspark.sql import types as T

    if pa.types.is_boolean(t):
        return T.BooleanType()
    if pa.types.is_int8(t):
        return T.ByteType()
    if pa.types.is_int16(t) or pa.types.is_uint8(t):
        return T.ShortType()
    if pa.types.is_int32(t) or pa.types.is_uint16(t):
        return T.IntegerType()
    if pa.types.is_int64(t) or pa.types.is_uint32(t) or pa.types.is_uint64(t):
        return T.LongType()
    if pa.types.is_float16(t) or pa.types.is_float32(t):
        return T.FloatType()
    if pa.types.is_float64(t):
        return T.DoubleType()
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return T.StringType()
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return T.BinaryType()
    # Nullability follows arrowroot's: only pointers to objects (TTree) and std::optional /
    # std::unique_ptr (RNTuple) hold nulls.
    if pa.types.is_map(t):
        return T.MapType(arrow_to_spark_type(t.key_type), arrow_to_spark_type(t.item_type),
                         valueContainsNull=t.item_field.nullable)
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return T.ArrayType(arrow_to_spark_type(t.value_type), containsNull=t.value_field.nullable)
    if pa.types.is_struct(t):
        return T.StructType([T.StructField(t.field(i).name, arrow_to_spark_type(t.field(i).type),
                                           nullable=t.field(i).nullable)
                             for i in range(t.num_fields)])
    raise TypeError(f"no Spark type for Arrow type {t}")


def _spark_schema(arrow_schema: Any, explicit: bool = False) -> Any:
    """The Spark schema of the columns. Columns Spark has no type for (an RNTuple's
    std::variant, an Arrow union) are left out with a warning when the columns were not named,
    and are an error naming them when they were."""
    from pyspark.sql import types as T

    fields, left_out = [], []
    for f in arrow_schema:
        try:
            fields.append(T.StructField(f.name, arrow_to_spark_type(f.type), nullable=f.nullable))
        except TypeError as e:
            if explicit:
                raise TypeError(f"column '{f.name}' ({f.type}) cannot be a Spark column: {e}; "
                                "read it with arrowroot in Python, or leave it out of "
                                "option('columns', ...)") from None
            left_out.append(f"{f.name} ({f.type})")
    if left_out:
        warnings.warn("arrowroot: columns without a Spark type left out: " + ", ".join(left_out),
                      stacklevel=2)
    return T.StructType(fields)


# --- planning ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FileInfo:
    path: str
    tree: str
    num_entries: int
    bytes_per_entry: float
    clusters: list[int]  # entry boundaries, 0 … num_entries
    arrow_schema: Any


def _open_tree(path: str, tree: str | None, storage: dict[str, Any]):
    f = open_file(path, storage)
    name = tree or only_tree(f)
    return f, f[name]


def _describe(path: str, tree: str | None, columns: list[str] | None,
              storage: dict[str, Any]) -> _FileInfo:
    f, t = _open_tree(path, tree, storage)
    with f:
        return _file_info(path, t, columns)


def _file_info(path: str, t: Tree, columns: list[str] | None) -> _FileInfo:
    schema = t.arrow_schema(columns)
    return _FileInfo(path, t.object_path, t.num_entries, t.bytes_per_entry(columns),
                     t.common_entry_offsets(columns), schema)


class RootPartition(InputPartition):
    """Entry ranges of one or more files: [(path, tree, entry_start, entry_stop), ...]."""

    def __init__(self, pieces: list[tuple[str, str, int, int]]) -> None:
        super().__init__(pieces)
        self.pieces = pieces

    def __repr__(self) -> str:
        return f"RootPartition({self.pieces!r})"


def _plan(files: list[_FileInfo], target_bytes: int) -> list[RootPartition]:
    """Split big files at cluster boundaries into ~target_bytes partitions, and group small
    files (or the tails of big ones) into one partition until it reaches target_bytes."""
    partitions: list[RootPartition] = []
    current: list[tuple[str, str, int, int]] = []
    current_bytes = 0.0
    for info in files:
        if info.num_entries <= 0:
            continue
        bounds = [b for b in (info.clusters or [0, info.num_entries]) if 0 < b <= info.num_entries]
        start = 0
        for stop in bounds:
            if current_bytes + (stop - start) * info.bytes_per_entry >= target_bytes:
                current.append((info.path, info.tree, start, stop))
                partitions.append(RootPartition(current))
                current, current_bytes, start = [], 0.0, stop
        if start < info.num_entries:
            current.append((info.path, info.tree, start, info.num_entries))
            current_bytes += (info.num_entries - start) * info.bytes_per_entry
    if current:
        partitions.append(RootPartition(current))
    return partitions or [RootPartition([])]


# --- the data source ---------------------------------------------------------------------------


class RootDataSource(DataSource):
    """``format("root")``; see the module documentation for options."""

    _conf_storage: dict[str, str] = {}

    @classmethod
    def name(cls) -> str:
        return "root"

    def _storage(self) -> dict[str, Any]:
        return _storage_options(dict(self.options), self._conf_storage)

    def schema(self) -> Any:
        storage = self._storage()
        paths = _expand(_paths(dict(self.options)), storage)
        columns = _columns(dict(self.options), None)
        info = _describe(paths[0], self.options.get("tree"), columns, storage)
        return _spark_schema(info.arrow_schema, explicit=columns is not None)

    def reader(self, schema: Any) -> DataSourceReader:
        return RootReader(dict(self.options), schema, self._conf_storage)


class RootPythonDataSource(RootDataSource):
    """The Python data source under the name ``format("root_python")``: always there, also
    when arrowroot's JVM connector answers ``format("root")``."""

    @classmethod
    def name(cls) -> str:
        return "root_python"


class RootReader(DataSourceReader):
    def __init__(self, options: dict[str, str], schema: Any, conf_storage: dict[str, str]) -> None:
        self.options = options
        self.schema = schema
        self.conf_storage = conf_storage
        self.columns = _columns(options, schema)

    def partitions(self) -> list[RootPartition]:
        storage = _storage_options(self.options, self.conf_storage)
        paths = _expand(_paths(self.options), storage)
        tree = self.options.get("tree")
        target = parse_memory_size(self.options.get("partition_bytes", "128 MB"))
        # Metadata only, many files at once (the engine releases the GIL).
        def describe(path: str) -> _FileInfo:
            try:
                return _describe(path, tree, self.columns, storage)
            except NotFoundError as e:
                missing = re.search(r"no branch '([^']*)'", str(e))
                if path == paths[0] or not missing:
                    raise
                raise InvalidArgumentError(
                    f"files disagree: branch '{missing.group(1)}' of the schema (from "
                    f"'{paths[0]}') is not in '{path}'; select common branches with "
                    "option('columns', ...)") from None

        with ThreadPoolExecutor(max_workers=min(16, len(paths))) as pool:
            infos = list(pool.map(describe, paths))
        first = infos[0]
        for info in infos[1:]:
            _check_same_schema(first, info)
        return _plan(infos, target)

    def read(self, partition: RootPartition) -> Iterator[Any]:
        import pyarrow as pa
        from pyspark.sql.pandas.types import to_arrow_schema

        storage = _storage_options(self.options, self.conf_storage)
        target = to_arrow_schema(self.schema)
        step = self.options.get("step_size", "65536")
        step_size: int | str = int(step) if step.strip().isdigit() else step
        stats_dir = self.options.get("io_stats_dir")
        for path, tree, start, stop in partition.pieces:
            with open_file(path, storage) as f:
                stream = f[tree].batches(self.columns, step_size, start, stop,
                                         threads=int(self.options.get("threads", "1")))
                for batch in stream:
                    if batch.schema != target:
                        # Spark wants its own spelling of the schema (list item names,
                        # nullability, no unsigned types); a cast, zero-copy where the
                        # layout is the same, fails instead of wrapping out-of-range values.
                        batch = batch.cast(target, safe=True)
                    yield batch
                if stats_dir:
                    _write_stats(stats_dir, path, tree, start, stop, f.io_stats())


def _write_stats(directory: str, path: str, tree: str, start: int, stop: int,
                 io: dict[str, Any]) -> None:
    import os
    import uuid

    os.makedirs(directory, exist_ok=True)
    record = {"path": path, "tree": tree, "entry_start": start, "entry_stop": stop, **io}
    with open(os.path.join(directory, f"task-{os.getpid()}-{uuid.uuid4().hex}.jsonl"), "w") as out:
        out.write(json.dumps(record) + "\n")


def _check_same_schema(first: _FileInfo, other: _FileInfo) -> None:
    a, b = first.arrow_schema, other.arrow_schema
    if a.equals(b):
        return
    names_a, names_b = a.names, b.names
    for name in names_a:
        if name not in names_b:
            raise InvalidArgumentError(
                f"branch '{name}' of tree '{first.tree}' is in '{first.path}' but not in "
                f"'{other.path}'; select common branches with option('columns', ...)")
        if a.field(name).type != b.field(name).type:
            raise InvalidArgumentError(
                f"branch '{name}' is {a.field(name).type} in '{first.path}' but "
                f"{b.field(name).type} in '{other.path}'")
    extra = [n for n in names_b if n not in names_a]
    raise InvalidArgumentError(
        f"'{other.path}' has branches that '{first.path}' lacks ({', '.join(extra[:5])}); "
        "select common branches with option('columns', ...)")
