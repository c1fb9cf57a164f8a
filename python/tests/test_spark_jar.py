"""The JVM Spark connector from Python, without a JVM: where the jar is (the package's, or
$ARROWROOT_SPARK_JAR), `python -m arrowroot.spark --jar`, spark.jars in session configurations,
register()'s choice between the JVM connector and the Python source on fake sessions, and
error_message() on the JVM's exception text. (tests/spark/test_spark_source.py runs both
sources in a real Spark.)"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from arrowroot import _jvm
from arrowroot.k8s import k8s_conf

NATIVE = f"org/arrowroot/spark/native/{_jvm.platform_dir()}/libarrowroot_jni.so"


def _fake_jar(path: Path, native: str | None = NATIVE) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("META-INF/services/org.apache.spark.sql.sources.DataSourceRegister",
                   _jvm.JVM_SOURCE + "\n")
        if native:
            z.writestr(native, b"\x7fELF")
    return path


def _run_module(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "arrowroot.spark", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


# --- jar_path -----------------------------------------------------------------------------------

def test_jar_path_takes_the_environment_override(tmp_path):
    jar = _fake_jar(tmp_path / "dev.jar")
    assert _jvm.jar_path({"ARROWROOT_SPARK_JAR": str(jar)}) == str(jar.resolve())
    with pytest.raises(FileNotFoundError, match="ARROWROOT_SPARK_JAR=.*nope.jar: no such file"):
        _jvm.jar_path({"ARROWROOT_SPARK_JAR": str(tmp_path / "nope.jar")})


def test_jar_path_without_override_is_the_packages_or_says_why(tmp_path, monkeypatch):
    bundled = tmp_path / "jars" / "arrowroot-spark.jar"
    monkeypatch.setattr(_jvm, "BUNDLED_JAR", bundled)
    with pytest.raises(FileNotFoundError) as info:
        _jvm.jar_path({})
    msg = str(info.value)
    assert str(bundled) in msg and "built without its JVM Spark connector" in msg
    assert "JDK" in msg and "pip install pyspark" in msg and "ARROWROOT_SPARK_JAR" in msg
    bundled.parent.mkdir()
    _fake_jar(bundled)
    assert _jvm.jar_path({}) == str(bundled)
    assert _jvm.jar_path({"ARROWROOT_SPARK_JAR": ""}) == str(bundled)  # empty: not set


def test_the_package_jar_sits_beside_the_modules():
    assert _jvm.BUNDLED_JAR == Path(_jvm.__file__).resolve().parent / "jars" / "arrowroot-spark.jar"


# --- python -m arrowroot.spark ------------------------------------------------------------------

def test_module_prints_the_package_jar_when_there_is_one():
    env = {k: v for k, v in os.environ.items() if k != "ARROWROOT_SPARK_JAR"}
    if not _jvm.BUNDLED_JAR.is_file():
        pytest.skip(f"this arrowroot has no connector jar ({_jvm.BUNDLED_JAR} is missing: built "
                    "without a JDK or pyspark)")
    res = subprocess.run([sys.executable, "-m", "arrowroot.spark", "--jar"], capture_output=True,
                         text=True, timeout=120, env=env)
    assert res.returncode == 0, res.stderr
    printed = res.stdout.strip()
    assert Path(printed).is_file() and printed.endswith("arrowroot/jars/arrowroot-spark.jar")
    assert zipfile.ZipFile(printed).getinfo(NATIVE).file_size > 0


def test_module_prints_the_override_and_fails_saying_why(tmp_path):
    jar = _fake_jar(tmp_path / "dev.jar")
    res = _run_module("--jar", env={"ARROWROOT_SPARK_JAR": str(jar)})
    assert res.returncode == 0, res.stderr
    assert res.stdout == f"{jar.resolve()}\n"
    res = _run_module("--jar", env={"ARROWROOT_SPARK_JAR": str(tmp_path / "gone.jar")})
    assert res.returncode == 1 and res.stdout == ""
    assert res.stderr.startswith("arrowroot: error: ARROWROOT_SPARK_JAR=") and "gone.jar" in res.stderr
    help_ = _run_module("--help")
    assert help_.returncode == 0 and "--jar" in help_.stdout and "spark-submit" in help_.stdout
    bare = _run_module()
    assert bare.returncode == 2 and "--jar" in bare.stdout


def test_module_answers_without_importing_pyspark(tmp_path):
    jar = _fake_jar(tmp_path / "dev.jar")
    code = ("import runpy, sys\n"
            "sys.argv = ['arrowroot.spark', '--jar']\n"
            "try:\n    runpy.run_module('arrowroot.spark', run_name='__main__')\n"
            "except SystemExit as e:\n    assert e.code == 0, e.code\n"
            "print('pyspark' in sys.modules)\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "ARROWROOT_SPARK_JAR": str(jar)})
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == [str(jar.resolve()), "False"]


# --- spark.jars in configurations ---------------------------------------------------------------

def test_with_jar_appends_to_spark_jars_once(tmp_path):
    jar = str(_fake_jar(tmp_path / "arrowroot-spark.jar").resolve())
    env = {"ARROWROOT_SPARK_JAR": jar}
    assert _jvm.with_jar({"spark.master": "local[1]"}, env) == {"spark.master": "local[1]",
                                                                "spark.jars": jar}
    assert _jvm.with_jar({"spark.jars": "a.jar, b.jar"}, env)["spark.jars"] == f"a.jar,b.jar,{jar}"
    # Already there (this one or another arrowroot-spark.jar the user chose): left alone.
    assert _jvm.with_jar({"spark.jars": jar}, env)["spark.jars"] == jar
    assert _jvm.with_jar({"spark.jars": "/x/arrowroot-spark.jar"}, env)["spark.jars"] == \
        "/x/arrowroot-spark.jar"


def test_no_jar_or_one_without_this_machines_library_leaves_spark_jars_alone(tmp_path):
    missing = {"ARROWROOT_SPARK_JAR": str(tmp_path / "missing.jar")}
    assert _jvm.with_jar({"spark.jars": "a.jar"}, missing) == {"spark.jars": "a.jar"}
    assert _jvm.usable_jar(missing)[0] is None
    other = _fake_jar(tmp_path / "other.jar", native="org/arrowroot/spark/native/plan9-mips/lib.so")
    jar, why = _jvm.usable_jar({"ARROWROOT_SPARK_JAR": str(other)})
    assert jar is None and f"no native library for {_jvm.platform_dir()}" in why
    assert "plan9-mips" in why
    assert "spark.jars" not in _jvm.with_jar({}, {"ARROWROOT_SPARK_JAR": str(other)})
    bad = tmp_path / "bad.jar"
    bad.write_text("not a zip")
    assert "cannot be read as a jar" in _jvm.usable_jar({"ARROWROOT_SPARK_JAR": str(bad)})[1]


def test_k8s_conf_puts_the_jar_on_spark_jars(tmp_path):
    jar = str(_fake_jar(tmp_path / "arrowroot-spark.jar").resolve())
    base = dict(master="k8s://https://api:6443", driver_host="10.0.0.1")
    conf = k8s_conf("reg/x:0.1.0", **base, environ={"ARROWROOT_SPARK_JAR": jar})
    assert conf["spark.jars"] == jar
    conf = k8s_conf("reg/x:0.1.0", **base, environ={"ARROWROOT_SPARK_JAR": jar},
                    extra={"spark.jars": "s3a://b/udf.jar"})
    assert conf["spark.jars"] == f"s3a://b/udf.jar,{jar}"
    none = k8s_conf("reg/x:0.1.0", **base,
                    environ={"ARROWROOT_SPARK_JAR": str(tmp_path / "missing.jar")})
    assert "spark.jars" not in none


# --- register() and which_source() on fake sessions ---------------------------------------------

class _JavaError(Exception):
    """Stands for py4j's Py4JJavaError: its java_exception's text names the Java class."""

    def __init__(self, java_text: str) -> None:
        super().__init__("An error occurred while calling z:java.lang.Class.forName.")
        self.java_exception = java_text


def _fake_session(*, has_class=True, native_status="", init_error=None, connect=False,
                  add_jar_loads=False):
    registered: list[type] = []
    state = {"has_class": has_class}

    def for_name(name, initialize, loader):
        assert (name, initialize, loader) == (_jvm.JVM_SOURCE, True, "context-loader")
        if init_error:
            raise _JavaError(init_error)
        if not state["has_class"]:
            raise _JavaError(f"java.lang.ClassNotFoundException: {name}\n\tat java.base/...")
        method = SimpleNamespace(invoke=lambda obj, args: native_status)
        return SimpleNamespace(getMethod=lambda n, types: method)

    lang = SimpleNamespace(
        Thread=SimpleNamespace(currentThread=lambda: SimpleNamespace(
            getContextClassLoader=lambda: "context-loader")),
        Class=SimpleNamespace(forName=for_name))
    statements: list[str] = []

    def sql(text):
        statements.append(text)
        if add_jar_loads and text.startswith("ADD JAR "):
            state["has_class"] = True

    spark = SimpleNamespace(
        sparkContext=SimpleNamespace(getConf=lambda: SimpleNamespace(getAll=lambda: [])),
        dataSource=SimpleNamespace(register=registered.append), sql=sql, statements=statements)
    if not connect:
        spark._jvm = SimpleNamespace(java=SimpleNamespace(lang=lang))
    return spark, registered


@pytest.fixture
def spark_mod(monkeypatch):
    pytest.importorskip("pyspark")
    import arrowroot.spark as mod

    monkeypatch.setattr(mod, "_warned", set())
    return mod


def _names(registered):
    return [cls.name() for cls in registered]


def test_with_the_jvm_connector_only_root_python_is_registered(spark_mod):
    spark, registered = _fake_session()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spark_mod.register(spark)
    assert _names(registered) == ["root_python"]
    assert spark_mod.which_source(spark) == "jvm" and spark_mod.fallback_reason(spark) is None


def test_without_the_class_the_python_source_is_root_and_says_why_once(spark_mod, tmp_path,
                                                                       monkeypatch):
    monkeypatch.setenv("ARROWROOT_SPARK_JAR", str(_fake_jar(tmp_path / "arrowroot-spark.jar")))
    spark, registered = _fake_session(has_class=False)
    with pytest.warns(spark_mod.FallbackWarning) as caught:
        spark_mod.register(spark)
    assert _names(registered) == ["root_python", "root"]
    assert issubclass(registered[0], spark_mod.RootDataSource)
    msg = str(caught[0].message)
    assert "Python data source" in msg and "not on the driver's classpath" in msg
    assert "spark.jars" in msg and "arrowroot.spark.session()" in msg
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same reason again: no second warning
        spark_mod.register(spark)
    assert spark_mod.which_source(spark) == "python"
    assert "classpath" in spark_mod.fallback_reason(spark)


def test_a_running_jvm_without_the_jar_gets_it_by_add_jar(spark_mod, tmp_path, monkeypatch):
    # A JVM started before (or without) spark.jars keeps its classpath: register() adds the
    # package's jar to the session (ADD JAR) and then reads with the JVM connector, silently.
    jar = _fake_jar(tmp_path / "arrowroot-spark.jar")
    monkeypatch.setenv("ARROWROOT_SPARK_JAR", str(jar))
    spark, registered = _fake_session(has_class=False, add_jar_loads=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spark_mod.register(spark)
    assert spark.statements == [f"ADD JAR '{jar.resolve()}'"]
    assert _names(registered) == ["root_python"]
    assert spark_mod.which_source(spark) == "jvm"


def test_without_a_jar_in_the_package_the_warning_says_how_to_get_one(spark_mod, tmp_path,
                                                                      monkeypatch):
    monkeypatch.delenv("ARROWROOT_SPARK_JAR", raising=False)
    monkeypatch.setattr(_jvm, "BUNDLED_JAR", tmp_path / "jars" / "arrowroot-spark.jar")
    spark, registered = _fake_session(has_class=False)
    with pytest.warns(spark_mod.FallbackWarning, match="built without its JVM Spark connector"):
        spark_mod.register(spark)
    assert _names(registered) == ["root_python", "root"]


def test_a_native_library_that_does_not_load_is_named(spark_mod):
    spark, registered = _fake_session(native_status="libarrowroot_jni.so: libisal.so.2: cannot "
                                                    "open shared object file")
    with pytest.warns(spark_mod.FallbackWarning) as caught:
        spark_mod.register(spark)
    msg = str(caught[0].message)
    assert "libisal.so.2" in msg and "format('root_python')" in msg
    assert "root_python" in _names(registered)
    with pytest.raises(RuntimeError, match="libisal.so.2.*root_python"):
        spark_mod.which_source(spark)
    spark, _ = _fake_session(init_error="java.lang.UnsatisfiedLinkError: no arrowroot_jni")
    assert _jvm.jvm_status(spark) == (
        "broken", "arrowroot's JVM connector failed to load: java.lang.UnsatisfiedLinkError: "
                  "no arrowroot_jni")


def test_spark_connect_falls_back_saying_so(spark_mod):
    spark, registered = _fake_session(connect=True)
    with pytest.warns(spark_mod.FallbackWarning, match="Spark Connect"):
        spark_mod.register(spark)
    assert _names(registered) == ["root_python", "root"]
    assert spark_mod.which_source(spark) == "python"


def test_spark_conf_storage_reaches_both_python_registrations(spark_mod, tmp_path, monkeypatch):
    monkeypatch.setenv("ARROWROOT_SPARK_JAR", str(tmp_path / "missing.jar"))
    spark, registered = _fake_session(has_class=False)
    spark.sparkContext = SimpleNamespace(getConf=lambda: SimpleNamespace(
        getAll=lambda: [("spark.arrowroot.s3.region", "r1"), ("spark.master", "local")]))
    with pytest.warns(spark_mod.FallbackWarning):
        spark_mod.register(spark)
    assert _names(registered) == ["root_python", "root"]
    assert all(cls._conf_storage == {"region": "r1"} for cls in registered)


# --- error_message on the JVM's text ------------------------------------------------------------

def test_error_message_finds_arrowroots_error_after_a_java_class_name(spark_mod):
    em = spark_mod.error_message
    line = "arrowroot.NotFoundError: no tree 'Events' in '/d/x.root' (it has: events)"
    java = RuntimeError(
        "An error occurred while calling o42.count.\n"
        ": org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 1.0 "
        "failed 1 times, most recent failure: Lost task 0.0 in stage 1.0 (TID 1) (10.0.0.1 "
        f"executor driver): org.arrowroot.spark.ArrowrootException: {line}\n"
        "\tat org.arrowroot.spark.RootPartitionReader.next(RootPartitionReader.java:80)\n"
        f"Caused by: org.arrowroot.spark.ArrowrootException: {line}\n"
        "\tat org.arrowroot.spark.Native.open(Native Method)\n")
    assert em(java) == line
    assert em(RuntimeError(f"org.arrowroot.spark.ArrowrootException: {line}")) == line
    # Py4JJavaError's own text can be a summary: the Java exception's text is read too.
    summary = _JavaError(f"org.arrowroot.spark.ArrowrootException: {line}\n\tat x.y(Z.java:1)")
    assert em(summary) == line
    # A Python worker's traceback, as before.
    tb = RuntimeError("Traceback (most recent call last):\n  File \"x.py\", line 1\n"
                      "arrowroot.CorruptionError: corruption: basket 3 of branch 'E1'\n")
    assert em(tb) == "arrowroot.CorruptionError: corruption: basket 3 of branch 'E1'"
    # Not arrowroot's errors.
    assert em(RuntimeError("org.arrowroot.spark.RootDataSource failed: x")) is None
    assert em(RuntimeError("java.lang.IllegalStateException: myarrowroot.FooError: x")) is None
