"""The extended oracle's own checks (tests/corpus_oracle.py), on files of testdata/: it can
fail, it counts a dying reader as a crash, and its second opinion accepts only what the
file holds. The run over the whole corpus is its own stage in scripts/test."""

from __future__ import annotations

import os

import pytest

import corpus_oracle
from conftest import TESTDATA_DIR
from oracle_common import addressed_names, read_with_uproot, second_opinion


def _outcomes(result: dict) -> dict[str, str]:
    return {f"{t['tree']}:{name}": rec.get("outcome")
            for t in result["trees"] for name, rec in t["branches"].items()}


def test_a_file_compares_branch_by_branch():
    result = corpus_oracle.run([TESTDATA_DIR / "uproot-HZZ.root"], jobs=1, timeout=120)[0]
    outcomes = _outcomes(result)
    assert result["problems"] == []
    assert outcomes["events;1:Muon_Px"] == corpus_oracle.IDENTICAL
    assert set(outcomes.values()) == {corpus_oracle.IDENTICAL}
    summary = corpus_oracle.summarize([result])
    assert summary["identical"] == len(outcomes) > 40
    assert summary["crashes"] == summary["hangs"] == 0


def test_a_dying_reader_is_a_crash(monkeypatch):
    monkeypatch.setenv("ARROWROOT_ORACLE_SELF_TEST", "crash")
    result = corpus_oracle.run([TESTDATA_DIR / "uproot-HZZ.root"], jobs=1, timeout=120)[0]
    assert result.get("crash") is True
    assert "died" in result["problems"][0]
    summary = corpus_oracle.summarize([result])
    assert summary["crashes"] == 1
    assert corpus_oracle.problems([result])  # reported, and main() exits 1 on it


def test_a_hang_is_reported(monkeypatch):
    result = corpus_oracle.run([TESTDATA_DIR / "uproot-HZZ.root"], jobs=1, timeout=0.01)[0]
    assert result.get("hang") is True


def test_skip_missing_says_why(tmp_path, capsys):
    assert corpus_oracle.main(["--corpus", str(tmp_path / "nowhere"), "--skip-missing"]) == 0
    assert "skipped" in capsys.readouterr().out


def test_duplicate_names_are_addressed_by_position():
    paths = ["Particle", "Particle/Particle.PT", "Particle_size", "Particle",
             "Particle/Particle.PT", "Particle_size"]
    assert addressed_names(paths) == ["Particle", "Particle/Particle.PT", "Particle_size",
                                      "Particle;2", "Particle;2/Particle.PT", "Particle_size;2"]


def test_second_opinion_accepts_the_file_and_nothing_else():
    # ROOT::Math vectors: uproot's default (strided) reading ignores the class checksum; its
    # member-by-member reading agrees with arrowroot, and a changed value is refused.
    import arrowroot

    path = str(TESTDATA_DIR / "uproot-issue-513.root")
    up = read_with_uproot(path, "TrkAnaNeg/trkana")
    name = "demcent/_mom"
    ours = arrowroot.open(path)["TrkAnaNeg/trkana"].arrays([name]).column(0).to_pylist()
    assert up.values[name] != ours
    assert up.second_opinion(name, ours) is not None
    changed = [dict(v) for v in ours]
    changed[3] = {"fCoordinates": {**ours[3]["fCoordinates"], "fY": 0.5}}
    assert up.second_opinion(name, changed) is None


def test_second_opinion_on_fbits_checks_counts():
    import arrowroot

    path = str(TESTDATA_DIR / "uproot-issue513.root")
    up = read_with_uproot(path, "Delphes")
    name = "Track/Track.fBits"
    ours = arrowroot.open(path)["Delphes"].arrays([name]).column(0).to_pylist()
    tracks = arrowroot.open(path)["Delphes"].arrays(["Track"]).column(0).to_pylist()
    assert [len(v) for v in ours] == tracks  # one fBits per track (uproot has more)
    assert up.second_opinion(name, ours) is not None
    one_short = [v[:-1] for v in ours]
    assert second_opinion(up.tree, up.objects[name], name, one_short) is None


@pytest.mark.skipif(not corpus_oracle.corpus_dir().is_dir(),
                    reason="no ../shared/testdata/corpus (a user's clone has none)")
def test_corpus_is_where_the_stage_looks():
    files = corpus_oracle.corpus_files(corpus_oracle.corpus_dir())
    assert len(files) >= 100, os.fspath(corpus_oracle.corpus_dir())
