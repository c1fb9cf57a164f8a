"""scripts/check-layers: the engine's include graph points one way (docs/architecture.md).

It passes on this tree, and fails, naming the file, line and rule, on each kind of upward
include planted in a copy of the sources.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "check-layers"


def run(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "--root", str(root)],
                          capture_output=True, text=True, timeout=60)


@pytest.fixture()
def tree_copy(tmp_path: Path) -> Path:
    """The parts of the repository the check reads, copied."""
    for part in ("cpp/src", "cpp/include", "examples", "jvm/native"):
        shutil.copytree(REPO / part, tmp_path / part)
    return tmp_path


def plant(root: Path, rel: str, include: str) -> None:
    path = root / rel
    text = path.read_text()
    first = text.index("#include")
    path.write_text(text[:first] + f'#include "{include}"\n' + text[first:])


def test_passes_on_this_tree():
    r = run(REPO)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "every include points down" in r.stdout


@pytest.mark.parametrize("rel, include, rule", [
    ("cpp/src/arrowroot/root_format/basket.cc", "arrowroot/scan/tree_reader.h",
     "root_format may not include scan (scan is above it)"),
    ("cpp/src/arrowroot/common/bytes.cc", "arrowroot/byte_source/byte_source.h",
     "common may not include byte_source"),
    ("cpp/src/arrowroot/to_arrow/decode.cc", "arrowroot/byte_source/open.h",
     "to_arrow may not include byte_source"),
    ("cpp/src/arrowroot/root_format/key.cc", "arrowroot/byte_source/open.h",
     "root_format sees only byte_source/byte_source.h"),
    ("cpp/src/arrowroot/scan/read_plan.cc", "arrowroot/arrowroot.h",
     "may not include the public API above it"),
    ("cpp/include/arrowroot/arrowroot.h", "arrowroot/scan/tree_reader.h",
     "a public header includes only other public headers"),
    ("examples/dimuon_spectrum.cc", "arrowroot/root_format/root_file.h",
     "examples/ builds on the public API only"),
    ("jvm/native/spark_layout.cc", "arrowroot/to_arrow/arrow_array.h",
     "jvm/native/ builds on the public API only"),
])
def test_fails_on_an_upward_include(tree_copy: Path, rel: str, include: str, rule: str):
    plant(tree_copy, rel, include)
    r = run(tree_copy)
    assert r.returncode == 1, r.stdout + r.stderr
    lines = [line for line in r.stdout.splitlines() if line.startswith(rel + ":")]
    assert len(lines) == 1, r.stdout
    assert f'includes "{include}"' in lines[0] and rule in lines[0], lines[0]
    assert "1 include(s) break the layering" in r.stderr


def test_tests_and_benchmarks_may_reach_across(tree_copy: Path):
    """A test sets up what it checks with whatever it needs; only library files are held."""
    plant(tree_copy, "cpp/src/arrowroot/root_format/root_format_test.cc",
          "arrowroot/scan/tree_reader.h")
    assert run(tree_copy).returncode == 0
