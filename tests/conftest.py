"""Shared fixtures for the Python tests of the arrowroot CLI.

These tests build nothing: they run the CLI that scripts/build made (build/arrowroot),
or the one named by the environment variable ARROWROOT_CLI.

Also the session-wide secrets scan (SECRETS_SCAN, see tests/test_secrets.py): everything the
tests print, log or raise is recorded and, at the end, searched for the S3 secret key and any
other secret a test registered; one hit fails the run.
"""

from __future__ import annotations

import logging
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

    def run(self, *args: str, timeout: float = CLI_TIMEOUT_SECONDS,
            env: dict[str, str] | None = None) -> CliResult:
        """Run the CLI; ``env`` (optional) replaces the environment."""
        argv = [str(self.path), *map(str, args)]
        proc = _ORIGINAL_RUN(  # subprocess.run, recorded here as "cli" rather than "subprocess"
            argv,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        SECRETS_SCAN.add(f"cli {args[0] if args else ''}", proc.stdout + proc.stderr)
        return CliResult(argv, proc.returncode, proc.stdout, proc.stderr)


# --- secrets scan: what the session printed, logged and raised --------------------------------


class Secret(str):
    """A secret string whose repr() hides it: pytest prints the arguments of every frame of a
    failure's traceback (and the operands of a failed assert) with repr()."""

    def __repr__(self) -> str:
        return "Secret('***')"


START_TEST_SERVERS = ("start the test servers with `scripts/test-servers start` and "
                      "`eval \"$(scripts/test-servers env)\"` (scripts/test does both)")


def require_env(name: str, start: str = START_TEST_SERVERS) -> str:
    """A variable from `scripts/test-servers env` (or what `start` says starts it); fails,
    naming the command, when it is unset."""
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: {start}")
    return value


def s3_test_settings() -> dict[str, str]:
    """The test RGW's endpoint, bucket, keys and region; the secret key as a Secret (repr()
    hides it)."""
    out = {name: require_env(f"ARROWROOT_TEST_S3_{name.upper()}")
           for name in ("endpoint", "bucket", "access_key", "secret_key", "region")}
    out["secret_key"] = Secret(out["secret_key"])
    return out


class SecretsScan:
    """Every text recorded is searched at once for the secrets registered so far (a secret
    registered later cannot be in earlier output: tests register theirs before using them);
    hits and characters are counted per source kind. The texts are also kept (up to
    KEEP_CHARS in all) for the final test's checks that the scan saw what it should."""

    KEEP_CHARS = 64 << 20

    def __init__(self) -> None:
        self.texts: dict[str, list[str]] = {}
        self.chars: dict[str, int] = {}
        self._kept = 0
        self._secrets: dict[str, str] = {}  # value -> name (the name may be printed)
        self._hits: dict[tuple[str, str], int] = {}  # (secret name, source) -> count
        # Markers: strings that must appear (what the scan has to see to be meaningful),
        # counted per source like the secrets, so the check does not depend on KEEP_CHARS (a
        # full run records far more than is kept).
        self._markers: dict[str, dict[str, int]] = {}
        self.files_scanned: list[str] = []

    def add(self, source: str, text: str | bytes | None) -> None:
        if not text:
            return
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        kind = source.split(" ")[0]
        self.chars[kind] = self.chars.get(kind, 0) + len(text)
        for value, name in self._secrets.items():
            n = text.count(value)
            if n:
                self._hits[(name, kind)] = self._hits.get((name, kind), 0) + n
        for marker, counts in self._markers.items():
            n = text.count(marker)
            if n:
                counts[kind] = counts.get(kind, 0) + n
        if self._kept + len(text) <= self.KEEP_CHARS:
            self._kept += len(text)
            self.texts.setdefault(kind, []).append(text)

    def add_secret(self, name: str, value: str | None) -> None:
        """Register a secret (a value that must never be printed); empty values are ignored."""
        if value:
            self._secrets[str(value)] = name

    def secret_names(self) -> list[str]:
        return sorted(set(self._secrets.values()))

    def add_spark_logs(self) -> None:
        """The Spark standalone cluster's daemon and executor logs (tests/spark), if any."""
        d = os.environ.get("ARROWROOT_SPARK_CLUSTER_DIR")
        if not d or not Path(d).is_dir():
            return
        for f in [*Path(d, "logs").glob("*"), *Path(d, "work").rglob("std*")]:
            if f.is_file() and str(f) not in self.files_scanned:
                self.files_scanned.append(str(f))
                self.add("spark-log", f.read_bytes())

    def add_marker(self, marker: str) -> None:
        """Count `marker` in everything recorded from now on (see marker_sources)."""
        self._markers.setdefault(marker, {})

    def marker_sources(self, marker: str) -> dict[str, int]:
        """How often a registered marker was recorded, per source kind."""
        return dict(self._markers.get(marker, {}))

    def contains(self, needle: str) -> bool:
        if needle in self._markers:
            return bool(self._markers[needle])
        return any(needle in t for ts in self.texts.values() for t in ts)

    def leaks(self) -> list[str]:
        """'<secret name> in <source>' for every hit (the value itself is never shown)."""
        return [f"{name} in {source} output ({n} times)"
                for (name, source), n in sorted(self._hits.items())]

    def scope(self) -> dict[str, int]:
        """Characters scanned per source kind."""
        return dict(sorted(self.chars.items()))


SECRETS_SCAN = SecretsScan()
SECRETS_SCAN.add_secret("the test S3 secret key", os.environ.get("ARROWROOT_TEST_S3_SECRET_KEY"))
SECRETS_SCAN.add_secret("AWS_SECRET_ACCESS_KEY", os.environ.get("AWS_SECRET_ACCESS_KEY"))
SECRETS_SCAN.add_secret("AWS_SESSION_TOKEN", os.environ.get("AWS_SESSION_TOKEN"))
# The secret tests/spark/test_spark_source.py puts in its Spark configuration.
SECRETS_SCAN.add_secret("the Spark conf secret", "conf-secret-must-not-show")
# What the final scan must have seen: the S3 objects read and a 403 (tests/test_secrets.py).
SECRETS_SCAN.add_marker("SignatureDoesNotMatch")
if os.environ.get("ARROWROOT_TEST_S3_BUCKET"):
    SECRETS_SCAN.add_marker(f"s3://{os.environ['ARROWROOT_TEST_S3_BUCKET']}/")


@pytest.fixture(scope="session")
def secrets_scan() -> SecretsScan:
    return SECRETS_SCAN


class _RecordLogs(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            SECRETS_SCAN.add("log", self.format(record))
        except Exception:  # noqa: BLE001 - a log record that cannot be formatted
            pass


_LOG_HANDLER = _RecordLogs()
_ORIGINAL_RUN = subprocess.run


def _recording_run(*args, **kwargs):
    """subprocess.run that records what a captured child printed (not its arguments)."""
    try:
        proc = _ORIGINAL_RUN(*args, **kwargs)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        SECRETS_SCAN.add("subprocess", e.stdout)
        SECRETS_SCAN.add("subprocess", e.stderr)
        raise
    SECRETS_SCAN.add("subprocess", proc.stdout)
    SECRETS_SCAN.add("subprocess", proc.stderr)
    return proc


def _record_arrowroot_errors() -> None:
    """Every arrowroot.Error constructed in this process (raised or caught by pytest.raises)."""
    try:
        import arrowroot
    except ImportError:
        return
    cls = arrowroot.Error
    if getattr(cls, "_secrets_scan_wrapped", False):
        return

    def __init__(self, *args, **kwargs):
        # The next __init__ in the instance's MRO, as without this wrapper (OSError's for
        # ArrowrootIOError, KeyError's for NotFoundError).
        super(cls, self).__init__(*args, **kwargs)
        SECRETS_SCAN.add("exception", " ".join(map(str, args)))

    cls.__init__ = __init__
    cls._secrets_scan_wrapped = True


def pytest_configure(config):
    config.addinivalue_line("markers", "secrets_scan_last: runs after every other test")
    logging.getLogger().addHandler(_LOG_HANDLER)
    subprocess.run = _recording_run
    _record_arrowroot_errors()


def pytest_unconfigure(config):
    logging.getLogger().removeHandler(_LOG_HANDLER)
    subprocess.run = _ORIGINAL_RUN


def pytest_collection_modifyitems(session, config, items):
    last = [i for i in items if i.get_closest_marker("secrets_scan_last")]
    items[:] = [i for i in items if not i.get_closest_marker("secrets_scan_last")] + last


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # Captured stdout/stderr (file descriptors: the C++ and JVM output too) and log records of
    # this phase, and the failure's traceback with its exception text.
    for title, content in report.sections:
        if title.endswith(report.when):  # each report repeats the earlier phases' sections
            SECRETS_SCAN.add(f"captured {title}", content)
    if report.longrepr is not None:
        SECRETS_SCAN.add("traceback", report.longreprtext)


def pytest_sessionfinish(session, exitstatus):
    # Output that came after the final scan (teardown of the last fixtures, Spark logs).
    SECRETS_SCAN.add_spark_logs()
    leaks = SECRETS_SCAN.leaks()
    if leaks:
        tr = session.config.pluginmanager.get_plugin("terminalreporter")
        if tr is not None:
            tr.write_line(f"secrets scan: FAILED: {'; '.join(leaks)}", red=True)
        session.exitstatus = 1


def cli_path() -> Path:
    """Where the CLI binary is: $ARROWROOT_CLI (relative to the repository), else
    build/arrowroot."""
    env = os.environ.get("ARROWROOT_CLI")
    path = Path(env) if env else REPO_ROOT / "build" / "arrowroot"
    return path if path.is_absolute() else REPO_ROOT / path


@pytest.fixture(scope="session")
def arrowroot_cli() -> Cli:
    """The arrowroot CLI binary: $ARROWROOT_CLI, else build/arrowroot. Fails if missing."""
    path = cli_path()
    if not (path.is_file() and os.access(path, os.X_OK)):
        origin = "ARROWROOT_CLI" if os.environ.get("ARROWROOT_CLI") else "the default location"
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


# Faults injected by tests/test_s3_faults.py: (test name, {kind: count}), printed at the end.
FAULTS_TALLY: list[tuple[str, dict[str, int]]] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if FAULTS_TALLY:
        totals: dict[str, int] = {}
        for _, injected in FAULTS_TALLY:
            for kind, n in injected.items():
                totals[kind] = totals.get(kind, 0) + n
        terminalreporter.section("S3 faults injected (tests/test_s3_faults.py)")
        terminalreporter.write_line(
            f"{sum(totals.values())} in {len(FAULTS_TALLY)} tests: "
            + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    scope = SECRETS_SCAN.scope()
    if SECRETS_SCAN.secret_names() and scope:
        leaks = SECRETS_SCAN.leaks()
        terminalreporter.section("secrets scan")
        terminalreporter.write_line(
            f"{', '.join(SECRETS_SCAN.secret_names())}: "
            f"{'LEAKED: ' + '; '.join(leaks) if leaks else 'no hit'} in "
            f"{sum(scope.values())} characters ("
            + ", ".join(f"{k} {v}" for k, v in scope.items())
            + f"; {len(SECRETS_SCAN.files_scanned)} Spark log files)")
    _oracle_summary(terminalreporter)


def _oracle_summary(terminalreporter):
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
