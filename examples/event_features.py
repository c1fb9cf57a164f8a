"""Per-event high-level features for the event classifier, as Spark DataFrame expressions.

Used by examples/notebooks/event_classifier.ipynb and by the benchmark's ``ml`` section (so the
benchmark times exactly the notebook's ingest + feature step). No Python UDFs: every feature is
a Catalyst expression over the columns arrowroot's ``format("root")`` hands Spark, so it runs in
the JVM on the executors.

Two input layouts of real CMS samples (scikit-hep-testdata), and the files
examples/generate_events.py writes from them:

- ``hzz``: the CMS HEP-tutorial ntuple (``uproot-HZZ.root``, tree ``events``): four-vectors as
  jagged ``Muon_Px/Py/Pz/E``, absolute isolation ``Muon_Iso``; jets ``Jet_Px/Py/Pz/E``;
  ``MET_px``, ``MET_py``; electrons ``Electron_Px/Py/Pz/E``.
- ``nanoaod``: CMS NanoAOD (``nanoAOD_2015_CMS_Open_Data_ttbar.root``, tree ``Events``):
  ``Muon_pt/eta/phi/mass``, relative isolation ``Muon_pfRelIso03_all``; ``Jet_pt/eta/phi/mass``;
  ``MET_pt``; ``Electron_pt``.

Both are first mapped to the same objects (arrays of structs ``pt, px, py, pz, e, iso`` sorted
by decreasing pT), then one set of features is computed from those:

================  ==========================================================================
n_mu, n_el        muons (pT > 5 GeV) and electrons (pT > 7 GeV)
n_jet             jets with pT > 30 GeV
mu1_pt, mu2_pt    leading and subleading muon pT (0 when absent)
mu1_eta           leading muon pseudorapidity (0 when absent)
mu1_iso, mu2_iso  relative isolation of the two leading muons (isolation-like quantity)
m_mumu            invariant mass of the two leading muons (0 with fewer than two)
pt_mumu           pT of the two-muon system
m_allmu           invariant mass of all selected muons (the 4-muon mass for H -> ZZ -> 4mu)
met               missing transverse momentum
ht                scalar sum of selected jet pT
jet1_pt           leading jet pT (0 when absent)
================  ==========================================================================
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

FEATURES = ["n_mu", "n_el", "n_jet", "mu1_pt", "mu2_pt", "mu1_eta", "mu1_iso", "mu2_iso",
            "m_mumu", "pt_mumu", "m_allmu", "met", "ht", "jet1_pt"]

MUON_PT, ELECTRON_PT, JET_PT = 5.0, 7.0, 30.0  # GeV

# The branches each layout needs (only these are read: column pruning).
BRANCHES = {
    "hzz": ["Muon_Px", "Muon_Py", "Muon_Pz", "Muon_E", "Muon_Iso", "Jet_Px", "Jet_Py", "Jet_Pz",
            "Jet_E", "Electron_Px", "Electron_Py", "MET_px", "MET_py"],
    "nanoaod": ["Muon_pt", "Muon_eta", "Muon_phi", "Muon_mass", "Muon_pfRelIso03_all", "Jet_pt",
                "Jet_eta", "Jet_phi", "Jet_mass", "Electron_pt", "MET_pt"],
}


def _d(c: Column) -> Column:
    return c.cast("double")


def _from_cartesian(px: str, py: str, pz: str, e: str, iso: str | None) -> Column:
    """array<struct<pt, px, py, pz, e, iso>> from four-vector arrays (iso: absolute -> relative)."""
    cols = [px, py, pz, e] + ([iso] if iso else [])
    names = ["px", "py", "pz", "e"] + (["iso"] if iso else [])
    zipped = F.arrays_zip(*[F.col(c).alias(n) for c, n in zip(cols, names)])

    def one(o: Column) -> Column:
        pt = F.sqrt(_d(o["px"]) ** 2 + _d(o["py"]) ** 2)
        rel = (_d(o["iso"]) / pt) if iso else F.lit(0.0)
        return F.struct(pt.alias("pt"), _d(o["px"]).alias("px"), _d(o["py"]).alias("py"),
                        _d(o["pz"]).alias("pz"), _d(o["e"]).alias("e"), rel.alias("iso"))

    return F.transform(zipped, one)


def _from_polar(pt: str, eta: str, phi: str, mass: str, iso: str | None) -> Column:
    """array<struct<pt, px, py, pz, e, iso>> from (pt, eta, phi, mass) arrays."""
    cols = [pt, eta, phi, mass] + ([iso] if iso else [])
    names = ["pt", "eta", "phi", "m"] + (["iso"] if iso else [])
    zipped = F.arrays_zip(*[F.col(c).alias(n) for c, n in zip(cols, names)])

    def one(o: Column) -> Column:
        p, eta_, phi_, m = _d(o["pt"]), _d(o["eta"]), _d(o["phi"]), _d(o["m"])
        px, py, pz = p * F.cos(phi_), p * F.sin(phi_), p * F.sinh(eta_)
        e = F.sqrt(px ** 2 + py ** 2 + pz ** 2 + m ** 2)
        return F.struct(p.alias("pt"), px.alias("px"), py.alias("py"), pz.alias("pz"),
                        e.alias("e"), (_d(o["iso"]) if iso else F.lit(0.0)).alias("iso"))

    return F.transform(zipped, one)


def objects(df: DataFrame, layout: str, keep: list[str] | tuple[str, ...] = ()) -> DataFrame:
    """Columns ``muons``, ``jets`` (pT-sorted, selected), ``n_el`` and ``met`` for ``layout``,
    plus the ``keep`` columns unchanged."""
    if layout == "hzz":
        muons = _from_cartesian("Muon_Px", "Muon_Py", "Muon_Pz", "Muon_E", "Muon_Iso")
        jets = _from_cartesian("Jet_Px", "Jet_Py", "Jet_Pz", "Jet_E", None)
        el_pt = F.transform(F.arrays_zip(F.col("Electron_Px").alias("x"), F.col("Electron_Py").alias("y")),
                            lambda o: F.sqrt(_d(o["x"]) ** 2 + _d(o["y"]) ** 2))
        met = F.sqrt(_d(F.col("MET_px")) ** 2 + _d(F.col("MET_py")) ** 2)
    elif layout == "nanoaod":
        muons = _from_polar("Muon_pt", "Muon_eta", "Muon_phi", "Muon_mass", "Muon_pfRelIso03_all")
        jets = _from_polar("Jet_pt", "Jet_eta", "Jet_phi", "Jet_mass", None)
        el_pt = F.transform(F.col("Electron_pt"), _d)
        met = _d(F.col("MET_pt"))
    else:
        raise ValueError(f"unknown layout {layout!r}: one of {sorted(BRANCHES)}")
    # sort_array on structs orders by the first field (pt); descending = leading first.
    return df.select(
        *keep,
        F.sort_array(F.filter(muons, lambda m: m["pt"] > MUON_PT), asc=False).alias("muons"),
        F.sort_array(F.filter(jets, lambda j: j["pt"] > JET_PT), asc=False).alias("jets"),
        F.size(F.filter(el_pt, lambda p: p > ELECTRON_PT)).alias("n_el"),
        met.alias("met"))


def _mass(e: Column, px: Column, py: Column, pz: Column) -> Column:
    return F.sqrt(F.greatest(e ** 2 - px ** 2 - py ** 2 - pz ** 2, F.lit(0.0)))


def features(df: DataFrame, layout: str, keep: list[str] | tuple[str, ...] = ()) -> DataFrame:
    """One row per event with the FEATURES columns (doubles/ints), plus the ``keep`` columns."""
    o = objects(df, layout, keep)
    mu, jet = F.col("muons"), F.col("jets")
    n_mu = F.size(mu)
    m1, m2 = F.get(mu, 0), F.get(mu, 1)  # NULL when absent
    sum_mu = F.aggregate(mu, F.struct(F.lit(0.0).alias("e"), F.lit(0.0).alias("px"),
                                      F.lit(0.0).alias("py"), F.lit(0.0).alias("pz")),
                         lambda acc, m: F.struct((acc["e"] + m["e"]).alias("e"),
                                                 (acc["px"] + m["px"]).alias("px"),
                                                 (acc["py"] + m["py"]).alias("py"),
                                                 (acc["pz"] + m["pz"]).alias("pz")))
    two = n_mu >= 2
    eta1 = F.asinh(m1["pz"] / m1["pt"])
    out = {
        "n_mu": n_mu,
        "n_el": F.col("n_el"),
        "n_jet": F.size(jet),
        "mu1_pt": F.coalesce(m1["pt"], F.lit(0.0)),
        "mu2_pt": F.coalesce(m2["pt"], F.lit(0.0)),
        "mu1_eta": F.coalesce(eta1, F.lit(0.0)),
        "mu1_iso": F.coalesce(m1["iso"], F.lit(0.0)),
        "mu2_iso": F.coalesce(m2["iso"], F.lit(0.0)),
        "m_mumu": F.when(two, _mass(m1["e"] + m2["e"], m1["px"] + m2["px"], m1["py"] + m2["py"],
                                    m1["pz"] + m2["pz"])).otherwise(0.0),
        "pt_mumu": F.when(two, F.sqrt((m1["px"] + m2["px"]) ** 2 + (m1["py"] + m2["py"]) ** 2)
                          ).otherwise(0.0),
        "m_allmu": F.when(two, _mass(sum_mu["e"], sum_mu["px"], sum_mu["py"], sum_mu["pz"])
                          ).otherwise(0.0),
        "met": F.col("met"),
        "ht": F.aggregate(jet, F.lit(0.0), lambda acc, j: acc + j["pt"]),
        "jet1_pt": F.coalesce(F.get(jet, 0)["pt"], F.lit(0.0)),
    }
    return o.select(*keep, *[out[name].alias(name) for name in FEATURES])
