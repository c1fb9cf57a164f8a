"""The JupyterLab driver, as a physicist meets it: JupyterLab started with token auth (as the
driver image's entrypoint does), opened in headless Chromium (Debian's chromium, driven by
playwright-core from npm), the example notebook examples/notebooks/dimuon_spark.ipynb run from
the Run menu against local Spark reading the bundled ROOT file, its result read from the page,
and a screenshot saved to build/screenshots/jupyterlab-dimuon.png.

scripts/setup installs chromium and `npm ci` in tests/browser.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[1]
BROWSER_DIR = REPO / "tests" / "browser"
SCREENSHOTS = REPO / "build" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_dimuon_notebook_runs_in_jupyterlab_with_token_auth(tmp_path):
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    node = shutil.which("node")
    assert Path(chromium).exists(), "chromium missing: scripts/setup installs Debian's chromium"
    assert node, "node missing"
    assert (BROWSER_DIR / "node_modules" / "playwright-core").is_dir(), (
        "playwright-core missing: scripts/setup runs `npm ci` in tests/browser")

    # The notebook finds testdata/ by walking up from its directory: copy it into a workspace
    # that has a testdata/ next to it, as a user's checkout does.
    root = tmp_path / "work"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(REPO / "examples" / "notebooks" / "dimuon_spark.ipynb", root / "notebooks")
    (root / "testdata").symlink_to(REPO / "testdata")
    token = secrets.token_hex(16)
    port = _free_port()
    env = dict(os.environ) | {
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_TOKEN": token,
        "PYSPARK_PYTHON": sys.executable,
        "SPARK_MASTER": "local[2]",
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab-settings"),
    }
    # No "get notified about Jupyter news?" toast over the screenshot.
    news = tmp_path / "lab-settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    # Render every cell (JupyterLab 4 detaches cells scrolled out of view), so the page holds
    # every output the script looks for.
    nb_settings = tmp_path / "lab-settings" / "@jupyterlab" / "notebook-extension"
    nb_settings.mkdir(parents=True)
    (nb_settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    env.pop("PYSPARK_DRIVER_PYTHON", None)
    # The kernel is this venv's (ipykernel): make sure its spec points at this interpreter.
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--prefix",
                    str(tmp_path / "kernels"), "--name", "python3"], check=True, env=env,
                   capture_output=True, timeout=120)
    env["JUPYTER_PATH"] = str(tmp_path / "kernels" / "share" / "jupyter")
    log = open(tmp_path / "jupyterlab.log", "w")
    lab = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            assert lab.poll() is None, (tmp_path / "jupyterlab.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "JupyterLab did not start in 90 s"
            time.sleep(0.5)
        # Token auth is on: the API refuses a request without it.
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(f"{base}/api/contents", timeout=10)
        assert denied.value.code == 403

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / "jupyterlab-dimuon.png"
        shot.unlink(missing_ok=True)
        res = subprocess.run(
            [node, str(BROWSER_DIR / "jupyterlab_run_notebook.mjs"), base, token,
             "notebooks/dimuon_spark.ipynb", str(shot), r"dimuon peak at \d+\.\d+ GeV"],
            cwd=BROWSER_DIR, capture_output=True, text=True, timeout=600,
            env=dict(os.environ) | {"CHROMIUM": chromium})
        assert res.returncode == 0, res.stdout + res.stderr + \
            (tmp_path / "jupyterlab.log").read_text()[-3000:]
        lines = dict(line.split(": ", 1) for line in res.stdout.splitlines() if ": " in line)
        assert lines["login-required"] == "yes"
        assert lines["error-outputs"] == "0", res.stdout
        peak = float(re.search(r"dimuon peak at (\d+\.\d+) GeV", lines["output"]).group(1))
        assert 89.0 < peak < 93.0, peak
        assert shot.exists() and shot.stat().st_size > 20_000
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        # The notebook saved its figure next to itself.
        assert (root / "notebooks" / "dimuon_spectrum.png").stat().st_size > 10_000
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            lab.kill()
        log.close()
