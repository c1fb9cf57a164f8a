"""The NanoAOD-like synthetic events of the benchmark harness (numpy only).

Imported by the writers (``gen_data.py``, run with ROOT's Python or the project's venv) and by
the harness. The content is a pure function of (seed, chunk index): every codec's file holds
exactly the same values.

Tree ``Events``, 55 branches in NanoAOD's layout (a ``UInt_t`` counter branch per collection,
then one ``Name_field[nName]/F`` or ``/I`` branch per field):

* event ids: ``run``, ``luminosityBlock`` (UInt_t), ``event`` (ULong64_t);
* collections (Poisson multiplicities): ``nMuon`` (mean 1.5) + 8 float + 3 int ``Muon_*``;
  ``nJet`` (mean 5) + 9 float + 3 int ``Jet_*``; ``nElectron`` (mean 1) + 8 float + 2 int
  ``Electron_*``;
* flat event variables: 7 ``MET_*`` and 5 float + 2 int ``PV_*``; 2 ``HLT_*`` booleans.

Every float32 value has its mantissa rounded to 10 bits, as NanoAOD stores most floats (so
that compression ratios are realistic, unlike random 23-bit mantissas).
"""

from __future__ import annotations

import numpy as np

TREE = "Events"
GENERATOR_VERSION = 1  # bump when the content changes (invalidates cached files)
CHUNK = 100_000  # events generated (and filled) at a time
MANTISSA_BITS = 10
MAX_MULTIPLICITY = 63  # Poisson tails are clipped (fixed-size fill buffers in the ROOT writer)

# (name, type): u32 = UInt_t, u64 = ULong64_t, i32 = Int_t, f32 = Float_t, bool = Bool_t
IDS = [("run", "u32"), ("luminosityBlock", "u32"), ("event", "u64")]
COLLECTIONS = {
    # name: (mean multiplicity, float fields, int fields)
    "Muon": (1.5, ["pt", "eta", "phi", "mass", "dxy", "dz", "pfRelIso04_all", "ip3d"],
             ["charge", "jetIdx", "nStations"]),
    "Jet": (5.0, ["pt", "eta", "phi", "mass", "btagDeepFlavB", "area", "chEmEF", "neEmEF", "qgl"],
            ["jetId", "nConstituents", "hadronFlavour"]),
    "Electron": (1.0, ["pt", "eta", "phi", "mass", "deltaEtaSC", "dxy", "dz", "pfRelIso03_all"],
                 ["charge", "cutBased"]),
}
FLAT = [
    ("MET_pt", "f32"), ("MET_phi", "f32"), ("MET_sumEt", "f32"), ("MET_significance", "f32"),
    ("MET_covXX", "f32"), ("MET_covXY", "f32"), ("MET_covYY", "f32"),
    ("PV_npvs", "i32"), ("PV_npvsGood", "i32"), ("PV_x", "f32"), ("PV_y", "f32"), ("PV_z", "f32"),
    ("PV_chi2", "f32"), ("PV_ndof", "f32"),
    ("HLT_IsoMu24", "bool"), ("HLT_Ele32_WPTight_Gsf", "bool"),
]


def branch_names() -> list[str]:
    """All branches in the order they are created in the file."""
    out = [n for n, _ in IDS]
    for c, (_, fs, is_) in COLLECTIONS.items():
        out.append(f"n{c}")
        out += [f"{c}_{f}" for f in fs] + [f"{c}_{f}" for f in is_]
    return out + [n for n, _ in FLAT]


# Selections measured by the harness (the counters are not named: readers fetch what they need).
SELECTIONS = {
    "all": None,  # every branch
    "5 branches": ["Muon_pt", "Muon_eta", "Muon_phi", "Muon_mass", "Muon_charge"],
    "1 jagged": ["Jet_pt"],
}


def round_mantissa(a: np.ndarray, bits: int = MANTISSA_BITS) -> np.ndarray:
    """float32 values rounded (to nearest) to ``bits`` mantissa bits, as NanoAOD does."""
    a = np.ascontiguousarray(a, dtype=np.float32)
    shift = 23 - bits
    u = a.view(np.uint32).astype(np.uint64)
    u = (u + (1 << (shift - 1))) & ~np.uint64((1 << shift) - 1)
    return u.astype(np.uint32).view(np.float32)


def _f(x) -> np.ndarray:
    return round_mantissa(np.asarray(x, dtype=np.float32))


def make_chunk(seed: int, index: int, first_event: int, n: int) -> dict:
    """Events [first_event, first_event + n) of chunk ``index``.

    Returns {"flat": {name: array}, "collections": {name: (counts uint32, {field: values})}}
    (values of a collection's field concatenated over the chunk's events).
    """
    rng = np.random.Generator(np.random.PCG64([seed, index]))
    event = np.arange(first_event, first_event + n, dtype=np.uint64)
    flat: dict[str, np.ndarray] = {
        "run": np.full(n, 1, np.uint32),
        "luminosityBlock": (1 + event // 1000).astype(np.uint32),
        "event": event,
    }
    cols = {}
    for cname, (mean, ffields, ifields) in COLLECTIONS.items():
        counts = np.minimum(rng.poisson(mean, n), MAX_MULTIPLICITY).astype(np.uint32)
        t = int(counts.sum())
        vals: dict[str, np.ndarray] = {}
        if cname == "Muon":
            vals["pt"] = _f(3.0 + rng.exponential(15.0, t))
            vals["eta"] = _f(np.clip(rng.normal(0.0, 1.2, t), -2.4, 2.4))
            vals["phi"] = _f(rng.uniform(-np.pi, np.pi, t))
            vals["mass"] = _f(np.full(t, 0.10566))
            vals["dxy"] = _f(rng.normal(0.0, 0.01, t))
            vals["dz"] = _f(rng.normal(0.0, 0.05, t))
            vals["pfRelIso04_all"] = _f(rng.exponential(0.15, t))
            vals["ip3d"] = _f(rng.exponential(0.01, t))
            vals["charge"] = rng.integers(0, 2, t, dtype=np.int32) * 2 - 1
            vals["jetIdx"] = np.where(rng.random(t) < 0.4, -1, rng.integers(0, 6, t)).astype(np.int32)
            vals["nStations"] = rng.integers(1, 5, t, dtype=np.int32)
        elif cname == "Jet":
            vals["pt"] = _f(15.0 + rng.exponential(30.0, t))
            vals["eta"] = _f(rng.uniform(-4.7, 4.7, t))
            vals["phi"] = _f(rng.uniform(-np.pi, np.pi, t))
            vals["mass"] = _f(rng.gamma(4.0, 2.5, t))
            vals["btagDeepFlavB"] = _f(rng.beta(0.5, 3.0, t))
            vals["area"] = _f(rng.normal(0.5, 0.05, t))
            vals["chEmEF"] = _f(rng.beta(1.0, 5.0, t))
            vals["neEmEF"] = _f(rng.beta(1.0, 4.0, t))
            vals["qgl"] = _f(rng.uniform(0.0, 1.0, t))
            vals["jetId"] = rng.choice(np.array([0, 2, 6], np.int32), t, p=[0.05, 0.15, 0.8])
            vals["nConstituents"] = (1 + rng.poisson(20.0, t)).astype(np.int32)
            vals["hadronFlavour"] = rng.choice(np.array([0, 4, 5], np.int32), t, p=[0.8, 0.1, 0.1])
        else:  # Electron
            vals["pt"] = _f(5.0 + rng.exponential(20.0, t))
            vals["eta"] = _f(np.clip(rng.normal(0.0, 1.3, t), -2.5, 2.5))
            vals["phi"] = _f(rng.uniform(-np.pi, np.pi, t))
            vals["mass"] = _f(rng.normal(0.000511, 0.002, t))
            vals["deltaEtaSC"] = _f(rng.normal(0.0, 0.01, t))
            vals["dxy"] = _f(rng.normal(0.0, 0.01, t))
            vals["dz"] = _f(rng.normal(0.0, 0.05, t))
            vals["pfRelIso03_all"] = _f(rng.exponential(0.1, t))
            vals["charge"] = rng.integers(0, 2, t, dtype=np.int32) * 2 - 1
            vals["cutBased"] = rng.integers(0, 5, t, dtype=np.int32)
        assert list(vals) == ffields + ifields
        cols[cname] = (counts, vals)
    npvs = rng.poisson(30.0, n).astype(np.int32)
    flat.update({
        "MET_pt": _f(rng.exponential(30.0, n)),
        "MET_phi": _f(rng.uniform(-np.pi, np.pi, n)),
        "MET_sumEt": _f(300.0 + rng.gamma(5.0, 100.0, n)),
        "MET_significance": _f(rng.exponential(3.0, n)),
        "MET_covXX": _f(rng.exponential(100.0, n)),
        "MET_covXY": _f(rng.normal(0.0, 30.0, n)),
        "MET_covYY": _f(rng.exponential(100.0, n)),
        "PV_npvs": npvs,
        "PV_npvsGood": np.maximum(0, npvs - rng.poisson(2.0, n)).astype(np.int32),
        "PV_x": _f(rng.normal(0.01, 0.002, n)),
        "PV_y": _f(rng.normal(0.04, 0.002, n)),
        "PV_z": _f(rng.normal(0.0, 3.5, n)),
        "PV_chi2": _f(rng.gamma(2.0, 0.5, n)),
        "PV_ndof": _f(2.0 * npvs + rng.normal(0.0, 1.0, n)),
        "HLT_IsoMu24": rng.random(n) < 0.3,
        "HLT_Ele32_WPTight_Gsf": rng.random(n) < 0.2,
    })
    return {"flat": flat, "collections": cols}


def chunks(seed: int, entries: int):
    """(index, first_event, n) of the chunks of a file of ``entries`` events."""
    i, done = 0, 0
    while done < entries:
        n = min(CHUNK, entries - done)
        yield i, done, n
        i, done = i + 1, done + n
