"""arrowroot.copy(): the engine of `arrowroot cp` from Python."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import _core
from ._errors import ArrowrootIOError, InvalidArgumentError
from ._options import CREDENTIAL_KEYS, check_storage_options

__all__ = ["copy", "CopySummary"]


@dataclass(frozen=True)
class CopySummary:
    """What arrowroot.copy() did. ``ok`` is True when no file failed."""

    files: int
    copied: int
    skipped: int
    failed: int
    bytes: int
    bytes_copied: int
    seconds: float
    mb_per_s: float
    retries: int
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]?)(?:i?b)?\s*$", re.IGNORECASE)


def _part_size(part_size: int | str) -> int:
    """8MiB, "64M", 8 * 2**20 → bytes; units are binary, as in `arrowroot cp --part-size`."""
    if isinstance(part_size, bool):
        raise TypeError("part_size must be an int or a str like '8MiB'")
    if isinstance(part_size, int):
        return part_size
    if not isinstance(part_size, str) or not (m := _SIZE.match(part_size)):
        raise InvalidArgumentError(f"part_size={part_size!r} is not a size like '8MiB' or '64M'")
    return int(m.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30}[m.group(2).lower()]


class CopyError(ArrowrootIOError):
    """Some files could not be copied or verified; ``summary`` says which."""

    def __init__(self, message: str, summary: CopySummary):
        super().__init__(message)
        self.summary = summary


def copy(src: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
         dest: str | os.PathLike[str], *, recursive: bool = False, include: str | None = None,
         jobs: int = 4, part_size: int | str = "8MiB", verify: str = "checksum",
         resume: bool = False, dry_run: bool = False, progress: bool = False,
         storage_options: Mapping[str, Any] | None = None, check: bool = True) -> CopySummary:
    """Copy ROOT files (any files) from local disk, http(s)://, hdfs:// (WebHDFS) or s3:// to
    s3:// or a local directory, as ``arrowroot cp`` does.

    ``verify`` is "none", "size", "checksum" (default) or "root" (open each copy and read every
    key and basket). ``resume`` skips targets that already have the same size and checksum.
    S3 credentials come from the environment or the AWS profile only; ``storage_options`` may
    set the endpoint, region, profile and timeouts. With ``check`` (default) a failed file
    raises :class:`CopyError` (its ``summary`` attribute has the details).
    """
    sources = [os.fspath(src)] if isinstance(src, (str, os.PathLike)) else [os.fspath(s) for s in src]
    if not sources:
        raise InvalidArgumentError("copy() needs at least one source")
    opts = check_storage_options(storage_options)
    # Credentials come from the environment or the AWS profile, never from arguments.
    given = sorted(CREDENTIAL_KEYS & set(opts))
    if given:
        raise InvalidArgumentError(
            f"copy() takes no credentials in storage_options ({', '.join(given)}): set "
            "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or use a profile")
    size = _part_size(part_size)
    if isinstance(jobs, bool) or not isinstance(jobs, int):
        raise TypeError(f"jobs must be an int, not {type(jobs).__name__}")
    d = _core.copy(sources, os.fspath(dest), bool(recursive), include or "", jobs, size, verify,
                   bool(resume), bool(dry_run), bool(progress), opts)
    summary = CopySummary(**d)
    if check and not summary.ok:
        errors = "; ".join(r["error"] for r in summary.results if r["state"] == "failed")
        raise CopyError(f"{summary.failed} of {summary.files} files failed: {errors}", summary)
    return summary
