"""format("root") in client mode against a real Spark standalone cluster on loopback.

A master and (by default) two workers run in their own JVMs (scripts/spark-cluster start); this
test is the driver, in client mode (spark.driver.host/bindAddress 127.0.0.1, fixed driver and
block manager ports); the executors are JVMs the workers spawn, each with its own Python workers,
and they read the files from the test Ceph RGW over S3 (scripts/test-servers start). The workers
run with a clean environment, so the executors know the S3 endpoint and credentials only from
the application's spark.executorEnv.* (on Kubernetes, spark.kubernetes.executor.secretKeyRef.*
takes the place of spark.executorEnv.AWS_SECRET_ACCESS_KEY / AWS_ACCESS_KEY_ID).

format("root") is arrowroot's JVM connector: its jar is on spark.jars, which the driver serves to
the executor JVMs; the driver's JVM plans the reads with the S3 settings of Hadoop's fs.s3a.*
keys (spark.hadoop.fs.s3a.*, as a seed-style core-site.xml gives them), set after the driver's
JVM started, so never on a command line. The read tests run it and format("root_python"), the
Python data source, whose Python workers take S3 from spark.executorEnv.* (pyspark hands those to
the driver's own Python workers too, which plan its reads).

Results are compared with uproot reading the same files from the local testdata/ directory.

    scripts/test-servers start && eval "$(scripts/test-servers env)"
    scripts/spark-cluster start && eval "$(scripts/spark-cluster env)"
    .venv/bin/python -m pytest tests/spark/test_spark_cluster.py -q -s
"""

from __future__ import annotations

import glob
import json
import os
import re
import socket
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]

DRIVER_PORT = int(os.environ.get("ARROWROOT_SPARK_DRIVER_PORT", "47090"))
DRIVER_BLOCK_MANAGER_PORT = int(
    os.environ.get("ARROWROOT_SPARK_DRIVER_BLOCK_MANAGER_PORT", "47091"))
EXECUTOR_WAIT_SECONDS = 60
JOB_TIMEOUT_SECONDS = 120  # per test: its Spark jobs are cancelled after this

HOW_TO_START = (
    'start them with: scripts/test-servers start && eval "$(scripts/test-servers env)" && '
    'scripts/spark-cluster start && eval "$(scripts/spark-cluster env)"'
)

S3_VARS = [
    "ARROWROOT_TEST_S3_ENDPOINT",
    "ARROWROOT_TEST_S3_BUCKET",
    "ARROWROOT_TEST_S3_ACCESS_KEY",
    "ARROWROOT_TEST_S3_SECRET_KEY",
    "ARROWROOT_TEST_S3_REGION",
]
CLUSTER_VARS = ["ARROWROOT_SPARK_MASTER"]


# --- fixtures: the environment, the cluster, one client-mode session per module ---------------


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    """The test servers' and the cluster's variables; fails (never skips) when one is missing."""
    missing = [v for v in S3_VARS + CLUSTER_VARS if not os.environ.get(v)]
    if missing:
        which = []
        if any(v in S3_VARS for v in missing):
            which.append("scripts/test-servers start (S3)")
        if any(v in CLUSTER_VARS for v in missing):
            which.append("scripts/spark-cluster start (Spark standalone cluster)")
        pytest.fail(
            f"missing {', '.join(missing)}: needs {' and '.join(which)}; {HOW_TO_START}",
            pytrace=False,
        )
    out = {v: os.environ[v] for v in S3_VARS + CLUSTER_VARS}
    out["prefix"] = os.environ.get("ARROWROOT_TEST_S3_PREFIX", "run2012/")
    out["data_dir"] = os.environ.get("ARROWROOT_TEST_DATA_DIR", str(REPO_ROOT / "testdata"))
    out["workers"] = os.environ.get("ARROWROOT_SPARK_WORKERS", "2")
    out["webui"] = os.environ.get("ARROWROOT_SPARK_MASTER_WEBUI_URL", "http://127.0.0.1:47078")
    out["cluster_dir"] = os.environ.get("ARROWROOT_SPARK_CLUSTER_DIR",
                                        "/tmp/arrowroot-spark-cluster")
    return out


def _master_state(webui: str) -> dict:
    with urllib.request.urlopen(f"{webui}/json/", timeout=5) as r:
        return json.load(r)


@pytest.fixture(scope="module")
def cluster(env) -> dict:
    """The running cluster: its master answers and has the expected number of ALIVE workers."""
    master = env["ARROWROOT_SPARK_MASTER"]
    host, _, port = master.removeprefix("spark://").rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=3).close()
        state = _master_state(env["webui"])
        error = None
    except OSError as e:
        error = e
    if error is not None:
        pytest.fail(f"Spark master {master} does not answer ({error}): is the cluster running? "
                    f"{HOW_TO_START}", pytrace=False)
    alive = [w for w in state.get("workers", []) if w.get("state") == "ALIVE"]
    if state.get("status") != "ALIVE" or len(alive) < int(env["workers"]):
        pytest.fail(
            f"Spark master {master} is {state.get('status')} with {len(alive)} ALIVE worker(s), "
            f"expected {env['workers']}: see scripts/spark-cluster status",
            pytrace=False,
        )
    # Another application holds the cores (another test run?): wait a while for it to end.
    deadline = time.monotonic() + EXECUTOR_WAIT_SECONDS
    while state.get("activeapps") and time.monotonic() < deadline:
        time.sleep(1)
        state = _master_state(env["webui"])
    if state.get("activeapps"):
        names = [f"{a.get('id')} ({a.get('name')})" for a in state["activeapps"]]
        pytest.fail(f"the cluster is busy with other applications {names} for "
                    f"{EXECUTOR_WAIT_SECONDS} s: their executors hold its cores", pytrace=False)
    pid_files = sorted(glob.glob(os.path.join(env["cluster_dir"], "pids", "worker-*.pid")))
    worker_pids = [int(Path(f).read_text().strip()) for f in pid_files]
    if len(worker_pids) != int(env["workers"]) or not all(_cmdline(p)[0:1] for p in worker_pids):
        pytest.fail(f"no live worker PIDs in {env['cluster_dir']}/pids (ARROWROOT_SPARK_CLUSTER_DIR"
                    f" of another cluster?): see scripts/spark-cluster status", pytrace=False)
    return {"state": state, "worker_pids": worker_pids}


@pytest.fixture(scope="module")
def spark(env, cluster):
    """One client-mode session against the cluster for the module, stopped at its end."""
    # PYSPARK_PYTHON: the Python of every Python worker, on the executors and on the driver
    # (where the data source plans the reads). pyspark sends $PYSPARK_PYTHON (default "python3"
    # on PATH) with each function; spark.pyspark.python does not reach it here.
    # SPARK_LOCAL_IP: the driver's JVM (when this process launches it) binds and advertises
    # loopback only. JAVA_HOME: the cluster's Java for the driver's JVM.
    # No AWS_* in this process: S3 settings reach Python code only by spark.executorEnv.*
    # (pyspark also hands those to the driver's own Python workers, which plan the reads).
    env_now = {"PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1"}
    if not os.environ.get("JAVA_HOME") and os.environ.get("ARROWROOT_SPARK_JAVA_HOME"):
        env_now["JAVA_HOME"] = os.environ["ARROWROOT_SPARK_JAVA_HOME"]
    aws = [k for k in os.environ if k.startswith("AWS_")]
    saved = {k: os.environ.get(k) for k in (*env_now, *aws)}
    for k in aws:
        del os.environ[k]
    os.environ.update(env_now)
    try:
        yield from _client_session(env, cluster)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _client_session(env, cluster):
    from pyspark import SparkConf, SparkContext
    from pyspark.sql import SparkSession

    import arrowroot.spark

    active = SparkContext._active_spark_context
    if active is not None:
        # getOrCreate() would hand back that (local) session instead of a client of the cluster.
        active.stop()
    jvm_options = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"  # short-lived JVMs on 2 cores
    jar = arrowroot.spark.jar_path()  # FileNotFoundError says why this arrowroot has none
    if SparkContext._gateway is None:
        # Launch the driver's JVM with no secret in its configuration: pyspark passes that
        # configuration on the spark-submit command line (visible in ps) and as JVM system
        # properties, the defaults of every later SparkConf in this process. The connector jar
        # goes on the driver's classpath only at the JVM's launch.
        SparkContext._ensure_initialized(
            conf=SparkConf().set("spark.driver.extraJavaOptions", jvm_options)
            .set("spark.jars", jar))
    else:
        # Launched by another test module: drop what its configuration left as defaults (its
        # spark.arrowroot.s3.* would win over the executors' environment).
        _drop_s3_properties(SparkContext._jvm)

    builder = (
        SparkSession.builder.master(env["ARROWROOT_SPARK_MASTER"])
        .appName("arrowroot-client-mode-test")
        .config("spark.submit.deployMode", "client")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.port", str(DRIVER_PORT))
        .config("spark.driver.blockManager.port", str(DRIVER_BLOCK_MANAGER_PORT))
        # A taken port is an error, not a silent move to the next one.
        .config("spark.port.maxRetries", "0")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.executor.extraJavaOptions", jvm_options)
        .config("spark.executor.memory", "512m")
        .config("spark.executor.cores", "1")
        .config("spark.cores.max", env["workers"])
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.pyspark.python", sys.executable)
        # S3 for the executors, by environment variables. On Kubernetes the credentials come
        # from a secret instead (spark.kubernetes.executor.secretKeyRef.AWS_SECRET_ACCESS_KEY).
        .config("spark.executorEnv.AWS_ENDPOINT_URL", env["ARROWROOT_TEST_S3_ENDPOINT"])
        .config("spark.executorEnv.AWS_REGION", env["ARROWROOT_TEST_S3_REGION"])
        .config("spark.executorEnv.AWS_ACCESS_KEY_ID", env["ARROWROOT_TEST_S3_ACCESS_KEY"])
        .config("spark.executorEnv.AWS_SECRET_ACCESS_KEY", env["ARROWROOT_TEST_S3_SECRET_KEY"])
        # arrowroot's JVM connector, served to the executors by the driver.
        .config("spark.jars", jar)
        # S3 for the JVM connector's planning on the driver: Hadoop's S3A keys, as a
        # core-site.xml gives them (the JVM connector hands its settings to its executor tasks).
        .config("spark.hadoop.fs.s3a.endpoint", env["ARROWROOT_TEST_S3_ENDPOINT"])
        .config("spark.hadoop.fs.s3a.endpoint.region", env["ARROWROOT_TEST_S3_REGION"])
        .config("spark.hadoop.fs.s3a.path.style.access", "true")
        .config("spark.hadoop.fs.s3a.access.key", env["ARROWROOT_TEST_S3_ACCESS_KEY"])
        .config("spark.hadoop.fs.s3a.secret.key", env["ARROWROOT_TEST_S3_SECRET_KEY"])
    )
    t0 = time.monotonic()
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    arrowroot.spark.register(session)
    sc = session.sparkContext
    # Executors register asynchronously: wait for all of them (the driver counts as one).
    want = int(env["workers"]) + 1
    deadline = time.monotonic() + EXECUTOR_WAIT_SECONDS
    while sc._jsc.sc().getExecutorMemoryStatus().size() < want:
        if time.monotonic() > deadline:
            n = sc._jsc.sc().getExecutorMemoryStatus().size() - 1
            session.stop()
            pytest.fail(f"{n} executor(s) registered within {EXECUTOR_WAIT_SECONDS} s, expected "
                        f"{want - 1}: see the executors' stderr under "
                        f"{env['cluster_dir']}/work/worker-*/{sc.applicationId}/", pytrace=False)
        time.sleep(0.2)
    print(f"\n[spark-cluster] client session with {want - 1} executors up in "
          f"{time.monotonic() - t0:.1f} s")
    try:
        yield session
    finally:
        t1 = time.monotonic()
        session.stop()
        # What the builder left as JVM-wide defaults must not reach later sessions.
        _drop_s3_properties(SparkContext._jvm)
    # The workers kill the executors when the application ends: none may be left behind.
    deadline = time.monotonic() + 20
    left = []
    while time.monotonic() < deadline:
        left = [p for w in cluster["worker_pids"] for p in _descendants(w)]
        if not left:
            break
        time.sleep(0.2)
    print(f"[spark-cluster] session stopped, executors gone in {time.monotonic() - t1:.1f} s")
    assert not left, f"executor processes {left} still alive 20 s after the session stopped"


def _drop_s3_properties(jvm) -> None:
    props = jvm.System.getProperties()
    for key in list(props.stringPropertyNames()):
        if key.startswith(("spark.arrowroot.", "spark.executorEnv.", "spark.hadoop.fs.s3a.")):
            props.remove(key)


@pytest.fixture(scope="module", params=["root", "root_python"])
def fmt(request):
    """The format of the read tests: arrowroot's JVM connector, then the Python source."""
    return request.param


@pytest.fixture(autouse=True)
def _job_watchdog(request):
    """A lost cluster makes Spark wait for executors forever: cancel the jobs instead."""
    if "spark" not in request.fixturenames:
        yield
        return
    sc = request.getfixturevalue("spark").sparkContext
    timer = threading.Timer(JOB_TIMEOUT_SECONDS, sc.cancelAllJobs)
    timer.daemon = True
    timer.start()
    yield
    timer.cancel()


# --- helpers ----------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.split("/")[2]))
    return out


def _descendants(pid: int) -> list[int]:
    """Live descendants. (A worker can have a zombie child of its own: the bash of spark-class's
    process substitution, which the JVM that bash exec'd never reaps.)"""
    out = []
    for c in _children(pid):
        if _state(c) not in (None, "Z", "X"):
            out.append(c)
        out.extend(_descendants(c))
    return out


def _state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def _ppid(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _executor_jvm_of(pid: int) -> int | None:
    """The CoarseGrainedExecutorBackend JVM that a (Python worker) process descends from."""
    p: int | None = pid
    while p and p > 1:
        if any(a.endswith("CoarseGrainedExecutorBackend") for a in _cmdline(p)):
            return p
        p = _ppid(p)
    return None


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    return dict(kv.split("=", 1) for kv in raw.split("\0") if "=" in kv)


def _s3(env, name: str) -> str:
    return f"s3://{env['ARROWROOT_TEST_S3_BUCKET']}/{env['prefix']}{name}"


def _local(env, name: str) -> str:
    return os.path.join(env["data_dir"], name)


def _read(spark, fmt, path, tree="events", **options):
    reader = spark.read.format(fmt).option("tree", tree)
    for k, v in options.items():
        reader = reader.option(k, v)
    return reader.load(path)


def _spark_histogram(df, column, lo, hi, bins):
    """Counts per bin of floor((x - lo) / width), in [lo, hi): a Spark aggregation."""
    from pyspark.sql import functions as F

    width = (hi - lo) / bins
    x = F.col(column).cast("double")
    rows = (
        df.where((x >= lo) & (x < hi))
        .select(F.floor((x - F.lit(lo)) / F.lit(width)).cast("int").alias("bin"))
        .groupBy("bin").count().collect()
    )
    out = np.zeros(bins, dtype=np.int64)
    for r in rows:
        out[min(r["bin"], bins - 1)] += r["count"]
    return out


def _numpy_histogram(values, lo, hi, bins):
    """The same binning as _spark_histogram, in numpy (float64 arithmetic on both sides)."""
    x = np.asarray(values, dtype=np.float64)
    x = x[(x >= lo) & (x < hi)]
    idx = np.minimum(np.floor((x - lo) / ((hi - lo) / bins)).astype(np.int64), bins - 1)
    return np.bincount(idx, minlength=bins)


def _io_stats(directory: Path, fmt: str) -> list[dict]:
    """The records of every task, each with the process that wrote it (task-<pid>-....jsonl:
    a Python worker's, or an executor JVM's for the JVM connector, whose records say
    "source": "jvm")."""
    records = []
    for f in sorted(directory.glob("*.jsonl")):
        m = re.match(r"task-(\d+)-", f.name)
        for line in f.read_text().splitlines():
            record = json.loads(line)
            record["pid"] = int(m.group(1)) if m else record.get("pid")
            assert record["pid"] is not None, f"{f.name} names no process (task-<pid>-...)"
            records.append(record)
    want = "jvm" if fmt == "root" else None
    assert {r.get("source") for r in records} <= {want}, (fmt, records)
    return records


def _plan_texts(df) -> list[str]:
    qe = df._jdf.queryExecution()
    jvm = df.sparkSession.sparkContext._jvm
    texts = [qe.toString()]
    for mode in ("simple", "extended", "codegen", "cost", "formatted"):
        texts.append(jvm.PythonSQLUtils.explainString(qe, mode))
    return texts


# --- tests ------------------------------------------------------------------------------------


def test_driver_is_a_client_of_the_standalone_master(spark, env, cluster):
    sc = spark.sparkContext
    assert sc.master == env["ARROWROOT_SPARK_MASTER"]
    assert sc.getConf().get("spark.submit.deployMode") == "client"
    assert sc.getConf().get("spark.driver.host") == "127.0.0.1"
    assert int(sc.getConf().get("spark.driver.port")) == DRIVER_PORT
    # The master sees this application, with the workers' cores.
    apps = [a for a in _master_state(env["webui"]).get("activeapps", [])
            if a.get("id") == sc.applicationId]
    assert len(apps) == 1, f"application {sc.applicationId} not RUNNING on the master"
    assert apps[0]["cores"] == int(env["workers"])


def test_format_root_is_the_jvm_connector_served_to_the_executors(spark):
    import arrowroot.spark

    assert arrowroot.spark.which_source(spark) == "jvm", arrowroot.spark.fallback_reason(spark)
    # The executors fetch spark.jars from the driver's file server (spark://127.0.0.1:<port>).
    jars = str(spark.sparkContext._jsc.sc().listJars().mkString(",")).split(",")
    assert [j for j in jars if j.endswith("/arrowroot-spark.jar")], jars
    assert all(j.startswith(f"spark://127.0.0.1:{DRIVER_PORT}/") for j in jars), jars


def test_executors_are_separate_processes_spawned_by_the_workers(spark, env, cluster):
    sc = spark.sparkContext
    workers = int(env["workers"])
    status = sc._jsc.sc().getExecutorMemoryStatus()
    assert status.size() == workers + 1  # + the driver's block manager

    driver_python = os.getpid()
    driver_jvm = int(sc._jvm.ProcessHandle.current().pid())

    def process_facts(_):
        """Runs on an executor (pickled by value: the executors cannot import this module)."""
        import os
        import sys
        import time

        time.sleep(0.3)  # keep each task on its slot long enough for the tasks to spread
        yield {
            "pid": os.getpid(),
            "python": sys.executable,
            "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
            "has_secret": bool(os.environ.get("AWS_SECRET_ACCESS_KEY")),
        }

    facts = sc.parallelize(range(4 * workers), 4 * workers).mapPartitions(process_facts).collect()
    python_pids = {f["pid"] for f in facts}
    assert driver_python not in python_pids

    executor_jvms = {_executor_jvm_of(p) for p in python_pids}
    assert None not in executor_jvms, "a task's Python worker does not descend from an executor JVM"
    assert driver_jvm not in executor_jvms
    assert len(executor_jvms) == workers, f"tasks ran on executor JVMs {executor_jvms}"
    for jvm in executor_jvms:
        # Spawned by one of our workers, and connected back to this driver's fixed port.
        assert _ppid(jvm) in cluster["worker_pids"]
        args = _cmdline(jvm)
        assert args[args.index("--driver-url") + 1] == \
            f"spark://CoarseGrainedScheduler@127.0.0.1:{DRIVER_PORT}"
    # The executors' Python is the project venv, and S3 comes from spark.executorEnv.*: the
    # workers themselves (clean environment) know nothing about it.
    assert {f["python"] for f in facts} == {sys.executable}
    assert {f["endpoint"] for f in facts} == {env["ARROWROOT_TEST_S3_ENDPOINT"]}
    assert all(f["has_secret"] for f in facts)
    for w in cluster["worker_pids"]:
        assert not {k for k in _environ(w) if k.startswith("AWS_")}
    # The driver listens where it was told to.
    listening = Path("/proc/net/tcp6").read_text() + Path("/proc/net/tcp").read_text()
    for port in (DRIVER_PORT, DRIVER_BLOCK_MANAGER_PORT):
        assert f":{port:04X} " in listening


def test_hzz_over_s3_equals_uproot(spark, fmt, env, tmp_path):
    """Counts, sums and a histogram of one file read over S3 by the executors."""
    import uproot
    from pyspark.sql import functions as F

    stats = tmp_path / "io"
    df = _read(spark, fmt, _s3(env, "uproot-HZZ.root"), columns="NMuon,Muon_Px,MET_px",
               io_stats_dir=str(stats))
    up = uproot.open(_local(env, "uproot-HZZ.root"))["events"].arrays(
        ["NMuon", "Muon_Px", "MET_px"], library="np")
    muon_px = np.concatenate(up["Muon_Px"])

    row = df.select(
        F.count("*").alias("n"),
        F.sum("NMuon").alias("nmuon"),
        F.sum(F.size("Muon_Px")).alias("muons"),
        F.sum("MET_px").alias("met"),
    ).collect()[0]
    assert row.n == len(up["NMuon"]) == 2421
    assert row.nmuon == int(up["NMuon"].sum()) == row.muons == len(muon_px)
    assert row.met == pytest.approx(float(up["MET_px"].astype(np.float64).sum()), rel=1e-9)

    px = df.select(F.explode("Muon_Px").alias("px"))
    np.testing.assert_array_equal(_spark_histogram(px, "px", -100.0, 100.0, 40),
                                  _numpy_histogram(muon_px, -100.0, 100.0, 40))

    # The bytes came from the RGW, read by the executors (their JVMs for the JVM connector,
    # their Python workers for the Python source), not by this process.
    records = _io_stats(stats, fmt)
    assert records, "no io_stats: the executors wrote nothing"
    assert {r["path"] for r in records} == {_s3(env, "uproot-HZZ.root")}
    assert os.getpid() not in {r["pid"] for r in records}
    # (A file this small comes whole with the two GETs of the open: head and tail.)
    assert all(r["num_requests"] > 0 and r["num_bytes_received"] > 0 for r in records), records
    # Executor JVMs (or Python workers, kept for reuse, descending from them), not the driver's.
    executor_jvms = {_executor_jvm_of(r["pid"]) for r in records} - {None}
    assert executor_jvms
    assert int(spark.sparkContext._jvm.ProcessHandle.current().pid()) not in executor_jvms


def test_zmumu_glob_over_s3_equals_uproot_on_both_executors(spark, fmt, env, tmp_path):
    """An S3 glob (ListObjectsV2 on the driver), one partition per file, read by both executors."""
    import uproot
    from pyspark.sql import functions as F

    names = sorted(os.path.basename(p) for p in glob.glob(_local(env, "uproot-Zmumu*.root")))
    assert len(names) >= 2, names
    stats = tmp_path / "io"
    # One partition per file, so that both executors read.
    df = _read(spark, fmt, _s3(env, "uproot-Zmumu*.root"), partition_bytes="1 B",
               io_stats_dir=str(stats))
    assert df.rdd.getNumPartitions() == len(names)

    px1, mass, n = [], [], 0
    for name in names:
        arrays = uproot.open(_local(env, name))["events"].arrays(["px1", "M"], library="np")
        px1.append(arrays["px1"])
        mass.append(arrays["M"])
        n += len(arrays["px1"])
    px1, mass = np.concatenate(px1), np.concatenate(mass)

    row = df.select(F.count("*").alias("n"), F.sum("px1").alias("px1"),
                    F.sum(F.col("px1") * F.col("px1")).alias("px1_sq")).collect()[0]
    assert row.n == n == 2304 * len(names)
    assert row.px1 == pytest.approx(float(px1.astype(np.float64).sum()), rel=1e-9)
    assert row.px1_sq == pytest.approx(float((px1.astype(np.float64) ** 2).sum()), rel=1e-9)
    np.testing.assert_array_equal(_spark_histogram(df, "M", 0.0, 120.0, 24),
                                  _numpy_histogram(mass, 0.0, 120.0, 24))

    records = _io_stats(stats, fmt)
    assert sorted(os.path.basename(r["path"]) for r in records) == sorted(names * 2)  # two jobs
    assert all(r["num_requests"] > 0 and r["num_bytes_received"] > 0 for r in records), records
    assert all(r["path"].startswith("s3://") for r in records)
    assert sum(r["entry_stop"] - r["entry_start"] for r in records) == 2 * n
    executor_jvms = {_executor_jvm_of(r["pid"]) for r in records} - {None}
    assert len(executor_jvms) == int(env["workers"]), \
        f"S3 reads ran on executor JVMs {executor_jvms}, expected one per worker"


def test_secret_stays_out_of_the_plan_command_lines_and_logs(spark, fmt, env, cluster):
    from pyspark.sql import functions as F

    secret = env["ARROWROOT_TEST_S3_SECRET_KEY"]
    df = (_read(spark, fmt, _s3(env, "uproot-HZZ.root"), columns="NMuon")
          .where(F.col("NMuon") > 0).groupBy("NMuon").count())
    assert df.count() > 0
    driver_jvm = int(spark.sparkContext._jvm.ProcessHandle.current().pid())
    assert secret not in " ".join(_cmdline(driver_jvm))
    executors = {_executor_jvm_of(p) for w in cluster["worker_pids"] for p in _descendants(w)}
    assert executors - {None}
    for jvm in executors - {None}:
        assert secret not in " ".join(_cmdline(jvm))
    texts = _plan_texts(df)
    assert any("BatchScan root" in t for t in texts), texts[0]
    for text in texts:
        assert secret not in text
    # Nor in the logs of the master, the workers and this application's executors.
    logs = [*Path(env["cluster_dir"], "logs").glob("*.log"),
            *Path(env["cluster_dir"], "work").glob(
                f"worker-*/{spark.sparkContext.applicationId}/*/std*")]
    assert any("CoarseGrainedExecutorBackend" in f.read_text(errors="replace") for f in logs)
    leaked = [str(f) for f in logs if secret in f.read_text(errors="replace")]
    assert not leaked, f"the secret key is in {leaked}"
