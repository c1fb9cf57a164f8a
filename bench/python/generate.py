"""Generate big synthetic NanoAOD-like ROOT files for the Python benchmarks.

    .venv/bin/python bench/python/generate.py [--data-dir build/bench-data] [--compression none]

Writes, with uproot's TTree writer (``uproot.recreate`` + ``mktree`` + ``extend`` in chunks, so
generation holds one chunk in memory at a time):

* ``big.root``: about 1 GB (``--big-mb``), for iterate_memory.py;
* ``small_0.root`` ... ``small_3.root``: about 100 MB each (``--small-mb``, ``--small-count``),
  for threads.py;

each with a tree ``Events`` of NanoAOD-like branches: flat ``int32``/``int64``/``float32``/
``bool`` event variables, and two jagged collections with their counters,
``nMuon`` + ``Muon_{pt,eta,phi,mass,pfRelIso04_all}`` (``var * float32``) + ``Muon_charge``
(``var * int32``), and ``nJet`` + ``Jet_{pt,eta,phi,mass,btagDeepFlavB}`` + ``Jet_jetId``.

Compression: none by default, so the file is ~1 GB both on disk and decoded, and the benchmarks
measure the reader rather than zlib; uproot also writes uncompressed data ~7x faster (~100 MB/s
here vs ~17 MB/s with zlib:1, where zlib:1 makes these files ~35% smaller: random float32
mantissas barely compress, the constant and small-integer branches do). ``--compression zlib:1``
(or ``lz4:1``, ``zstd:1``, ``lzma:1``) writes compressed files instead, into a sub-directory of
the data dir (``<data-dir>/zlib-1/``); pass that directory as ``--data-dir`` to the other scripts.

Reproducible: every file's data come from numpy's PCG64 seeded with (``--seed``, file number).
A file is not regenerated when ``manifest.json`` in the data dir records it with the same
parameters and the file on disk has the recorded size and number of entries.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import awkward as ak
import numpy as np
import uproot

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DEFAULT_DATA_DIR, MANIFEST, MB, TREE  # noqa: E402

GENERATOR_VERSION = 1  # bump when the content of the generated data changes

MUON_MEAN = 2.5  # Poisson mean of muons per event
JET_MEAN = 6.0  # Poisson mean of jets per event

FLAT = {
    "run": "int32",
    "luminosityBlock": "int32",
    "event": "int64",
    "MET_pt": "float32",
    "MET_phi": "float32",
    "MET_sumEt": "float32",
    "PV_npvs": "int32",
    "PV_z": "float32",
    "Pileup_nTrueInt": "float32",
    "HLT_IsoMu24": "bool",
}
MUON = "var * {pt: float32, eta: float32, phi: float32, mass: float32, pfRelIso04_all: float32, charge: int32}"
JET = "var * {pt: float32, eta: float32, phi: float32, mass: float32, btagDeepFlavB: float32, jetId: int32}"


def bytes_per_event() -> float:
    """Expected uncompressed bytes per event in the ROOT file (and, within a few %, of the
    decoded Arrow table): flat values; a 4-byte counter per collection; per jagged branch its
    values plus a 4-byte entry offset (ROOT) / list offset (Arrow) per event."""
    flat = 4 + 4 + 8 + 4 + 4 + 4 + 4 + 4 + 4 + 1
    counters = 4 + 4
    jagged = 6 * (4 * MUON_MEAN + 4) + 6 * (4 * JET_MEAN + 4)
    return flat + counters + jagged


def make_chunk(rng: np.random.Generator, first_event: int, n: int) -> dict:
    """n events starting at event number first_event."""
    f32 = np.float32
    event = np.arange(first_event, first_event + n, dtype=np.int64)

    def collection(mean: float, fields) -> ak.Array:
        counts = rng.poisson(mean, n).astype(np.int32)
        total = int(counts.sum())
        return ak.zip({k: ak.unflatten(make(total), counts) for k, make in fields.items()})

    muons = collection(MUON_MEAN, {
        "pt": lambda t: (3.0 + rng.exponential(20.0, t)).astype(f32),
        "eta": lambda t: np.clip(rng.normal(0.0, 1.2, t), -2.4, 2.4).astype(f32),
        "phi": lambda t: rng.uniform(-np.pi, np.pi, t).astype(f32),
        "mass": lambda t: np.full(t, 0.10566, f32),
        "pfRelIso04_all": lambda t: rng.exponential(0.1, t).astype(f32),
        "charge": lambda t: (rng.integers(0, 2, t, dtype=np.int32) * 2 - 1),
    })
    jets = collection(JET_MEAN, {
        "pt": lambda t: (15.0 + rng.exponential(30.0, t)).astype(f32),
        "eta": lambda t: rng.uniform(-4.7, 4.7, t).astype(f32),
        "phi": lambda t: rng.uniform(-np.pi, np.pi, t).astype(f32),
        "mass": lambda t: (rng.gamma(4.0, 2.5, t)).astype(f32),
        "btagDeepFlavB": lambda t: rng.beta(0.5, 3.0, t).astype(f32),
        "jetId": lambda t: rng.choice(np.array([0, 2, 6], np.int32), t, p=[0.05, 0.15, 0.8]),
    })
    return {
        "run": np.full(n, 1, np.int32),
        "luminosityBlock": (1 + event // 1000).astype(np.int32),
        "event": event,
        "MET_pt": rng.exponential(30.0, n).astype(f32),
        "MET_phi": rng.uniform(-np.pi, np.pi, n).astype(f32),
        "MET_sumEt": (300.0 + rng.gamma(5.0, 100.0, n)).astype(f32),
        "PV_npvs": rng.poisson(25.0, n).astype(np.int32),
        "PV_z": rng.normal(0.0, 3.5, n).astype(f32),
        "Pileup_nTrueInt": rng.normal(30.0, 5.0, n).astype(f32),
        "HLT_IsoMu24": rng.random(n) < 0.3,
        "Muon": muons,
        "Jet": jets,
    }


def compression_of(spec: str):
    if spec == "none":
        return None
    algo, _, level = spec.partition(":")
    classes = {"zlib": uproot.ZLIB, "lzma": uproot.LZMA, "lz4": uproot.LZ4, "zstd": uproot.ZSTD}
    if algo not in classes:
        raise SystemExit(f"--compression {spec!r}: use none, zlib:N, lzma:N, lz4:N or zstd:N")
    return classes[algo](int(level or 1))


def write_file(path: Path, entries: int, chunk: int, seed: tuple[int, int], compression: str) -> None:
    rng = np.random.Generator(np.random.PCG64(list(seed)))
    tmp = path.with_name(path.name + ".part")
    with uproot.recreate(tmp, compression=compression_of(compression)) as f:
        tree = f.mktree(TREE, {**FLAT, "Muon": MUON, "Jet": JET}, title="NanoAOD-like synthetic events")
        done = 0
        while done < entries:
            n = min(chunk, entries - done)
            tree.extend(make_chunk(rng, done, n))  # one basket per branch per call
            done += n
    os.replace(tmp, path)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                   help=f"where to write (default {DEFAULT_DATA_DIR}, git-ignored)")
    p.add_argument("--big-mb", type=float, default=1000, help="size of big.root, MB (default 1000)")
    p.add_argument("--small-mb", type=float, default=100, help="size of each small file, MB (default 100)")
    p.add_argument("--small-count", type=int, default=4, help="number of small files (default 4)")
    p.add_argument("--basket-entries", type=int, default=100_000,
                   help="entries per extend() call = per basket (default 100000: ~2.4 MB Jet_pt baskets)")
    p.add_argument("--compression", default="none", help="none (default), zlib:1, lz4:1, zstd:1, lzma:1")
    p.add_argument("--seed", type=int, default=20240601)
    p.add_argument("--force", action="store_true", help="regenerate even if the files look right")
    args = p.parse_args()

    data_dir: Path = args.data_dir
    if args.compression != "none":
        data_dir = data_dir / args.compression.replace(":", "-")
    data_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = data_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"files": {}}

    per_event = bytes_per_event()

    def entries_for(mb: float) -> int:
        return max(1, int(round(mb * MB / per_event)))  # the last basket may be partial

    plan = [("big", args.big_mb, 0)] + [
        (f"small_{i}", args.small_mb, i + 1) for i in range(args.small_count)
    ]
    print(f"data dir: {data_dir}")
    print(f"expected ~{per_event:.0f} bytes/event uncompressed; compression: {args.compression}; "
          f"basket = {args.basket_entries} entries; seed {args.seed}")
    t_all = time.perf_counter()
    for name, mb, index in plan:
        params = {
            "generator_version": GENERATOR_VERSION,
            "entries": entries_for(mb),
            "basket_entries": args.basket_entries,
            "compression": args.compression,
            "seed": [args.seed, index],
            "tree": TREE,
        }
        path = data_dir / f"{name}.root"
        old = manifest["files"].get(name)
        if not args.force and old and old.get("params") == params and path.exists() \
                and path.stat().st_size == old["bytes"]:
            with uproot.open(path) as f:
                if f[TREE].num_entries == params["entries"]:
                    print(f"  {path.name:<14} exists: {params['entries']:>10,} entries, "
                          f"{old['bytes'] / MB:8,.1f} MB on disk (skipped)")
                    continue
        t0 = time.perf_counter()
        write_file(path, params["entries"], args.basket_entries, (args.seed, index), args.compression)
        dt = time.perf_counter() - t0
        size = path.stat().st_size
        manifest["files"][name] = {"file": path.name, "bytes": size, "params": params,
                                   "seconds": round(dt, 2)}
        tmp = manifest_path.with_suffix(".json.part")
        tmp.write_text(json.dumps(manifest, indent=2) + "\n")
        os.replace(tmp, manifest_path)
        print(f"  {path.name:<14} written: {params['entries']:>10,} entries, {size / MB:8,.1f} MB "
              f"on disk in {dt:6.1f} s ({size / MB / dt:6.1f} MB/s)")
    print(f"done in {time.perf_counter() - t_all:.1f} s; manifest: {manifest_path}")


if __name__ == "__main__":
    main()
