#!/usr/bin/env python3
"""Deterministic, larger signal and background ROOT files from the real samples, for scale runs
of the event classifier (examples/notebooks/event_classifier.ipynb) and the ``ml`` benchmark.

The real samples (scikit-hep-testdata, bundled in testdata/) are small: 2,421 simulated
H -> ZZ events (``uproot-HZZ.root``) and 200 CMS 2015 open-data tt̄ events
(``nanoAOD_2015_CMS_Open_Data_ttbar.root``). This script resamples them:

1. read the branches the classifier uses (``event_features.BRANCHES``) with arrowroot;
2. draw ``--events`` events with replacement (NumPy ``default_rng(seed)``; the signal uses
   ``seed``, the background ``seed + 1``);
3. rotate each drawn event by its own random azimuthal angle (every object and the MET by the
   same angle: invariant masses, pT, η, isolation and multiplicities are unchanged, so the
   physics of each event is preserved while the copies are not byte-identical);
4. write them with uproot's writer in chunks of ``--chunk`` events (one TBasket per branch per
   chunk), keeping each sample's branch layout (jagged counters are written as ``nMuon``,
   ``nJet``, ``nElectron``).

The same ``--seed``, ``--events`` and ``--chunk`` give the same events on every machine.

    python examples/generate_events.py --events 1000000 --out build/ml-data
    # -> build/ml-data/signal_hzz.root (tree "events"), build/ml-data/background_ttbar.root
    #    (tree "Events")
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import awkward as ak
import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

# name -> (input file, tree, layout); output file name
SAMPLES = {
    "signal": ("uproot-HZZ.root", "events", "hzz", "signal_hzz.root"),
    "background": ("nanoAOD_2015_CMS_Open_Data_ttbar.root", "Events", "nanoaod", "background_ttbar.root"),
}
# Collections per layout: prefix -> fields (branch = prefix_field).
COLLECTIONS = {
    "hzz": {"Muon": ["Px", "Py", "Pz", "E", "Iso"], "Jet": ["Px", "Py", "Pz", "E"],
            "Electron": ["Px", "Py"]},
    "nanoaod": {"Muon": ["pt", "eta", "phi", "mass", "pfRelIso03_all"],
                "Jet": ["pt", "eta", "phi", "mass"], "Electron": ["pt"]},
}
FLAT = {"hzz": ["MET_px", "MET_py"], "nanoaod": ["MET_pt"]}


def read_sample(path: Path, tree: str, layout: str) -> dict[str, ak.Array]:
    import arrowroot

    branches = [f"{p}_{f}" for p, fs in COLLECTIONS[layout].items() for f in fs] + FLAT[layout]
    with arrowroot.open(str(path)) as f:
        arrays = f[tree].arrays(branches, library="ak")
    return {b: arrays[b] for b in branches}


def resample(data: dict[str, ak.Array], layout: str, idx: np.ndarray,
             angle: np.ndarray) -> dict[str, ak.Array | np.ndarray]:
    """The events ``idx``, each rotated in phi by ``angle``, as uproot writer input."""
    cos, sin = np.cos(angle), np.sin(angle)
    out: dict = {}
    for prefix, fields in COLLECTIONS[layout].items():
        cols = {f: data[f"{prefix}_{f}"][idx] for f in fields}
        if "Px" in cols:  # cartesian: rotate (px, py)
            px, py = cols["Px"], cols["Py"]
            cols["Px"] = px * cos - py * sin
            cols["Py"] = px * sin + py * cos
        if "phi" in cols:  # polar: shift phi, back into (-pi, pi]
            phi = cols["phi"] + angle
            cols["phi"] = np.arctan2(np.sin(phi), np.cos(phi))
        out[prefix] = ak.zip({f: ak.values_astype(c, np.float32) for f, c in cols.items()})
    for name in FLAT[layout]:
        out[name] = np.asarray(data[name])[idx].astype(np.float32)
    if layout == "hzz":
        mx, my = out["MET_px"], out["MET_py"]
        out["MET_px"] = (mx * cos - my * sin).astype(np.float32)
        out["MET_py"] = (mx * sin + my * cos).astype(np.float32)
    return out


def generate(events: int, out_dir: Path, seed: int = 20_261_126, chunk: int = 100_000,
             samples: list[str] | None = None, progress: bool = True,
             testdata: Path = REPO / "testdata") -> dict[str, Path]:
    """Write the resampled files; returns {sample: path}."""
    import uproot
    from tqdm.auto import tqdm

    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for k, name in enumerate(samples or list(SAMPLES)):
        src, tree, layout, out_name = SAMPLES[name]
        data = read_sample(testdata / src, tree, layout)
        n_real = len(next(iter(data.values())))
        rng = np.random.default_rng(seed + k)
        path = out_dir / out_name
        tmp = path.with_suffix(".root.tmp")
        with uproot.recreate(tmp) as fout, tqdm(total=events, unit="ev", desc=f"{name} -> {out_name}",
                                                disable=not progress) as bar:
            done = 0
            while done < events:
                n = min(chunk, events - done)
                idx = rng.integers(0, n_real, n)
                angle = rng.uniform(-np.pi, np.pi, n)
                block = resample(data, layout, idx, angle)
                if done == 0:  # mktree: a TTree (assigning arrays may write an RNTuple)
                    fout.mktree(tree, {k: (v.type if isinstance(v, ak.Array) else v.dtype)
                                       for k, v in block.items()})
                fout[tree].extend(block)
                done += n
                bar.update(n)
        tmp.replace(path)
        written[name] = path
    return written


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=1_000_000, help="events per sample (default 1,000,000)")
    p.add_argument("--out", type=Path, default=REPO / "build" / "ml-data", help="output directory")
    p.add_argument("--seed", type=int, default=20_261_126)
    p.add_argument("--chunk", type=int, default=100_000, help="events per basket (default 100,000)")
    p.add_argument("--samples", default="signal,background", help="comma-separated: signal,background")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    a = p.parse_args()
    if a.events <= 0 or a.chunk <= 0:
        p.error("--events and --chunk must be positive")
    names = [s for s in a.samples.split(",") if s]
    bad = [s for s in names if s not in SAMPLES]
    if bad:
        p.error(f"--samples: unknown {bad}; choose from {', '.join(SAMPLES)}")
    for name, path in generate(a.events, a.out, a.seed, a.chunk, names, not a.quiet).items():
        print(f"{name}: {path} ({path.stat().st_size / 1e6:.1f} MB, {a.events:,} events)")


if __name__ == "__main__":
    main()
