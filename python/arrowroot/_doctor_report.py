"""The doctor's report: one Check per finding (ok, warn, fail, skip; every failure with a fix)
and the Report that prints them. Shared by ``doctor`` and ``_doctor_k8s``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ._version import __version__

__all__ = ["Check", "Report", "OK", "WARN", "FAIL", "SKIP", "driver_versions",
           "version_problems"]

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
_MARK = {OK: "✔", WARN: "!", FAIL: "✘", SKIP: "-"}


@dataclass
class Check:
    name: str
    status: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        s = f"{_MARK[self.status]} {self.name}: {self.detail}"
        if self.fix and self.status in (FAIL, WARN):
            s += f"\n    fix: {self.fix}"
        return s


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.status != FAIL for c in self.checks)

    def by_name(self, name: str) -> list[Check]:
        return [c for c in self.checks if c.name == name]

    def text(self) -> str:
        n_fail = sum(c.status == FAIL for c in self.checks)
        n_warn = sum(c.status == WARN for c in self.checks)
        lines = [c.line() for c in self.checks]
        lines.append(f"{len(self.checks)} checks: {n_fail} failed, {n_warn} warnings")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps({"ok": self.ok, "checks": [c.__dict__ for c in self.checks]}, indent=2)


def driver_versions() -> tuple[str, str, str]:
    import platform

    import pyspark

    return platform.python_version(), pyspark.__version__, __version__


def version_problems(python: str, pyspark: str, arrowroot: str) -> list[str]:
    """What differs from the driver in an executor's Python (minor), pyspark and arrowroot
    versions, one "<what> <theirs> (driver <ours>)" each; [] when they agree."""
    py, sp, ar = driver_versions()
    problems = []
    if python.rsplit(".", 1)[0] != py.rsplit(".", 1)[0]:
        problems.append(f"Python {python} (driver {py})")
    if pyspark != sp:
        problems.append(f"pyspark {pyspark} (driver {sp})")
    if arrowroot != ar:
        problems.append(f"arrowroot {arrowroot} (driver {ar})")
    return problems
