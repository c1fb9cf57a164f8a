"""Turning Arrow data from the engine into what the caller asked for (``library=...``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from ._errors import InvalidArgumentError, UnsupportedError

# Accepted spellings of each library, as uproot accepts them.
_LIBRARIES = {
    "pa": "pa",
    "pyarrow": "pa",
    "arrow": "pa",
    "pd": "pd",
    "pandas": "pd",
    "np": "np",
    "numpy": "np",
    "ak": "ak",
    "awkward": "ak",
}


def check_library(library: str) -> str:
    """The canonical short name of ``library``, or InvalidArgumentError naming the choices."""
    key = _LIBRARIES.get(library.lower()) if isinstance(library, str) else None
    if key is None:
        raise InvalidArgumentError(
            f"library={library!r} is not one of 'pa' (pyarrow.Table), 'pd' (pandas.DataFrame), "
            "'np' (dict of numpy arrays) or 'ak' (awkward.Array)"
        )
    return key


def convert(table: pa.Table, library: str) -> Any:
    """``table`` (a pyarrow.Table) in the form ``library`` names (already checked)."""
    if library == "pa":
        return table
    if library == "pd":
        return _to_pandas(table)
    if library == "np":
        return {name: _column_to_numpy(name, table.column(name)) for name in table.column_names}
    if library == "ak":
        try:
            import awkward as ak
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("library='ak' needs awkward: pip install awkward") from e
        return ak.from_arrow(table)
    raise AssertionError(library)


def _to_pandas(table: pa.Table) -> Any:
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("library='pd' needs pandas: pip install pandas") from e

    # Flat columns become ordinary NumPy-backed columns; nested ones (lists, structs, maps)
    # stay Arrow-backed (pd.ArrowDtype) instead of becoming Python objects per entry.
    def types_mapper(t: pa.DataType):
        if pa.types.is_nested(t):
            return pd.ArrowDtype(t)
        return None

    return table.to_pandas(types_mapper=types_mapper)


def _column_to_numpy(name: str, column: pa.ChunkedArray) -> np.ndarray:
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    return _array_to_numpy(name, array)


def _array_to_numpy(name: str, array: pa.Array) -> np.ndarray:
    t = array.type
    if pa.types.is_boolean(t) or pa.types.is_integer(t) or pa.types.is_floating(t):
        # Zero-copy for numbers (no nulls ever); booleans are unpacked from bits.
        return array.to_numpy(zero_copy_only=False)
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t):
        return np.array(array.to_pylist(), dtype=object)
    if pa.types.is_fixed_size_list(t) and _is_flat(t.value_type):
        # float[3] → an (n, 3) array, as uproot gives it.
        values = _array_to_numpy(name, array.flatten())
        return values.reshape((len(array), t.list_size) + values.shape[1:])
    if pa.types.is_fixed_size_list(t) and pa.types.is_fixed_size_list(t.value_type):
        values = _array_to_numpy(name, array.flatten())
        return values.reshape((len(array), t.list_size) + values.shape[1:])
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        # Jagged: one array per entry, each a view into one values array (as uproot's
        # library="np" does).
        offsets = array.offsets.to_numpy()
        values = _array_to_numpy(name, array.values)
        out = np.empty(len(array), dtype=object)
        for i in range(len(array)):
            out[i] = values[offsets[i] : offsets[i + 1]]
        return out
    raise UnsupportedError(
        f"column '{name}' has type {t}, which has no NumPy form; "
        "use library='ak' (awkward) or library='pa' (pyarrow)"
    )


def _is_flat(t: pa.DataType) -> bool:
    return pa.types.is_boolean(t) or pa.types.is_integer(t) or pa.types.is_floating(t)
