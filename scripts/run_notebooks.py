"""scripts/run-notebooks: execute examples/notebooks/*.ipynb headless (see that script)."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "examples" / "notebooks"


def run(name: str, out_root: Path, params: dict[str, str], timeout: int) -> tuple[bool, float, str]:
    src = NOTEBOOKS / f"{name}.ipynb"
    out_dir = out_root / name
    out_dir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(src, as_version=4)
    # The kernel inherits this process's environment: parameters, where outputs go, the repo.
    env = {"NB_OUTPUT_DIR": str(out_dir), "ARROWROOT_REPO": str(REPO),
           "MPLBACKEND": "Agg", "ROOT_FILES": str(REPO / "testdata" / "uproot-Zmumu.root")}
    env.update(params)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    t0 = time.perf_counter()
    ok, error = True, ""
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(out_dir)}}).execute()
    except CellExecutionError as e:
        ok, error = False, re.sub(r"\x1b\[[0-9;]*m", "", str(e).strip().splitlines()[-1])[:500]
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        nbformat.write(nb, out_dir / f"{name}.ipynb")
    return ok, time.perf_counter() - t0, error


def main() -> int:
    p = argparse.ArgumentParser(description="Run the example notebooks headless.")
    p.add_argument("notebooks", nargs="*", help="names (default: every examples/notebooks/*.ipynb)")
    p.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE",
                   help="an environment variable for the notebooks (repeatable)")
    p.add_argument("--out", type=Path, default=REPO / "build" / "notebooks")
    p.add_argument("--timeout", type=int, default=1800, help="seconds per cell (default 1800)")
    a = p.parse_args()
    known = sorted(x.stem for x in NOTEBOOKS.glob("*.ipynb"))
    names = [n.removesuffix(".ipynb") for n in a.notebooks] or known
    bad = [n for n in names if n not in known]
    if bad or any("=" not in kv for kv in a.param):
        print(f"run-notebooks: unknown notebook(s) {bad}; known: {', '.join(known)}"
              if bad else "run-notebooks: parameters are KEY=VALUE", file=sys.stderr)
        return 2
    params = dict(kv.split("=", 1) for kv in a.param)
    failed = []
    for name in names:
        print(f"run-notebooks: {name} ...", flush=True)
        ok, seconds, error = run(name, a.out.resolve(), params, a.timeout)
        print(f"run-notebooks: {name} {'ok' if ok else 'FAILED'} in {seconds:.1f} s"
              f"{': ' + error if error else ''} -> {a.out / name}", flush=True)
        if not ok:
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
