"""The JupyterLab driver, as a physicist meets it: JupyterLab with token auth (as the driver
image's entrypoint starts it), opened in headless Chromium (Debian's chromium, driven by
playwright-core from npm), the example notebook examples/notebooks/dimuon_spark.ipynb run with
"Run All Cells" against Spark reading the bundled ROOT file, its result read from the page, and
a screenshot saved to build/screenshots/jupyterlab-dimuon.png.

The server: by default a JupyterLab this test starts (local Spark, `local[2]`), with the settings
of tests/browser/app-settings (no news prompt, no build check). With ARROWROOT_JUPYTER_URL (the
server's base URL, e.g. the driver pod's Service through `kubectl port-forward`) and
ARROWROOT_JUPYTER_TOKEN, the same test runs against that server instead: the notebook and the
ROOT file go there through the Jupyter contents API into a directory of the test's own, which it
removes afterwards with the kernel it started (that server's trash gets them if it uses one).

The browser side (tests/browser/jupyterlab_run_notebook.mjs) waits for JupyterLab's own state
(app restored, the notebook's kernel connected and idle) and answers the dialogs JupyterLab may
show (kernel selection, build prompt, news); every wait is bounded, and a failure says in which
phase, with a screenshot (build/screenshots/jupyterlab-dimuon-failure.png) and the dialogs seen.

scripts/setup installs chromium and `npm ci` in tests/browser.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[1]
BROWSER_DIR = REPO / "tests" / "browser"
SCREENSHOTS = REPO / "build" / "screenshots"
NOTEBOOK = REPO / "examples" / "notebooks" / "dimuon_spark.ipynb"
ROOT_FILE = REPO / "testdata" / "uproot-Zmumu.root"
EXPECTED = r"dimuon peak at \d+\.\d+ GeV"


@dataclass
class Server:
    url: str  # base URL, no trailing slash
    token: str
    log: Path | None = None  # the server's log, when this test started it

    def api(self, method: str, path: str, body: object = None, timeout: float = 60) -> object:
        """A Jupyter server REST call (``path`` below /api/), authenticated with the token."""
        req = urllib.request.Request(
            f"{self.url}/api/{path}", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = r.read()
        return json.loads(data) if data else None

    def log_tail(self) -> str:
        return "" if self.log is None else "\n--- server log ---\n" + self.log.read_text()[-3000:]


def _contents(path: str) -> str:
    return "contents/" + urllib.parse.quote(path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_server(url: str, token: str, lab: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert lab.poll() is None, log.read_text()[-3000:]
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        assert time.monotonic() < deadline, "JupyterLab did not start in 120 s\n" + \
            log.read_text()[-3000:]
        time.sleep(0.5)


@pytest.fixture
def server(tmp_path):
    """The Jupyter server under test: ARROWROOT_JUPYTER_URL's, or a local JupyterLab."""
    url = os.environ.get("ARROWROOT_JUPYTER_URL")
    if url:
        token = os.environ.get("ARROWROOT_JUPYTER_TOKEN")
        if not token:
            pytest.fail("ARROWROOT_JUPYTER_URL is set but ARROWROOT_JUPYTER_TOKEN is not: "
                        "give the server's token (the driver's Secret jupyter-token)")
        yield Server(url.rstrip("/"), token)
        return

    root = tmp_path / "work"
    root.mkdir()
    token = secrets.token_hex(16)
    port = _free_port()
    env = dict(os.environ) | {
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_TOKEN": token,
        "PYSPARK_PYTHON": sys.executable,
        "SPARK_MASTER": "local[2]",
        # A new user: no settings of their own.
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "lab-workspaces"),
    }
    env.pop("PYSPARK_DRIVER_PYTHON", None)
    # The kernel is this venv's (ipykernel): make sure its spec points at this interpreter.
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--prefix",
                    str(tmp_path / "kernels"), "--name", "python3"], check=True, env=env,
                   capture_output=True, timeout=120)
    env["JUPYTER_PATH"] = str(tmp_path / "kernels" / "share" / "jupyter")
    log_path = tmp_path / "jupyterlab.log"
    with open(log_path, "w") as log:
        lab = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={root}",
             # Defaults that keep prompts off the page: no news toast, no build check.
             f"--LabApp.app_settings_dir={BROWSER_DIR / 'app-settings'}",
             "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
             # The workspace's removal deletes (the default would fill ~/.local/share/Trash).
             "--FileContentsManager.delete_to_trash=False"],
            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for_server(url, token, lab, log_path)
        yield Server(url, token, log_path)
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            lab.kill()
            lab.wait(timeout=30)


@pytest.fixture
def workspace(server):
    """A directory of the test's own on the server, holding the notebook and, as a checkout
    does, testdata/ above it (the notebook walks up from its directory to find testdata/).
    Removed afterwards, with any kernel session the browser left there."""
    top = f"arrowroot-browser-test-{secrets.token_hex(4)}"
    for d in (top, f"{top}/notebooks", f"{top}/testdata"):
        server.api("PUT", _contents(d), {"type": "directory"})
    server.api("PUT", _contents(f"{top}/notebooks/{NOTEBOOK.name}"),
               {"type": "notebook", "format": "json", "content": json.loads(NOTEBOOK.read_text())})
    server.api("PUT", _contents(f"{top}/testdata/{ROOT_FILE.name}"),
               {"type": "file", "format": "base64",
                "content": base64.b64encode(ROOT_FILE.read_bytes()).decode()})
    try:
        yield top
    finally:
        _remove_workspace(server, top)


def _remove_workspace(server: Server, top: str) -> None:
    """Best effort: the kernels started under ``top``, then its files, deepest first, through
    the server's API as a user would delete them (a remote server with JupyterLab's default
    delete_to_trash moves them to its user's trash). What could not be removed is printed."""
    left = []
    try:
        for s in server.api("GET", "sessions"):
            if s.get("path", "").startswith(f"{top}/"):
                server.api("DELETE", f"sessions/{s['id']}")
    except (OSError, ValueError) as e:
        left.append(f"sessions: {e}")

    def remove(path: str) -> None:
        try:
            model = server.api("GET", _contents(path) + "?content=0")
            if model["type"] == "directory":
                for item in server.api("GET", _contents(path) + "?content=1")["content"]:
                    remove(item["path"])
        except (OSError, ValueError) as e:
            left.append(f"{path}: {e}")
            return
        try:
            server.api("DELETE", _contents(path))
        except (OSError, ValueError) as e:
            left.append(f"{path}: {e}")

    remove(top)
    if left:
        print("workspace cleanup left:", *left, sep="\n  ")


def _run_browser(server: Server, notebook: str, shot: Path) -> subprocess.CompletedProcess:
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    node = shutil.which("node")
    assert Path(chromium).exists(), "chromium missing: scripts/setup installs Debian's chromium"
    assert node, "node missing"
    assert (BROWSER_DIR / "node_modules" / "playwright-core").is_dir(), (
        "playwright-core missing: scripts/setup runs `npm ci` in tests/browser")
    env = dict(os.environ) | {"CHROMIUM": chromium, "ARROWROOT_JUPYTER_TOKEN": server.token}
    # The script bounds each phase (JupyterLab ready 240 s, the run 480 s) and reports; this
    # time-out only catches a script that hangs regardless.
    try:
        res = subprocess.run(
            [node, str(BROWSER_DIR / "jupyterlab_run_notebook.mjs"), server.url, notebook,
             str(shot), EXPECTED],
            cwd=BROWSER_DIR, capture_output=True, text=True, timeout=900, env=env)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        pytest.fail(f"the browser script did not end in 900 s; it printed:\n{out}{server.log_tail()}")
    print(res.stdout)
    return res


def test_the_dimuon_notebook_runs_in_jupyterlab_with_token_auth(server, workspace):
    # Token auth is on: the API refuses a request without it.
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.urlopen(f"{server.url}/api/contents", timeout=10)
    assert denied.value.code == 403

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "jupyterlab-dimuon.png"
    shot.unlink(missing_ok=True)
    SCREENSHOTS.joinpath("jupyterlab-dimuon-failure.png").unlink(missing_ok=True)
    notebook = f"{workspace}/notebooks/{NOTEBOOK.name}"
    res = _run_browser(server, notebook, shot)
    lines = dict(line.split(": ", 1) for line in res.stdout.splitlines() if ": " in line)
    assert res.returncode == 0, (
        f"in the browser, {lines.get('failure-phase', '?')}: {lines.get('failure', '?')}\n"
        f"screenshot: {lines.get('failure-screenshot', '-')}\n\n"
        + res.stdout + res.stderr + server.log_tail())
    assert lines["login-required"] == "yes"
    assert lines["error-outputs"] == "0", res.stdout
    peak = float(re.search(r"dimuon peak at (\d+\.\d+) GeV", lines["output"]).group(1))
    assert 89.0 < peak < 93.0, peak
    assert shot.exists() and shot.stat().st_size > 20_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The notebook saved its figure next to itself.
    figure = server.api("GET", _contents(f"{workspace}/notebooks/dimuon_spectrum.png") + "?content=0")
    assert figure["size"] > 10_000, figure
