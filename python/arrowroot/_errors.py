"""Exceptions raised by arrowroot.

Every error the engine reports is an :class:`Error`; the subclass says what kind of failure it
is, and the message carries the same context as the CLI's (file, tree, branch, basket, byte
range) plus what to do about it. Each instance also has ``code`` (``"not_found"``,
``"corruption"``, ...) and ``retryable`` (True when trying again may help, e.g. a network blip).
"""

from __future__ import annotations

from . import _core

__all__ = [
    "Error",
    "NotFoundError",
    "MissingFileError",
    "CorruptionError",
    "UnsupportedError",
    "ArrowrootIOError",
    "InvalidArgumentError",
    "CancelledError",
]


class Error(Exception):
    """Base class of every arrowroot error."""

    code: str = "error"
    retryable: bool = False


class NotFoundError(Error, KeyError):
    """No such file, object, tree or branch. Also a KeyError, so ``file["nope"]`` behaves
    like a dict lookup; the message lists what does exist."""

    code = "not_found"

    def __str__(self) -> str:
        # KeyError.__str__ would show repr() of the message, quotes and escaped newlines.
        return str(self.args[0]) if self.args else ""


class MissingFileError(NotFoundError, FileNotFoundError):
    """The file does not exist. Both a NotFoundError and the built-in FileNotFoundError."""

    code = "not_found"

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class CorruptionError(Error):
    """The bytes contradict the ROOT format (a truncated or damaged file)."""

    code = "corruption"


class UnsupportedError(Error):
    """Valid ROOT that arrowroot does not decode (yet); other columns stay readable."""

    code = "unsupported"


class ArrowrootIOError(Error, OSError):
    """The storage failed: a file that cannot be opened or read, a network error."""

    code = "io_error"

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class InvalidArgumentError(Error, ValueError):
    """A bad argument: an entry range, a step size, a library name, ..."""

    code = "invalid_argument"


class CancelledError(Error):
    """The read was cancelled."""

    code = "cancelled"


for _cls in (Error, NotFoundError, MissingFileError, CorruptionError, UnsupportedError,
             ArrowrootIOError, InvalidArgumentError, CancelledError):
    _cls.__module__ = "arrowroot"

_core._register_errors(
    {
        "error": Error,
        "io_error": ArrowrootIOError,
        "not_found": NotFoundError,
        "corruption": CorruptionError,
        "unsupported": UnsupportedError,
        "invalid_argument": InvalidArgumentError,
        "cancelled": CancelledError,
    }
)
