"""Shared fixtures for the Python tests of the arrowroot CLI.

These tests build nothing: they run the CLI that scripts/build made (build/arrowroot),
or the one named by the environment variable ARROWROOT_CLI.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
TESTDATA_DIR = REPO_ROOT / "testdata"

# Generous: the oracle asks for ~1500 branches at once on the biggest tree.
CLI_TIMEOUT_SECONDS = 300


@dataclass
class CliResult:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Cli:
    path: Path

    def run(self, *args: str, timeout: float = CLI_TIMEOUT_SECONDS) -> CliResult:
        argv = [str(self.path), *map(str, args)]
        proc = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        return CliResult(argv, proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def arrowroot_cli() -> Cli:
    """The arrowroot CLI binary: $ARROWROOT_CLI, else build/arrowroot. Fails if missing."""
    env = os.environ.get("ARROWROOT_CLI")
    path = Path(env) if env else REPO_ROOT / "build" / "arrowroot"
    if not path.is_absolute():
        path = REPO_ROOT / path
    if not (path.is_file() and os.access(path, os.X_OK)):
        origin = "ARROWROOT_CLI" if env else "the default location"
        pytest.fail(
            f"arrowroot CLI not found at {path} ({origin}); build it with scripts/build "
            "or point ARROWROOT_CLI at the binary",
            pytrace=False,
        )
    return Cli(path)


# --- summary of the uproot oracle, printed at the end of the run ------------------------------


@dataclass
class OracleStats:
    files: list[str] = field(default_factory=list)
    trees: int = 0
    compared: int = 0  # leaf branches uproot can read (declined ones included)
    matched: int = 0
    declined: int = 0
    mismatched: int = 0
    cannot_read: list[str] = field(default_factory=list)  # "file:tree:branch: error"
    sources: dict[str, str] = field(default_factory=dict)  # file name -> where it was found
    missing: list[str] = field(default_factory=list)


ORACLE_STATS = OracleStats()


@pytest.fixture(scope="session")
def oracle_stats() -> OracleStats:
    return ORACLE_STATS


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    s = ORACLE_STATS
    if not s.files and not s.missing:
        return
    tr = terminalreporter
    tr.section("arrowroot vs uproot oracle")
    tr.write_line(
        f"files: {len(s.files)}, trees: {s.trees}, branches compared: {s.compared} "
        f"(matched {s.matched}, declined {s.declined}, mismatched {s.mismatched}), "
        f"oracle cannot read: {len(s.cannot_read)}"
    )
    by_source: dict[str, int] = {}
    for src in s.sources.values():
        by_source[src] = by_source.get(src, 0) + 1
    if by_source:
        tr.write_line(
            "test files found in: " + ", ".join(f"{k} ({v})" for k, v in sorted(by_source.items()))
        )
    if s.missing:
        tr.write_line(f"test files not available locally: {', '.join(s.missing)}")
    for entry in s.cannot_read:
        tr.write_line(f"  oracle cannot read: {entry}")
