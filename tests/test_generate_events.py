"""examples/generate_events.py: the deterministic generator behind the event classifier's scale
runs and the ``ml`` benchmark. Seconds: a few thousand events."""

from __future__ import annotations

import sys
from pathlib import Path

import awkward as ak
import numpy as np
import pytest
import uproot

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "examples"))

import generate_events  # noqa: E402


def _hzz(path: Path, tree: str = "events") -> dict:
    a = uproot.open(path)[tree].arrays(["Muon_Px", "Muon_Py", "Muon_Pz", "Muon_E", "MET_px", "MET_py"])
    e, px, py, pz = (ak.sum(ak.values_astype(a[f"Muon_{k}"], np.float64), axis=1)
                     for k in ("E", "Px", "Py", "Pz"))
    return {"n_mu": ak.to_numpy(ak.num(a.Muon_E)),
            "mass": np.sqrt(np.maximum(ak.to_numpy(e ** 2 - px ** 2 - py ** 2 - pz ** 2), 0)),
            "met": np.hypot(ak.to_numpy(a.MET_px), ak.to_numpy(a.MET_py)),
            "px": ak.to_numpy(ak.flatten(a.Muon_Px))}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    base = tmp_path_factory.mktemp("gen")
    a = generate_events.generate(3000, base / "a", seed=5, chunk=1000, progress=False)
    b = generate_events.generate(3000, base / "b", seed=5, chunk=1000, progress=False)
    c = generate_events.generate(3000, base / "c", seed=6, chunk=1000, progress=False,
                                 samples=["signal"])
    return a, b, c


def test_same_seed_same_events_other_seed_other_events(generated):
    a, b, c = generated
    for name, (_, tree, _, _) in generate_events.SAMPLES.items():
        ta = uproot.open(a[name])[tree]
        tb = uproot.open(b[name])[tree]
        assert ta.num_entries == tb.num_entries == 3000
        assert ta.keys() == tb.keys()
        for key in ta.keys():
            assert ak.array_equal(ta[key].array(), tb[key].array()), (name, key)
    assert not np.array_equal(_hzz(a["signal"])["px"], _hzz(c["signal"])["px"])


def test_resampled_events_keep_their_physics(generated):
    """Every generated event is a real one rotated in phi: the muon multiplicity, the invariant
    mass of all muons and the MET magnitude each match some source event; momenta differ."""
    src = _hzz(REPO / "testdata" / "uproot-HZZ.root")
    gen = _hzz(generated[0]["signal"])
    assert set(gen["n_mu"]) <= set(src["n_mu"])
    # (the mass of events with >= 2 muons: a lone muon's float32 E^2 - p^2 is rounding noise)
    for key, sel_src, sel_gen in (("mass", src["n_mu"] >= 2, gen["n_mu"] >= 2),
                                  ("met", slice(None), slice(None))):
        ref, values = np.sort(src[key][sel_src]), gen[key][sel_gen]
        i = np.clip(np.searchsorted(ref, values), 1, len(ref) - 1)
        nearest = np.minimum(abs(ref[i] - values), abs(ref[i - 1] - values))
        assert (nearest <= 1e-3 * np.maximum(values, 1.0)).all(), key
    assert len(np.intersect1d(gen["px"], src["px"])) < 0.05 * len(gen["px"])  # rotated


def test_files_are_ttrees_that_arrowroot_reads(generated):
    import arrowroot

    for name, (_, tree, layout, _) in generate_events.SAMPLES.items():
        with arrowroot.open(str(generated[0][name])) as f:
            t = f[tree]
            assert t.num_entries == 3000
            cols = [f"{p}_{x}" for p, xs in generate_events.COLLECTIONS[layout].items() for x in xs]
            table = t.arrays(cols)
            ref = uproot.open(generated[0][name])[tree].arrays(cols)
            for col in cols:
                assert table.column(col).to_pylist() == ak.to_list(ref[col]), (name, col)
