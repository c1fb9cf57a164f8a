"""Storage options and paths: the one Python table of storage-option keys, path and URL checks,
``FILE:OBJECT`` splitting and glob expansion.

The bottom of the pure-Python package: it imports only the extension and the error classes, and
every other module (``_api``, ``_copy``, ``spark``, ``doctor``) takes these from here. The
extension parses the same keys again in C++ (python/ext: each key to its engine setting, and
unknown keys rejected with the list of known ones); this table says which type each key takes,
so a wrong type is a TypeError naming the key before the extension sees it.
"""

from __future__ import annotations

import glob as _glob
import operator
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import _core
from ._errors import InvalidArgumentError, NotFoundError

__all__ = ["STORAGE_KEYS", "CREDENTIAL_KEYS", "check_storage_options", "storage_option_from_text",
           "check_path", "split_object", "has_glob", "expand_glob"]


@dataclass(frozen=True)
class _Key:
    """One storage option: its type, its smallest value (numbers; ``strict``: excluded) and,
    for another spelling of a key, the key it spells."""

    kind: type
    low: float | None = None
    strict: bool = False
    alias_of: str | None = None


_SECONDS = _Key(float, 0.0, strict=True)

# Keys as s3fs spells them, then the other spellings the engine accepts (boto's, AWS's).
_KEYS: dict[str, _Key] = {
    "endpoint_url": _Key(str),
    "region": _Key(str),
    "key": _Key(str),
    "secret": _Key(str),
    "token": _Key(str),
    "profile": _Key(str),
    "anon": _Key(bool),
    "addressing": _Key(str),
    "ca_bundle": _Key(str),
    "verify": _Key(bool),
    "connect_timeout": _SECONDS,
    "read_timeout": _SECONDS,
    "retries": _Key(int, 0),
    "max_retry_time": _Key(float, 0.0),
    "max_gap_bytes": _Key(int, 0),
    "max_waste_ratio": _Key(float, 0.0),
    "max_request_bytes": _Key(int, 1),
    "max_requests_in_flight": _Key(int, 1),
    "max_prefetch_bytes": _Key(int, 0),
    "region_name": _Key(str, alias_of="region"),
    "access_key_id": _Key(str, alias_of="key"),
    "aws_access_key_id": _Key(str, alias_of="key"),
    "secret_access_key": _Key(str, alias_of="secret"),
    "aws_secret_access_key": _Key(str, alias_of="secret"),
    "session_token": _Key(str, alias_of="token"),
    "aws_session_token": _Key(str, alias_of="token"),
    "anonymous": _Key(bool, alias_of="anon"),
}

#: The storage-option keys in their s3fs spelling (no aliases): the ones Spark takes as options.
STORAGE_KEYS = frozenset(k for k, spec in _KEYS.items() if spec.alias_of is None)
#: Every spelling of the credentials (key, secret, session token).
CREDENTIAL_KEYS = frozenset(k for k, spec in _KEYS.items()
                            if (spec.alias_of or k) in ("key", "secret", "token"))

_TRUE_TEXT = ("1", "true", "yes", "on")
# URL schemes whose globs the engine expands by listing (byte_source/open.cc Glob).
_LISTED_SCHEMES = ("s3", "hdfs", "webhdfs", "swebhdfs")


def check_storage_options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """``storage_options`` checked against the table: a dict without the None values, ints and
    floats normalised. A wrong type is a TypeError naming the key, a value out of range an
    InvalidArgumentError; unknown keys pass (the engine rejects them with the list of known
    ones). Values are never echoed (they may be keys and secrets)."""
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise TypeError(f"storage_options must be a dict (or None), not {type(options).__name__}")
    out: dict[str, Any] = {}
    for key, value in options.items():
        if not isinstance(key, str):
            raise TypeError(f"storage_options keys are str, not {type(key).__name__}")
        if value is None:
            continue  # as if not given
        spec = _KEYS.get(key)
        out[key] = value if spec is None else _checked(f"storage_options[{key!r}]", spec, value)
    return out


def _checked(where: str, spec: _Key, value: Any) -> Any:
    if spec.kind is str:
        if not isinstance(value, str):
            raise TypeError(f"{where} must be a str, not {type(value).__name__}")
        return value
    if spec.kind is bool:
        if not isinstance(value, bool):
            raise TypeError(f"{where} must be True or False, not {type(value).__name__}")
        return value
    if spec.kind is int:
        if isinstance(value, bool) or not hasattr(value, "__index__"):
            raise TypeError(f"{where} must be an int, not {type(value).__name__}")
        value = operator.index(value)
        if not spec.low <= value < 2**62:
            raise InvalidArgumentError(f"{where} = {value} is out of range ({spec.low} to 2**62)")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{where} must be a number, not {type(value).__name__}")
    low, strict = spec.low, spec.strict
    if not (value > low if strict else value >= low) or value != value or value > 1e9:
        raise InvalidArgumentError(
            f"{where} = {value!r} must be {'>' if strict else '>='} {low:g} and finite")
    return float(value)


def storage_option_from_text(key: str, text: Any) -> Any:
    """A storage option given as text (a Spark option or configuration entry) in its type:
    booleans from 1/true/yes/on (anything else is False), numbers by int()/float()."""
    kind = _KEYS[key].kind if key in _KEYS else str
    if kind is bool:
        return str(text).strip().lower() in _TRUE_TEXT
    if kind is int:
        return int(text)
    if kind is float:
        return float(text)
    return str(text)


def check_path(path: Any, what: str = "path") -> str:
    """A str path or URL from str, bytes or os.PathLike; TypeError naming `what` otherwise."""
    if isinstance(path, (str, bytes, os.PathLike)):
        return os.fsdecode(path)
    raise TypeError(f"{what} must be a str, bytes or os.PathLike path or URL, "
                    f"not {type(path).__name__}")


def split_object(spec: str) -> tuple[str, str | None]:
    """``"dir/*.root:Events"`` → ("dir/*.root", "Events"). In a URL only a colon inside the
    path counts (not "://" nor a port: ``https://host:8080/f.root``)."""
    start = 0
    scheme = spec.find("://")
    if scheme > 0:
        slash = spec.find("/", scheme + 3)
        if slash < 0:
            return spec, None
        start = slash
    i = spec.rfind(":")
    if i <= start:
        return spec, None
    return spec[:i], spec[i + 1 :] or None


def has_glob(pattern: str) -> bool:
    """True when `pattern` has a wildcard (``*``, ``?`` or ``[``)."""
    return _glob.has_magic(pattern)


def expand_glob(pattern: str, storage_options: Mapping[str, Any] | None = None) -> list[str]:
    """The paths or URLs matching `pattern`, sorted; the pattern itself when it has no
    wildcard. Local paths and ``file://`` URLs are expanded here (``~`` too), ``s3://`` (with
    ListObjectsV2) and ``hdfs://`` (WebHDFS) by the engine; other URLs (``http(s)://``: HTTP has
    no listing) stay as they are. NotFoundError when nothing matches."""
    if not has_glob(pattern):
        return [pattern]
    file_url = pattern.startswith("file://")
    if "://" in pattern and not file_url:
        if pattern.split("://", 1)[0].lower() in _LISTED_SCHEMES:
            return list(_core.glob(pattern, check_storage_options(storage_options)))
        return [pattern]  # no listing (http, https); other schemes fail when opened
    local = pattern[len("file://"):] if file_url else pattern
    matches = sorted(_glob.glob(os.path.expanduser(local)))
    if not matches:
        raise NotFoundError(f"no file matches '{pattern}'")
    return ["file://" + m for m in matches] if file_url else matches
