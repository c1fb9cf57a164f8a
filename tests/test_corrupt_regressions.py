"""Damaged files that once crashed the CLI or read wrong values, from tests/corrupt_corpus.py.

Each case is named by its corpus id and must now fail cleanly: exit 1, one error line naming
the file, no sanitizer report (run with the ARROWROOT_SANITIZE=ON CLI for those).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import corrupt_corpus
from conftest import Cli
from test_corrupt_corpus import check_case

REGRESSIONS = {
    # A branch's fBasketSeek pointing at another branch's basket of the same size: the CLI
    # printed py1's values as px1's (exit 0). Fixed: the basket key's fName and fSeekKey must
    # match the branch and the seek (DecodeBasketKey(raw, seek, branch_name)).
    "uproot-Zmumu-uncompressed.root/seek/ttree[events].branch[px1].fBasketSeek[0]->same-size[py1#0]":
        "wrong values",
    "uproot-HZZ-lz4.root/seek/ttree[events].branch[Jet_Py].fBasketSeek[0]->same-size[Jet_Pz#0]":
        "wrong values",
    "uproot-nesteddirs.root/seek/ttree[three/tree].branch[I16].fBasketSeek[0]->same-size[U16#0]":
        "wrong values",
    # The key of directory one/two pointing at its parent's record: one/two/tree read
    # one/tree (exit 0, other values). Fixed: a subdirectory's keys list must be named after it
    # and written for its record (fSeekPdir, fSeekKey; ReadDirectoryKeys), and its record must
    # name its key (fSeekDir).
    "uproot-nesteddirs.root/seek/key[two].fSeekKey->parent-dir": "wrong values",
    # fBasketEntry[0] = INT64_MIN: entry_stop - entry_start overflowed (UBSan, LoadBasket).
    # Fixed: ListBaskets rejects negative entry numbers.
    "uproot-sample-6.20.04-lz4.root/field/ttree[sample].branch[ai1].fBasketEntry[0]=int64min":
        "signed overflow",
    "uproot-nesteddirs.root/field/ttree[three/tree].branch[I16].fBasketEntry[0]=int64min":
        "signed overflow",
    # A flipped bit made a branch name hold control bytes; the error "line" then had several
    # lines. Fixed: Main's fail() turns every control character into a space, not only '\n'.
    "uproot-nesteddirs.root/bitflip/ttree[three/tree].flip@10989": "multi-line error",
    # `ls` reported a broken TTree record without naming the file (RunLs).
    "uproot-HZZ.root/field/key[/:events].fObjlen=double": "ls error without the file name",
    "uproot-nesteddirs.root/bitflip/ttree[one/two/tree]@10848^2": "ls error without the file name",
}


@pytest.fixture(scope="module")
def corpus() -> dict[str, corrupt_corpus.Case]:
    return {c.id: c for c in corrupt_corpus.cases(full=True)}


@pytest.mark.parametrize("case_id", sorted(REGRESSIONS))
def test_corrupt_regression(arrowroot_cli: Cli, corpus, case_id: str, tmp_path: Path):
    assert case_id in corpus, f"the corpus no longer generates {case_id}"
    case = corpus[case_id]
    outcome = check_case(arrowroot_cli.path, case, tmp_path)
    assert not outcome.problems, "\n".join(outcome.problems)
    # Every run that reads the damaged part fails (cleanly); nothing reads wrong values.
    assert outcome.errors >= 1
