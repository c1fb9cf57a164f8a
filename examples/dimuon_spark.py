#!/usr/bin/env python3
"""The dimuon invariant-mass spectrum with Spark, on CMS open data read by arrowroot.

The Z boson decays to a muon pair: the invariant mass of two opposite-charge muons,

    m = sqrt((E1 + E2)^2 - |p1 + p2|^2),

peaks at m_Z = 91.19 GeV. This analysis reads ROOT files with Spark's ``format("root")`` data
source (arrowroot's JVM connector, whose jar arrowroot.spark.session() puts on spark.jars: the
C++ engine hands Spark Arrow batches; it prints which source read, and why when it is the
Python fallback), keeps the events with exactly two opposite-charge muons, computes the mass
and histograms it, all with Spark DataFrame expressions (no Python UDFs), then checks the
result against NumPy on the same data and draws the spectrum.

Inputs (scikit-hep-testdata, in testdata/): tree ``events`` of
  - uproot-Zmumu.root: CMS 2010 dimuon events, one muon pair per event as flat branches
    E1, px1, py1, pz1, Q1, E2, ..., Q2;
  - uproot-HZZ.root: simulated H -> ZZ events of the CMS HEP tutorial, muons as jagged
    arrays Muon_E, Muon_Px, Muon_Py, Muon_Pz, Muon_Charge (NMuon muons per event).

    python examples/dimuon_spark.py                      # local files, local[2]
    python examples/dimuon_spark.py --s3                 # the same files from s3://BUCKET/
    python examples/dimuon_spark.py --files 'data/*.root:events' other.root

With --s3 the endpoint, bucket and keys come from the environment: AWS_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and --bucket, or the test servers'
ARROWROOT_TEST_S3_* variables (eval "$(scripts/test-servers env)").

Exit status: 0 done, 1 an input or Spark error (one line on stderr), 2 bad arguments,
3 the Spark and NumPy results differ.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import warnings
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

import numpy as np

import arrowroot

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FILES = ["uproot-Zmumu.root", "uproot-HZZ.root"]
DEFAULT_TREE = "events"
Z_MASS = 91.1876  # GeV, PDG

# The histograms: (low edge, high edge, number of bins), in GeV.
ZOOM = (60.0, 120.0, 60)  # 1 GeV bins around the Z peak
WIDE = (0.0, 150.0, 75)  # 2 GeV bins, the whole spectrum
PEAK_WINDOW = (81.0, 101.0)  # mean and width of the peak are computed in this window

# The two ways muons are stored in the inputs, and the branches each needs.
FLAT = "flat"  # one muon pair per event: E1, px1, ..., Q1, E2, ..., Q2
JAGGED = "jagged"  # any number of muons per event: arrays Muon_E, Muon_Px, ...
BRANCHES = {
    FLAT: ["E1", "px1", "py1", "pz1", "Q1", "E2", "px2", "py2", "pz2", "Q2"],
    JAGGED: ["Muon_E", "Muon_Px", "Muon_Py", "Muon_Pz", "Muon_Charge"],
}


class Failure(Exception):
    """An error to report in one line and exit with ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


# --- progress --------------------------------------------------------------------------------

class Progress:
    """Numbered steps with timings: ``[2/6] read the inputs ... 3.1 s``."""

    def __init__(self, total: int) -> None:
        self.total, self.n, self.t0 = total, 0, time.perf_counter()

    @contextlib.contextmanager
    def step(self, what: str):
        self.n += 1
        print(f"[{self.n}/{self.total}] {what} ...", end="", flush=True)
        t = time.perf_counter()
        try:
            yield
        except BaseException:
            print(" failed", flush=True)
            raise
        print(f" {time.perf_counter() - t:.1f} s", flush=True)

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0


# --- inputs ----------------------------------------------------------------------------------

@dataclass
class Input:
    label: str  # short name in the tables and the legend
    path: str  # local path or URL (a glob is one input)
    tree: str
    layout: str = ""
    schema: object = None  # Spark schema of the branches the analysis reads


def split_tree(spec: str, default_tree: str) -> tuple[str, str]:
    """``"data/*.root:events"`` -> ("data/*.root", "events"); a colon in ``s3://`` or a
    ``host:port`` does not count."""
    head = spec.find("://")
    start = spec.find("/", head + 3) if head > 0 else 0
    i = spec.rfind(":")
    if start >= 0 and i > start:
        return spec[:i], spec[i + 1:] or default_tree
    return spec, default_tree


def choose_inputs(args: argparse.Namespace) -> list[Input]:
    if args.files:
        specs = args.files
    elif args.s3:
        specs = [f"s3://{args.bucket}/{name}" for name in DEFAULT_FILES]
    else:
        specs = [str(REPO / "testdata" / name) for name in DEFAULT_FILES]
    inputs, seen = [], set()
    for spec in specs:
        path, tree = split_tree(spec, args.tree)
        label = Path(path.rstrip("/")).name.removesuffix(".root").removeprefix("uproot-")
        while label in seen:
            label += "'"
        seen.add(label)
        inputs.append(Input(label, path, tree))
    return inputs


def s3_environment(args: argparse.Namespace) -> None:
    """Use the test servers' variables (scripts/test-servers env) where no AWS_* is set. Spark
    is started afterwards, so its Python workers inherit them (credentials stay out of the
    query plan)."""
    test = {
        "AWS_ENDPOINT_URL": "ARROWROOT_TEST_S3_ENDPOINT",
        "AWS_ACCESS_KEY_ID": "ARROWROOT_TEST_S3_ACCESS_KEY",
        "AWS_SECRET_ACCESS_KEY": "ARROWROOT_TEST_S3_SECRET_KEY",
        "AWS_REGION": "ARROWROOT_TEST_S3_REGION",
    }
    for aws, ours in test.items():
        if ours in os.environ and not os.environ.get(aws):
            os.environ[aws] = os.environ[ours]
    if not args.bucket:
        args.bucket = os.environ.get("ARROWROOT_TEST_S3_BUCKET", "")
    if not args.bucket and not args.files:
        raise Failure("--s3 needs a bucket: --bucket NAME or ARROWROOT_TEST_S3_BUCKET "
                      "(eval \"$(scripts/test-servers env)\")", code=2)


# --- Spark -----------------------------------------------------------------------------------

def start_spark(master: str, log_path: Path):
    """A Spark session with arrowroot's JVM connector on ``spark.jars`` and ``format("root")``
    registered (:func:`arrowroot.spark.session`), whose own console output (JVM warnings, log
    lines, Python worker tracebacks, a fallback warning) goes to ``log_path``, so that this
    program's output stays readable; errors still reach us as exceptions."""
    import arrowroot.spark

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode: stay on loopback
    log_path.parent.mkdir(parents=True, exist_ok=True)
    saved = os.dup(2)
    with open(log_path, "w") as log:
        os.dup2(log.fileno(), 2)  # the JVM that getOrCreate() launches inherits this stderr
        try:
            spark = arrowroot.spark.session({
                "spark.master": master,
                "spark.app.name": "dimuon-spectrum",
                "spark.ui.enabled": "false",
                "spark.ui.showConsoleProgress": "false",
                "spark.sql.shuffle.partitions": "4",  # tiny aggregates
            }, progress=False)
        except Exception as exc:  # no Java, a bad --master, ...: the reason is in the log
            log.flush()
            hint = [line.strip() for line in log_path.read_text(errors="replace").splitlines()
                    if any(w in line for w in ("Exception", "Error", "No such file"))][:1]
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise Failure(f"cannot start Spark: {first}"
                          + (f" ({hint[0]})" if hint else "") + f"; see {log_path}") from None
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def reader_of(spark) -> str:
    """Which source reads ``format("root")``: arrowroot's JVM connector, or the Python data
    source with the reason it is the fallback."""
    import arrowroot.spark

    why = arrowroot.spark.fallback_reason(spark)
    if why is None:
        return "read by arrowroot's JVM connector (columnar, zero-copy from the C++ engine)"
    return f"read by arrowroot's Python data source, the fallback: {why}"


def describe_error(exc: BaseException) -> str:
    """One line for an error from Spark or arrowroot: the arrowroot error if there is one
    (``arrowroot.CorruptionError: corruption: ...``), else the first line of Spark's."""
    import arrowroot.spark

    found = arrowroot.spark.error_message(exc)
    if found:
        return found
    if isinstance(exc, arrowroot.Error):
        return f"arrowroot.{type(exc).__name__}: {exc}"
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    # A Python traceback ends with "Type: message"; Spark's own errors start with [CLASS].
    for line in reversed(lines):
        if line.startswith("arrowroot.") and "Error: " in line:
            return line
    first = lines[0] if lines else type(exc).__name__
    return first if len(first) <= 300 else first[:297] + "..."


def detect_layout(spark, inp: Input) -> None:
    """Which muon layout a file has, from its schema (metadata only, on the driver); keep the
    schema of the branches we need, so that reading them needs no second look."""
    from pyspark.sql.types import StructType

    schema = spark.read.format("root").option("tree", inp.tree).load(inp.path).schema
    for layout, branches in BRANCHES.items():
        if set(schema.names).issuperset(branches):
            inp.layout = layout
            inp.schema = StructType([schema[name] for name in branches])
            return
    wanted = " or ".join(", ".join(b) for b in BRANCHES.values())
    raise Failure(f"{inp.path}: tree '{inp.tree}' has no muon branches (wanted {wanted})")


def read_muons(spark, inp: Input):
    """One row per event: ``n_muons`` and, when there are exactly two, both muons'
    four-momenta (as double) and charges; null otherwise."""
    from pyspark.sql import functions as F

    df = (spark.read.format("root")
          .option("tree", inp.tree)
          .schema(inp.schema)  # read only these branches (or: .option("columns", "E1,px1,..."))
          .load(inp.path))
    if inp.layout == FLAT:
        return df.select(
            F.lit(inp.label).alias("sample"),
            F.lit(2).alias("n_muons"),
            *[F.col(f"{v}{i}").cast("double").alias(f"{v}{i}")
              for i in (1, 2) for v in ("E", "px", "py", "pz")],
            F.col("Q1"), F.col("Q2"))
    # Jagged arrays: size() counts the muons (NMuon holds the same number); element_at (1-based)
    # takes the first and second one, only in events that have exactly two.
    n = F.size("Muon_Px")

    def muon(branch: str, i: int):
        return F.when(n == 2, F.element_at(branch, i))

    names = {"E": "Muon_E", "px": "Muon_Px", "py": "Muon_Py", "pz": "Muon_Pz"}
    return df.select(
        F.lit(inp.label).alias("sample"),
        n.alias("n_muons"),
        *[muon(names[v], i).cast("double").alias(f"{v}{i}")
          for i in (1, 2) for v in ("E", "px", "py", "pz")],
        muon("Muon_Charge", 1).alias("Q1"), muon("Muon_Charge", 2).alias("Q2"))


def dimuon_events(muons):
    """Add ``selected`` (exactly two muons of opposite charge) and the pair's invariant mass."""
    from pyspark.sql import functions as F

    c = F.col
    E, px, py, pz = (c(f"{v}1") + c(f"{v}2") for v in ("E", "px", "py", "pz"))
    mass = F.sqrt(F.greatest(E * E - px * px - py * py - pz * pz, F.lit(0.0)))
    selected = (c("n_muons") == 2) & (c("Q1") * c("Q2") < 0)
    return muons.select("sample", "n_muons", selected.alias("selected"),
                        F.when(selected, mass).alias("mass"))


def spark_histogram(dimuons, samples: list[str], lo: float, hi: float, nbins: int):
    """Counts per bin and sample, computed by Spark: {sample: int64[nbins]}. Bins are
    [lo + i*w, lo + (i+1)*w), as NumPy's (except that NumPy's last bin includes hi)."""
    from pyspark.sql import functions as F

    width = (hi - lo) / nbins
    binned = (dimuons.where((F.col("mass") >= lo) & (F.col("mass") < hi))
              .select("sample", F.least(F.floor((F.col("mass") - lo) / width),
                                        F.lit(nbins - 1)).cast("int").alias("bin")))
    table = binned.groupBy("bin").pivot("sample", samples).count().collect()
    counts = {s: np.zeros(nbins, dtype=np.int64) for s in samples}
    for row in table:
        for s in samples:
            counts[s][row["bin"]] = row[s] or 0
    return counts


# --- NumPy cross-check -------------------------------------------------------------------------

def numpy_dimuons(inp: Input) -> tuple[int, int, np.ndarray]:
    """(events, events with two muons, masses of the selected pairs) with arrowroot's Python
    API and NumPy, independently of Spark: the same selection and arithmetic in double."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = arrowroot.concatenate({inp.path: inp.tree}, BRANCHES[inp.layout])
    events = table.num_rows
    if inp.layout == FLAT:
        col = {name: table[name].to_numpy() for name in BRANCHES[FLAT]}
        two = np.ones(events, dtype=bool)
        q1, q2 = col["Q1"], col["Q2"]
        mu = {f"{v}{i}": col[f"{v}{i}"].astype(np.float64)
              for i in (1, 2) for v in ("E", "px", "py", "pz")}
    else:
        lists = {name: pa.concat_arrays(table[name].chunks) if table[name].num_chunks
                 else pa.array([], table.schema.field(name).type) for name in BRANCHES[JAGGED]}
        n = pc.list_value_length(lists["Muon_Px"]).to_numpy(zero_copy_only=False)
        two = n == 2
        first = lists["Muon_Px"].offsets.to_numpy()[:-1][two]  # index of each pair's first muon

        def muon(branch: str, i: int) -> np.ndarray:
            return lists[branch].values.to_numpy()[first + (i - 1)]

        names = {"E": "Muon_E", "px": "Muon_Px", "py": "Muon_Py", "pz": "Muon_Pz"}
        q1, q2 = muon("Muon_Charge", 1), muon("Muon_Charge", 2)
        mu = {f"{v}{i}": muon(names[v], i).astype(np.float64)
              for i in (1, 2) for v in ("E", "px", "py", "pz")}
    opposite = q1 * q2 < 0
    E, px, py, pz = (mu[f"{v}1"][opposite] + mu[f"{v}2"][opposite]
                     for v in ("E", "px", "py", "pz"))
    mass = np.sqrt(np.maximum(E * E - px * px - py * py - pz * pz, 0.0))
    return events, int(two.sum()), mass


def numpy_histogram(mass: np.ndarray, lo: float, hi: float, nbins: int) -> np.ndarray:
    inside = mass[(mass >= lo) & (mass < hi)]
    return np.histogram(inside, bins=nbins, range=(lo, hi))[0]


# --- results -----------------------------------------------------------------------------------

def fwhm(counts: np.ndarray, lo: float, width: float) -> float:
    """Full width at half maximum of the highest peak, interpolating linearly between bins."""
    if counts.max() <= 0:
        return float("nan")
    peak = int(np.argmax(counts))
    half = counts[peak] / 2.0
    centers = lo + (np.arange(len(counts)) + 0.5) * width
    left, right = peak, peak
    while left > 0 and counts[left - 1] > half:
        left -= 1
    while right < len(counts) - 1 and counts[right + 1] > half:
        right += 1
    if left == 0 or right == len(counts) - 1:
        return float("nan")

    def cross(i_out: int, i_in: int) -> float:
        a, b = counts[i_out], counts[i_in]
        return centers[i_out] + (half - a) / (b - a) * (centers[i_in] - centers[i_out])

    return cross(right + 1, right) - cross(left - 1, left)


def print_peak_table(zoom: dict[str, np.ndarray], samples: list[str]) -> None:
    lo, hi, nbins = ZOOM
    width = (hi - lo) / nbins
    total = sum(zoom.values())
    peak = int(np.argmax(total))
    first, last = max(0, peak - 10), min(nbins - 1, peak + 10)
    scale = 40 / max(1, total.max())
    print()
    print(f"  {'m(μμ) [GeV]':>13}" + "".join(f" {s:>8}" for s in samples)
          + f" {'all':>6}")
    for i in range(first, last + 1):
        a, b = lo + i * width, lo + (i + 1) * width
        bar = "█" * int(round(total[i] * scale))
        mark = " ◀ peak" if i == peak else ""
        print(f"  {a:6.0f} – {b:<4.0f}" + "".join(f" {zoom[s][i]:>8d}" for s in samples)
              + f" {total[i]:>6d}  {bar}{mark}")
    print()


def draw(path: Path, wide: dict[str, np.ndarray], zoom: dict[str, np.ndarray],
         samples: list[str], mass_mean: float, mass_std: float, source: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        import mplhep

        plt.style.use(mplhep.style.CMS)
        style = "mplhep CMS style"
    except Exception:  # mplhep is optional: plain matplotlib
        mplhep = None
        style = "plain matplotlib"

    fig, axes = plt.subplots(1, 2, figsize=(16, 7), layout="constrained")
    colors = ["#5790fc", "#f89c20", "#e42536", "#964a8b", "#9c9ca1", "#7a21dd"]
    for ax, counts, (lo, hi, nbins), log in ((axes[0], wide, WIDE, True),
                                              (axes[1], zoom, ZOOM, False)):
        edges = np.linspace(lo, hi, nbins + 1)
        bottom = np.zeros(nbins)
        for k, s in enumerate(samples):  # stacked
            ax.stairs(bottom + counts[s], edges, baseline=bottom, fill=True,
                      color=colors[k % len(colors)], label=f"{s} ({counts[s].sum()})")
            bottom = bottom + counts[s]
        ax.stairs(bottom, edges, color="black", linewidth=1)
        ax.axvline(Z_MASS, color="gray", linestyle="--", linewidth=1.2,
                   label=r"$m_Z$ (PDG)")
        ax.set_xlim(lo, hi)
        ax.set_xlabel(r"Dimuon invariant mass $m_{\mu\mu}$ [GeV]")
        ax.set_ylabel(f"Events / {(hi - lo) / nbins:g} GeV")
        if log:
            ax.set_yscale("log")
            ax.set_ylim(0.5, bottom.max() * 30)
        else:
            ax.set_ylim(0, bottom.max() * 1.6)
            ax.text(0.96, 0.95, f"{PEAK_WINDOW[0]:g}–{PEAK_WINDOW[1]:g} GeV:\n"
                    f"mean {mass_mean:.2f} GeV\nstd dev {mass_std:.2f} GeV",
                    transform=ax.transAxes, fontsize="small", va="top", ha="right")
        ax.legend(loc="upper left", fontsize="small", title="muon pairs",
                  title_fontsize="small")  # the low-mass side is nearly empty
        if mplhep is not None:
            # Zmumu is 2010 collision data; HZZ is the CMS HEP tutorial's simulation.
            mplhep.cms.label("Open Data + Simulation", data=True, rlabel=source, ax=ax, loc=0)
        else:
            ax.set_title("CMS Open Data + Simulation", loc="left", fontweight="bold")
            ax.set_title(source, loc="right", fontsize="small")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return style


# --- main --------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Dimuon invariant-mass spectrum with Spark on CMS open data read by "
                    "arrowroot (format('root')), cross-checked with NumPy.")
    p.add_argument("--s3", action="store_true",
                   help="read the inputs from s3://BUCKET/ (endpoint and keys from AWS_* or "
                        "ARROWROOT_TEST_S3_* variables)")
    p.add_argument("--bucket", default="", help="bucket for --s3 (default "
                   "$ARROWROOT_TEST_S3_BUCKET)")
    p.add_argument("--files", nargs="+", metavar="PATH[:TREE]",
                   help="inputs instead of testdata/uproot-{Zmumu,HZZ}.root: local paths, "
                        "file://, http(s):// or s3:// URLs; a glob is read as one input")
    p.add_argument("--tree", default=DEFAULT_TREE, help="tree name (default %(default)s)")
    p.add_argument("--output", default=str(REPO / "build" / "dimuon_spectrum.png"),
                   help="PNG to write (default build/dimuon_spectrum.png)")
    p.add_argument("--master", default="local[2]", help="Spark master (default %(default)s)")
    p.add_argument("--require-jvm", action="store_true",
                   help="fail (exit 1) unless arrowroot's JVM connector reads format('root') "
                        "(scripts/main sets it); by default the Python data source is the "
                        "fallback")
    p.add_argument("--spark-log", default=None,
                   help="where Spark's own console output goes (default: next to --output, "
                        "*.spark.log)")
    return p.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    import pyspark
    from pyspark.sql import functions as F

    import arrowroot.spark

    if args.s3:
        s3_environment(args)
    inputs = choose_inputs(args)
    samples = [inp.label for inp in inputs]
    output = Path(args.output)
    spark_log = Path(args.spark_log) if args.spark_log else output.with_suffix(".spark.log")
    source = "S3" if args.s3 else ("local files" if not args.files else "--files")
    print(f"dimuon_spark: Z → μμ with Spark {pyspark.__version__} ({args.master}) and "
          f"arrowroot {arrowroot.__version__}, reading {source}")
    for inp in inputs:
        print(f"  {inp.label:>8}: {inp.path} (tree '{inp.tree}')")
    if args.s3:
        print(f"  S3 endpoint {os.environ.get('AWS_ENDPOINT_URL', '(AWS default)')}")

    progress = Progress(6)
    with progress.step(f"start Spark ({args.master}; its log: {spark_log})"):
        spark = start_spark(args.master, spark_log)
    print(f"      format('root'): {reader_of(spark)}")
    if args.require_jvm and arrowroot.spark.fallback_reason(spark) is not None:
        spark.stop()
        raise Failure("--require-jvm: format('root') is not arrowroot's JVM connector")
    try:
        with progress.step("open the inputs and read their schemas (Spark driver)"):
            for inp in inputs:
                detect_layout(spark, inp)
        for inp in inputs:
            print(f"      {inp.label:>8}: {inp.layout} muons "
                  f"({', '.join(BRANCHES[inp.layout])})")

        with progress.step("read events, select two opposite-charge muons, compute m(μμ)"):
            muons = reduce(lambda a, b: a.unionByName(b), (read_muons(spark, i) for i in inputs))
            events = dimuon_events(muons).cache()  # a few bytes per event; inputs read once
            per_sample = {r["sample"]: r for r in events.groupBy("sample").agg(
                F.count("*").alias("events"),
                F.sum((F.col("n_muons") == 2).cast("int")).alias("two_muons"),
                F.sum(F.col("selected").cast("int")).alias("selected")).collect()}
        print(f"      {'sample':>8} {'events read':>12} {'2 muons':>8} {'opposite charge':>16}")
        for s in samples:
            r = per_sample.get(s)
            ev, two, sel = (r["events"], r["two_muons"] or 0, r["selected"] or 0) if r else (0, 0, 0)
            print(f"      {s:>8} {ev:>12d} {two:>8d} {sel:>16d}")
        n_events = sum(r["events"] for r in per_sample.values())
        n_selected = sum(r["selected"] or 0 for r in per_sample.values())
        print(f"      {'all':>8} {n_events:>12d} {'':>8} {n_selected:>16d}")

        with progress.step(f"histogram m(μμ) in Spark: {ZOOM[0]:g}–{ZOOM[1]:g} GeV "
                           f"(1 GeV bins), {WIDE[0]:g}–{WIDE[1]:g} GeV (2 GeV bins)"):
            dimuons = events.where("selected")
            zoom = spark_histogram(dimuons, samples, *ZOOM)
            wide = spark_histogram(dimuons, samples, *WIDE)
            window = dimuons.where(F.col("mass").between(*PEAK_WINDOW))
            stats = {r["sample"]: r for r in window.rollup("sample").agg(
                F.count("*").alias("n"), F.avg("mass").alias("mean"),
                F.stddev("mass").alias("std")).collect()}
    except Failure:
        raise
    except Exception as exc:
        raise Failure(describe_error(exc)) from None
    finally:
        spark.stop()

    print_peak_table(zoom, samples)
    lo, hi, nbins = ZOOM
    width = (hi - lo) / nbins
    print(f"  {'sample':>8} {'peak bin [GeV]':>15} {'mean [GeV]':>11} {'std dev':>8} "
          f"{'FWHM':>6} {'pairs in ' + format(PEAK_WINDOW[0], 'g') + '–' + format(PEAK_WINDOW[1], 'g'):>16}")
    total = sum(zoom.values())
    for s, counts in [*((s, zoom[s]) for s in samples), ("all", total)]:
        r = stats.get(None if s == "all" else s)
        peak = int(np.argmax(counts))
        mean, std, n = (r["mean"], r["std"], r["n"]) if r else (float("nan"),) * 2 + (0,)
        print(f"  {s:>8} {lo + peak * width:>8.0f} – {lo + (peak + 1) * width:<4.0f}"
              f" {mean:>11.2f} {std or float('nan'):>8.2f} {fwhm(counts, lo, width):>6.1f}"
              f" {n:>16d}")
    print(f"  (PDG: m_Z = {Z_MASS} GeV, Γ_Z = 2.50 GeV; the muon momentum resolution widens the "
          "peak)")
    print()

    with progress.step("cross-check with NumPy on the same data (arrowroot Python API)"):
        mismatches = []
        for inp in inputs:
            events_np, two_np, mass = numpy_dimuons(inp)
            r = per_sample.get(inp.label)
            got = (r["events"], r["two_muons"], r["selected"]) if r else (0, 0, 0)
            if got != (events_np, two_np, len(mass)):
                mismatches.append(f"{inp.label}: events/2 muons/selected Spark {got} != "
                                  f"NumPy {(events_np, two_np, len(mass))}")
            for name, spec, spark_counts in (("zoom", ZOOM, zoom), ("wide", WIDE, wide)):
                np_counts = numpy_histogram(mass, *spec)
                if not np.array_equal(np_counts, spark_counts[inp.label]):
                    bad = np.flatnonzero(np_counts != spark_counts[inp.label])
                    mismatches.append(
                        f"{inp.label}: {spec[0]:g}–{spec[1]:g} GeV histogram differs in "
                        f"{len(bad)} bins (first: bin {bad[0]}, Spark "
                        f"{spark_counts[inp.label][bad[0]]}, NumPy {np_counts[bad[0]]})")
    if mismatches:
        for m in mismatches:
            print(f"cross-check: {m}")
        print("cross-check: Spark histogram == numpy histogram: FAILED")
        return 3
    print(f"cross-check: Spark histogram == numpy histogram: OK ({len(inputs)} inputs, "
          f"{n_events} events, {n_selected} pairs, {nbins + WIDE[2]} bins each)")

    all_stats = stats.get(None)
    with progress.step(f"draw the spectrum: {output}"):
        style = draw(output, wide, zoom, samples,
                     all_stats["mean"] if all_stats else float("nan"),
                     all_stats["std"] if all_stats else float("nan"), source)
    print(f"wrote {output} ({style}); total {progress.elapsed():.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.stdout.reconfigure(errors="replace")
    # pyspark 4.3 warns on import when pandas >= 3 is installed; this example does not use pandas.
    warnings.filterwarnings("ignore", message=".*pandas.*", category=FutureWarning)
    try:
        return run(args)
    except Failure as exc:
        print(f"dimuon_spark: error: {exc}", file=sys.stderr)
        return exc.code
    except arrowroot.Error as exc:  # from the NumPy cross-check's own reads
        print(f"dimuon_spark: error: {describe_error(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ndimuon_spark: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
