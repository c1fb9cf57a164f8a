"""arrowroot's JVM Spark connector (``org.arrowroot.spark.RootDataSource``, the jar
``arrowroot/jars/arrowroot-spark.jar`` in the package): where the jar is, putting it on
``spark.jars``, and whether a running session's JVM reads ``format("root")`` with it.

No pyspark import here: :mod:`arrowroot.k8s` (the bottom of the Spark helpers) puts the jar on
the configuration, and ``python -m arrowroot.spark --jar`` works without pyspark.
"""

from __future__ import annotations

import functools
import os
import platform
import sys
import zipfile
from pathlib import Path
from typing import Any, Mapping

JVM_SOURCE = "org.arrowroot.spark.RootDataSource"
JAR_NAME = "arrowroot-spark.jar"
JAR_ENV = "ARROWROOT_SPARK_JAR"  # a jar to use instead of the package's (development)
BUNDLED_JAR = Path(__file__).resolve().parent / "jars" / JAR_NAME
_NATIVE_DIR = "org/arrowroot/spark/native/"  # + <os>-<arch>/libarrowroot_jni.so inside the jar


def jar_path(environ: Mapping[str, str] | None = None) -> str:
    """The path of arrowroot's Spark connector jar: ``$ARROWROOT_SPARK_JAR`` when set, else
    the jar bundled in the package. Raises FileNotFoundError saying why when there is none."""
    env = os.environ if environ is None else environ
    override = env.get(JAR_ENV)
    if override:
        path = Path(override).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"{JAR_ENV}={override}: no such file (a built {JAR_NAME}, "
                                    f"e.g. build/jvm/{JAR_NAME}; unset it to use the package's)")
        return str(path.resolve())
    if BUNDLED_JAR.is_file():
        return str(BUNDLED_JAR)
    raise FileNotFoundError(
        f"{BUNDLED_JAR} is missing: this arrowroot was built without its JVM Spark connector "
        "(building it needs a JDK, javac 17 or later, and pyspark's jars at build time): "
        "`pip install pyspark`, install a JDK, then reinstall arrowroot; or set "
        f"{JAR_ENV} to a built {JAR_NAME}")


def platform_dir() -> str:
    """This machine's directory of native libraries in the jar, e.g. ``linux-x86_64``."""
    arch = platform.machine().lower()
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(arch, arch)
    return f"{sys.platform.rstrip('0123456789')}-{arch}"


@functools.lru_cache(maxsize=8)
def _native_dirs(path: str, mtime_ns: int) -> tuple[str, ...]:
    with zipfile.ZipFile(path) as jar:
        return tuple(sorted({n[len(_NATIVE_DIR):].split("/", 1)[0] for n in jar.namelist()
                             if n.startswith(_NATIVE_DIR) and not n.endswith("/")
                             and n.count("/") >= 5}))


def usable_jar(environ: Mapping[str, str] | None = None) -> tuple[str | None, str]:
    """``(jar, "")`` when the connector jar exists and holds a native library for this machine,
    else ``(None, why not)``."""
    try:
        jar = jar_path(environ)
    except FileNotFoundError as e:
        return None, str(e)
    try:
        have = _native_dirs(jar, os.stat(jar).st_mtime_ns)
    except (OSError, zipfile.BadZipFile) as e:
        return None, f"{jar} cannot be read as a jar: {e}"
    want = platform_dir()
    if want not in have:
        return None, (f"{jar} has no native library for {want} (it has "
                      f"{', '.join(have) or 'none'})")
    return jar, ""


def with_jar(conf: Mapping[str, str], environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """`conf` with the connector jar appended to ``spark.jars`` (a comma-separated list);
    unchanged when there is no usable jar (then the Python data source reads
    ``format("root")``) or when ``spark.jars`` already names an ``arrowroot-spark.jar``."""
    out = {str(k): str(v) for k, v in conf.items()}
    jar, _ = usable_jar(environ)
    if jar is None:
        return out
    jars = [j.strip() for j in out.get("spark.jars", "").split(",") if j.strip()]
    if any(j.rsplit("/", 1)[-1] == JAR_NAME for j in jars):
        return out
    out["spark.jars"] = ",".join([*jars, jar])
    return out


# --- a running session ---------------------------------------------------------------------------

NOT_ON_CLASSPATH = (
    "arrowroot's JVM connector is not on the driver's classpath: build the session with "
    "arrowroot.spark.session(), or .config('spark.jars', arrowroot.spark.jar_path()) before "
    "the first SparkSession of this process (a running JVM keeps its classpath), or "
    "spark-submit --jars $(python -m arrowroot.spark --jar)")


def jvm_status(spark: Any) -> tuple[str, str]:
    """What reads ``format("root")`` in `spark`: ``("jvm", "")`` arrowroot's JVM connector;
    ``("python", why)`` the Python data source, because the JVM has no connector class (or
    there is no JVM: Spark Connect); ``("broken", why)`` the JVM has the class but its native
    library did not load: Spark still resolves ``format("root")`` to it (JVM sources win over
    Python ones), so reads fail and ``format("root_python")`` is the way round."""
    try:
        jvm = spark._jvm  # a Spark Connect session has no JVM on the client
    except AttributeError:
        jvm = None
    if jvm is None:
        return "python", ("Spark Connect: this client has no JVM to ask for arrowroot's JVM "
                          "connector (if the server has the jar on spark.jars, format('root') "
                          "reads with it there)")
    try:
        loader = jvm.java.lang.Thread.currentThread().getContextClassLoader()
        cls = jvm.java.lang.Class.forName(JVM_SOURCE, True, loader)
    except Exception as e:  # py4j's Py4JJavaError: ClassNotFoundException, or a failed init
        text = _first_java_line(e)
        if "ClassNotFoundException" in text or "NoClassDefFoundError" in text:
            jar, why = usable_jar()
            return "python", NOT_ON_CLASSPATH if jar else why
        return "broken", f"arrowroot's JVM connector failed to load: {text}"
    try:
        status = cls.getMethod("nativeStatus", None).invoke(None, None)
    except Exception as e:
        return "broken", f"{JVM_SOURCE}.nativeStatus() failed: {_first_java_line(e)}"
    if status:
        return "broken", f"the native library of arrowroot's JVM connector did not load: {status}"
    return "jvm", ""


def which_source(spark: Any) -> str:
    """``"jvm"`` when arrowroot's JVM connector reads ``format("root")`` in `spark`,
    ``"python"`` when the Python data source does (:func:`register` has warned why; on Spark
    Connect the client cannot tell, and says ``"python"``). When the connector's class is
    there but its native library did not load, ``format("root")`` fails, and this raises
    RuntimeError saying why."""
    kind, why = jvm_status(spark)
    if kind == "broken":
        raise RuntimeError(f"arrowroot: {why}; read with format('root_python')")
    return kind


def fallback_reason(spark: Any) -> str | None:
    """None when arrowroot's JVM connector reads ``format("root")`` in `spark`, else why not
    (the text of :func:`register`'s warning)."""
    kind, why = jvm_status(spark)
    return None if kind == "jvm" else why


def _first_java_line(exc: BaseException) -> str:
    java = getattr(exc, "java_exception", None)  # Py4JJavaError
    text = str(java) if java is not None else str(exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


# --- python -m arrowroot.spark ------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(
        prog="python -m arrowroot.spark",
        description="arrowroot's Spark connector. --jar prints the jar's path, for "
                    "spark-submit --jars $(python -m arrowroot.spark --jar) or "
                    "spark-shell/spark-sql --jars ...; then read with format('root').")
    p.add_argument("--jar", action="store_true",
                   help=f"print the path of {JAR_NAME} (${JAR_ENV} when set, else the "
                        "package's); exit 1 saying why when there is none")
    args = p.parse_args(argv)
    if not args.jar:
        p.print_help()
        return 2
    try:
        print(jar_path())
    except FileNotFoundError as e:
        print(f"arrowroot: error: {e}", file=sys.stderr)
        return 1
    return 0
