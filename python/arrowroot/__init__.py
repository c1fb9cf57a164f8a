"""arrowroot: read CERN ROOT files (TTree, RNTuple) into Apache Arrow with a native C++ engine.

>>> import arrowroot
>>> with arrowroot.open("Zmumu.root") as f:
...     tree = f["events"]
...     tree.show()
...     table = tree.arrays(["px1", "py1"])            # a pyarrow.Table
...     muons = tree.arrays(["px1"], library="ak")     # an awkward.Array
>>> for batch in arrowroot.iterate("data/*.root:Events", ["Muon_pt"], step_size="100 MB"):
...     ...

Every table, batch and stream hands its buffers to pyarrow, polars, pandas, duckdb and awkward
without copying (Arrow PyCapsule protocol). Errors are :class:`arrowroot.Error` subclasses.
"""

from __future__ import annotations

from ._errors import (
    ArrowrootIOError,
    CancelledError,
    CorruptionError,
    Error,
    InvalidArgumentError,
    MissingFileError,
    NotFoundError,
    UnsupportedError,
)
from ._api import ArrowStream, File, Tree, concatenate, iterate, open, parse_memory_size
from ._copy import CopyError, CopySummary, copy
from ._version import __version__

__all__ = [
    "open",
    "iterate",
    "concatenate",
    "File",
    "Tree",
    "ArrowStream",
    "parse_memory_size",
    "copy",
    "CopySummary",
    "CopyError",
    "Error",
    "NotFoundError",
    "MissingFileError",
    "CorruptionError",
    "UnsupportedError",
    "ArrowrootIOError",
    "InvalidArgumentError",
    "CancelledError",
    "__version__",
]
