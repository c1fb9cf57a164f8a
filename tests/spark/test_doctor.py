"""`arrowroot doctor` and arrowroot.spark.session() against real failures made here: a wrong
secret on the test Ceph RGW, a driver address that is not this machine and a driver port that
is taken, executors whose Python lacks arrowroot (the standalone workers' own python3, when the
driver does not pin the interpreter), a Jupyter server without a token, and more executors
asked for than the cluster has.

    scripts/test-servers start && eval "$(scripts/test-servers env)"
    scripts/spark-cluster start && eval "$(scripts/spark-cluster env)"
    .venv/bin/python -m pytest tests/spark/test_doctor.py -q
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from arrowroot import doctor
from conftest import REPO_ROOT, cli_path, require_env

pytestmark = pytest.mark.integration

CLI = cli_path()


# The servers this module needs: scripts/test-servers and the Spark standalone cluster.
_env = partial(require_env, start="start the servers (scripts/test-servers start; "
               "scripts/spark-cluster start) and eval their env")


def _doctor(*args: str, env: dict | None = None, timeout: float = 240) -> subprocess.CompletedProcess:
    """`arrowroot doctor ...` through the C++ CLI, which runs python -m arrowroot.doctor."""
    full = dict(os.environ) | {"ARROWROOT_PYTHON": sys.executable} | (env or {})
    return subprocess.run([str(CLI), "doctor", "--no-jupyter", *args], capture_output=True,
                          text=True, timeout=timeout, env=full)


def _checks(res: subprocess.CompletedProcess) -> dict[str, list[dict]]:
    data = json.loads(res.stdout)
    out: dict[str, list[dict]] = {}
    for c in data["checks"]:
        out.setdefault(c["name"], []).append(c)
    return out


# --- S3 -------------------------------------------------------------------------------------

def test_s3_with_the_right_credentials_passes():
    bucket = _env("ARROWROOT_TEST_S3_BUCKET")
    res = _doctor("--json", "--s3-url", f"s3://{bucket}/run2012/", "--endpoint-url",
                  _env("ARROWROOT_TEST_S3_ENDPOINT"), "--region", _env("ARROWROOT_TEST_S3_REGION"),
                  env={"AWS_ACCESS_KEY_ID": _env("ARROWROOT_TEST_S3_ACCESS_KEY"),
                       "AWS_SECRET_ACCESS_KEY": _env("ARROWROOT_TEST_S3_SECRET_KEY")})
    assert res.returncode == 0, res.stdout + res.stderr
    checks = _checks(res)
    assert checks["s3-endpoint"][0]["status"] == "ok"
    assert checks["s3-clock"][0]["status"] == "ok"
    cred = checks["s3-credentials"][0]
    assert cred["status"] == "ok" and "object(s) visible" in cred["detail"]


def test_s3_with_a_wrong_secret_fails_with_a_fix_and_without_the_secret():
    bucket = _env("ARROWROOT_TEST_S3_BUCKET")
    wrong = "wrong-secret-" + os.urandom(6).hex()
    res = _doctor("--s3-url", f"s3://{bucket}/", "--endpoint-url", _env("ARROWROOT_TEST_S3_ENDPOINT"),
                  "--region", _env("ARROWROOT_TEST_S3_REGION"),
                  env={"AWS_ACCESS_KEY_ID": _env("ARROWROOT_TEST_S3_ACCESS_KEY"),
                       "AWS_SECRET_ACCESS_KEY": wrong})
    assert res.returncode == 1, res.stdout + res.stderr
    assert "✘ s3-credentials" in res.stdout
    assert "fix: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY" in res.stdout
    assert wrong not in res.stdout + res.stderr


def test_an_endpoint_nobody_listens_on_fails_with_a_fix():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    res = _doctor("--s3-url", "s3://bucket/", "--endpoint-url", f"http://127.0.0.1:{port}",
                  env={"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK"})
    assert res.returncode == 1
    assert "✘ s3-endpoint" in res.stdout and "does not answer" in res.stdout
    assert "fix: check the endpoint URL" in res.stdout


# --- driver address and ports ---------------------------------------------------------------

def test_a_driver_host_that_is_not_this_machine_fails():
    # 198.51.100.0/24 is TEST-NET-2: not an address of this machine (this one has 192.0.2.2).
    res = _doctor("--conf", "spark.master=spark://127.0.0.1:1", "--conf",
                  "spark.driver.host=198.51.100.10", "--conf", "spark.driver.port=47095")
    assert res.returncode == 1, res.stdout
    assert "✘ driver-address" in res.stdout and "not an address of this machine" in res.stdout
    assert "fix: set driver_host" in res.stdout


def test_a_driver_port_that_is_taken_fails():
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        s.listen()
        port = s.getsockname()[1]
        res = _doctor("--conf", "spark.master=spark://127.0.0.1:1", "--conf",
                      "spark.driver.host=127.0.0.1", "--conf", f"spark.driver.port={port}",
                      "--conf", "spark.driver.blockManager.port=0")
    assert res.returncode == 1, res.stdout
    assert f"spark.driver.port {port} cannot be bound" in res.stdout
    assert "! driver-ports: spark.driver.blockManager.port is random" in res.stdout


def test_the_driver_address_check_in_python():
    checks = doctor.check_driver_address({"spark.driver.host": "127.0.0.1",
                                          "spark.master": "local[1]"}, running=False)
    assert [c.status for c in checks if c.name == "driver-address"] == ["ok"]


# --- executors ------------------------------------------------------------------------------

def _cluster_conf(port_offset: int) -> list[str]:
    master = _env("ARROWROOT_SPARK_MASTER")
    return ["--conf", f"spark.master={master}", "--conf", "spark.driver.host=127.0.0.1",
            "--conf", "spark.driver.bindAddress=127.0.0.1",
            "--conf", f"spark.driver.port={47096 + 2 * port_offset}",
            "--conf", f"spark.driver.blockManager.port={47097 + 2 * port_offset}",
            "--conf", "spark.executor.memory=512m", "--conf", "spark.ui.enabled=false",
            "--conf", "spark.cores.max=2"]


def test_executors_with_the_drivers_interpreter_pass():
    res = _doctor("--json", "--start", "--timeout", "120", *_cluster_conf(0),
                  env={"PYSPARK_PYTHON": sys.executable})
    assert res.returncode == 0, res.stdout + res.stderr
    checks = _checks(res)
    ev = [c for c in checks["executor-versions"] if c["status"] != "warn"]
    assert ev[0]["status"] == "ok", ev
    assert "as the driver" in ev[0]["detail"]
    assert all(c["status"] == "ok" for c in checks["driver-ports"]), checks["driver-ports"]


def _another_python() -> str:
    """An interpreter the driver does not run: another minor version if this machine has one
    (pyenv), else Debian's python3 outside the venv, which has no arrowroot."""
    import glob

    mine = "%d.%d" % sys.version_info[:2]
    for exe in sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3"))):
        v = subprocess.run([exe, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                           capture_output=True, text=True).stdout.strip()
        if v and v != mine and tuple(map(int, v.split("."))) >= (3, 10):
            return exe
    return "/usr/bin/python3"


def test_executors_running_another_python_fail_with_a_fix():
    # The classic mistake: executors run an interpreter other than the driver's (here through
    # spark.pyspark.python, as an executor image with another Python would).
    other = _another_python()
    env = {k: v for k, v in os.environ.items() if k not in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    env["ARROWROOT_PYTHON"] = sys.executable
    res = subprocess.run([str(CLI), "doctor", "--no-jupyter", "--json", "--start", "--timeout",
                          "120", *_cluster_conf(1), "--conf", f"spark.pyspark.python={other}"],
                         capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 1, res.stdout + res.stderr
    checks = _checks(res)
    failed = [c for c in checks["executor-versions"] if c["status"] == "fail"]
    assert failed, checks["executor-versions"]
    text = failed[0]["detail"]
    assert "arrowroot missing" in text or "PYTHON_VERSION_MISMATCH" in text or "Python 3." in text, text
    assert "spark.pyspark.python" in failed[0]["fix"]


def test_session_waits_for_executors_and_explains_a_timeout(monkeypatch):
    # PySpark takes the Python of its own workers from PYSPARK_PYTHON (spark-submit sets it
    # from spark.pyspark.python; a notebook kernel does not).
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)
    from arrowroot.spark import ExecutorTimeoutError, session, wait_for_executors

    master = _env("ARROWROOT_SPARK_MASTER")
    conf = {"spark.master": master, "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1", "spark.driver.port": "47100",
            "spark.driver.blockManager.port": "47101", "spark.executor.memory": "512m",
            "spark.cores.max": "2", "spark.executor.cores": "1", "spark.ui.enabled": "false",
            "spark.executor.instances": "2", "spark.pyspark.python": sys.executable}
    spark = session(conf, timeout=120, progress=False)
    try:
        from arrowroot.k8s import _executor_count

        assert _executor_count(spark) >= 2
        # The cluster has two workers with one core each: a third executor never comes.
        t0 = time.monotonic()
        with pytest.raises(ExecutorTimeoutError) as exc:
            wait_for_executors(spark, 3, timeout=3, progress=False)
        assert time.monotonic() - t0 < 60
        msg = str(exc.value)
        assert "2 of 3 executors registered within 3 s" in msg
        assert "not Kubernetes" in msg and "arrowroot doctor" in msg
        # format("root") is registered by session().
        df = spark.read.format("root").option("tree", "events").load(
            str(REPO_ROOT / "testdata" / "uproot-Zmumu.root"))
        assert df.count() == 2304
    finally:
        spark.stop()


# --- Jupyter --------------------------------------------------------------------------------

def test_jupyter_servers_without_a_token_fail():
    checks = doctor.check_jupyter_token([
        {"url": "http://127.0.0.1:8888/", "token": "abc", "password": False},
        {"url": "http://127.0.0.1:8889/", "token": "", "password": False},
    ])
    assert [c.status for c in checks] == ["ok", "fail"]
    assert "accepts anyone" in checks[1].detail and "token" in checks[1].fix


def test_a_real_jupyter_server_with_and_without_a_token(tmp_path):
    """Start jupyter-server twice (with a token, then with the token disabled) and let the
    doctor read their runtime files."""
    jupyter = Path(sys.executable).parent / "jupyter-server"
    if not jupyter.exists():
        jupyter = Path(sys.executable).parent / "jupyter"
    results = {}
    for name, token_args in (("token", ["--IdentityProvider.token=s3cr3t-token"]),
                             ("open", ["--IdentityProvider.token=", "--ServerApp.password="])):
        runtime = tmp_path / f"runtime-{name}"
        env = dict(os.environ) | {"JUPYTER_RUNTIME_DIR": str(runtime),
                                  "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"),
                                  "JUPYTER_DATA_DIR": str(tmp_path / "data")}
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        cmd = [str(Path(sys.executable).parent / "jupyter"), "server", "--no-browser",
               f"--port={port}", "--ServerApp.ip=127.0.0.1", "--allow-root", f"--ServerApp.root_dir={tmp_path}",
               *token_args]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not list(runtime.glob("jpserver-*.json")):
                assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
                time.sleep(0.3)
            res = subprocess.run([sys.executable, "-c",
                                  "import json; from arrowroot import doctor; "
                                  "print(json.dumps([c.__dict__ for c in doctor.check_jupyter_token()]))"],
                                 env=env, capture_output=True, text=True, timeout=60)
            assert res.returncode == 0, res.stderr
            results[name] = json.loads(res.stdout)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert [c["status"] for c in results["token"]] == ["ok"], results
    assert [c["status"] for c in results["open"]] == ["fail"], results
    assert "s3cr3t-token" not in json.dumps(results)


# --- Kubernetes API (no API server here: what a wrong master URL meets) ----------------------

def test_a_master_nobody_listens_on_fails_with_a_fix():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    checks = doctor.check_kubernetes_api({"spark.master": f"k8s://http://127.0.0.1:{port}"},
                                         timeout=5)
    assert [c.status for c in checks] == ["fail"]
    assert "does not answer" in checks[0].detail and "kubectl cluster-info" in checks[0].fix


def test_a_master_that_is_not_a_kubernetes_api_server_fails():
    # The test nginx answers, but not as an API server: /version is a 404.
    http = _env("ARROWROOT_TEST_HTTP_URL")
    checks = doctor.check_kubernetes_api({"spark.master": "k8s://" + http}, timeout=5)
    assert [c.status for c in checks] == ["fail"]
    assert "answered HTTP 404" in checks[0].detail


def test_images_must_carry_this_version():
    import arrowroot

    v = arrowroot.__version__
    base = {"spark.master": "k8s://https://api:6443"}
    ok = doctor.check_images(base | {"spark.kubernetes.container.image": f"reg/arrowroot-executor:{v}"})
    assert {c.status for c in ok} == {"ok"}
    latest = doctor.check_images(base | {"spark.kubernetes.container.image": "reg/arrowroot-executor:latest"})
    assert latest[0].status == "fail" and "no version tag" in latest[0].detail
    other = doctor.check_images(base | {"spark.kubernetes.container.image": "reg/x:0.0.9",
                                        "spark.kubernetes.executor.container.image": f"reg/y:{v}"})
    assert [c.status for c in other] == ["fail", "ok"]
    assert doctor.check_images(base)[0].status == "fail"


def test_a_pyspark_python_missing_on_the_driver_fails():
    checks = doctor.check_driver_python({"spark.pyspark.python": "/opt/venv-nowhere/bin/python"})
    assert checks[0].status == "fail" and "does not exist on this machine" in checks[0].detail
    assert doctor.check_driver_python({"spark.pyspark.python": sys.executable})[0].status == "ok"


def test_a_pyspark_python_only_the_executor_image_has_is_a_warning_on_kubernetes():
    # A driver outside the cluster: executors run the image's interpreter; format("root")
    # (the JVM connector, in this build) needs no Python worker on the driver.
    (c,) = doctor.check_driver_python({"spark.pyspark.python": "/opt/venv-nowhere/bin/python",
                                       "spark.master": "k8s://https://10.0.0.1:6443"})
    assert c.status == "warn" and "JVM connector" in c.detail and "root_python" in c.detail
