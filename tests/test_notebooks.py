"""The example notebooks (examples/notebooks/*.ipynb), executed headless by scripts/run-notebooks
on the small real samples, as a user would run them; their key outputs are checked against
independent computations (uproot + NumPy on the same files).

Runtime: ~2-3 min on 2 cores (each Spark notebook starts its own local[2] session).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import awkward as ak
import numpy as np
import pytest
import uproot

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[1]
TESTDATA = REPO / "testdata"
NOTEBOOKS = sorted(p.stem for p in (REPO / "examples" / "notebooks").glob("*.ipynb"))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"



@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("notebooks")
    names = list(NOTEBOOKS)
    p = subprocess.run([str(REPO / "scripts" / "run-notebooks"), "--out", str(out),
                        "-p", "GBT_ITER=15", *names],
                       capture_output=True, text=True, timeout=900)
    return {"out": out, "names": names, "rc": p.returncode, "log": p.stdout + p.stderr[-3000:]}


def _png(path: Path) -> None:
    assert path.is_file(), f"{path} missing"
    head = path.read_bytes()[:8]
    assert head == PNG_MAGIC and path.stat().st_size > 5000, f"{path} is not a real PNG"


def test_every_notebook_runs_without_error(executed):
    assert executed["rc"] == 0, executed["log"]
    for name in executed["names"]:
        nb = json.loads((executed["out"] / name / f"{name}.ipynb").read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert code and all(c.get("execution_count") for c in code), f"{name}: a cell did not run"
        errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, f"{name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    _png(executed["out"] / "dimuon_spark" / "dimuon_spectrum.png")


def test_spark_notebooks_read_with_the_jvm_connector(executed):
    """The Spark notebooks build their session with arrowroot.spark.session(): the connector
    jar on spark.jars, and format("root") is arrowroot's JVM connector (they print which)."""
    from arrowroot import _jvm

    jar, why = _jvm.usable_jar()
    if jar is None:
        pytest.skip(f"this arrowroot has no usable connector jar: {why}")
    for name in ("dimuon_spark", "event_classifier"):
        nb = json.loads((executed["out"] / name / f"{name}.ipynb").read_text())
        text = "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                       for o in c.get("outputs", []) if o.get("output_type") == "stream")
        assert "format('root'): arrowroot's JVM connector\n" in text, f"{name}: {text[:2000]}"


def test_quick_look_cut_flow_matches_uproot(executed):
    out = executed["out"] / "quick_look"
    summary = json.loads((out / "quick_look.json").read_text())
    _png(out / "quick_look_histograms.png")
    _png(out / "quick_look_cutflow.png")

    # The same selection with uproot + awkward, written independently.
    ev = uproot.open(TESTDATA / "uproot-HZZ.root")["events"].arrays(
        ["Muon_Px", "Muon_Py", "Muon_Pz", "Muon_E", "Muon_Charge", "triggerIsoMu24"])
    mu = ak.zip({"px": ev.Muon_Px, "py": ev.Muon_Py, "pz": ev.Muon_Pz, "e": ev.Muon_E,
                 "q": ev.Muon_Charge})
    mu = mu[ak.argsort(np.hypot(mu.px, mu.py), ascending=False)]
    n = len(ev)
    expected = [n]
    sel = ak.to_numpy(ev.triggerIsoMu24).astype(bool)
    expected.append(int(sel.sum()))
    two = ak.to_numpy(ak.num(mu) >= 2)
    sel &= two
    expected.append(int(sel.sum()))
    m = ak.pad_none(mu, 2)
    a, b = m[:, 0], m[:, 1]
    pt_a = ak.to_numpy(ak.fill_none(np.hypot(a.px, a.py), 0.0))
    pt_b = ak.to_numpy(ak.fill_none(np.hypot(b.px, b.py), 0.0))
    sel &= (pt_a > 25) & (pt_b > 15)
    expected.append(int(sel.sum()))
    sel &= ak.to_numpy(ak.fill_none(a.q * b.q, 0)) < 0
    expected.append(int(sel.sum()))
    mass2 = ((a.e + b.e) ** 2 - (a.px + b.px) ** 2 - (a.py + b.py) ** 2 - (a.pz + b.pz) ** 2)
    mass = np.sqrt(np.maximum(ak.to_numpy(ak.fill_none(mass2, 0.0)), 0.0))
    sel &= (mass > 60) & (mass < 120)
    expected.append(int(sel.sum()))

    assert summary["entries"] == n
    assert list(summary["cutflow"].values()) == expected
    assert expected[-1] < expected[2] < n  # the cuts do cut


def test_event_classifier_outputs(executed):
    out = executed["out"] / "event_classifier"
    summary = json.loads((out / "event_classifier.json").read_text())
    n_sig = uproot.open(TESTDATA / "uproot-HZZ.root")["events"].num_entries
    n_bkg = uproot.open(TESTDATA / "nanoAOD_2015_CMS_Open_Data_ttbar.root")["Events"].num_entries
    assert summary["events"] == {"hzz": n_sig, "ttbar": n_bkg}
    assert summary["train_events"] + summary["test_events"] == n_sig + n_bkg
    # The real samples separate well (muon multiplicity, masses): a broken feature or label
    # pipeline gives ~0.5.
    for key in ("auc", "auc_mlp"):  # GBT and the neural network
        assert summary[key] > 0.85, summary
        assert abs(summary[key] - summary[f"{key}_spark"]) < 0.02, summary
    for png in summary["pngs"]:
        _png(out / png)

    # The Parquet features: partitioned by sample, one row per input event, finite values.
    import pyarrow.dataset as ds

    parquet = Path(summary["features_out"])
    assert sorted(p.name for p in parquet.glob("sample=*")) == ["sample=hzz", "sample=ttbar"]
    table = ds.dataset(parquet, partitioning="hive").to_table()
    assert table.num_rows == n_sig + n_bkg
    for name in summary["feature_importance"]:
        col = table.column(name).to_numpy()
        assert np.isfinite(col).all(), name
    # One feature checked event by event: the number of muons with pT > 5 GeV in the signal.
    hzz = table.filter(ds.field("sample") == "hzz").column("n_mu").to_numpy()
    ev = uproot.open(TESTDATA / "uproot-HZZ.root")["events"].arrays(["Muon_Px", "Muon_Py"])
    ref = ak.to_numpy(ak.sum(np.hypot(ev.Muon_Px, ev.Muon_Py) > 5.0, axis=1))
    assert sorted(hzz.tolist()) == sorted(ref.tolist())


def test_quick_look_reads_s3_like_local(executed, tmp_path):
    """The quick look on s3:// (the test servers' Ceph RGW; endpoint and keys as AWS_* variables,
    as a user sets them) gives the same entries and cut flow as on the local file."""
    need = ["ARROWROOT_TEST_S3_ENDPOINT", "ARROWROOT_TEST_S3_BUCKET", "ARROWROOT_TEST_S3_ACCESS_KEY",
            "ARROWROOT_TEST_S3_SECRET_KEY"]
    missing = [n for n in need if not os.environ.get(n)]
    if missing:
        pytest.fail(f"{', '.join(missing)} not set: start the test servers with "
                    "`scripts/test-servers start` and `eval \"$(scripts/test-servers env)\"`")
    env = dict(os.environ, AWS_ENDPOINT_URL=os.environ["ARROWROOT_TEST_S3_ENDPOINT"],
               AWS_ACCESS_KEY_ID=os.environ["ARROWROOT_TEST_S3_ACCESS_KEY"],
               AWS_SECRET_ACCESS_KEY=os.environ["ARROWROOT_TEST_S3_SECRET_KEY"],
               AWS_REGION=os.environ.get("ARROWROOT_TEST_S3_REGION", "us-east-1"))
    url = f"s3://{os.environ['ARROWROOT_TEST_S3_BUCKET']}/uproot-HZZ.root"
    p = subprocess.run([str(REPO / "scripts" / "run-notebooks"), "--out", str(tmp_path),
                        "-p", f"QUICKLOOK_FILE={url}", "quick_look"],
                       capture_output=True, text=True, timeout=300, env=env)
    assert p.returncode == 0, p.stdout + p.stderr[-3000:]
    remote = json.loads((tmp_path / "quick_look" / "quick_look.json").read_text())
    local = json.loads((executed["out"] / "quick_look" / "quick_look.json").read_text())
    assert remote["file"] == url
    assert (remote["entries"], remote["cutflow"]) == (local["entries"], local["cutflow"])
