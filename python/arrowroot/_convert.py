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


def convert(table: pa.Table, library: str, entry_start: int = 0) -> Any:
    """``table`` (a pyarrow.Table) in the form ``library`` names (already checked).
    ``entry_start`` is the entry number of the first row (the pandas index starts there)."""
    if library == "pa":
        return table
    if library == "pd":
        return _to_pandas(table, entry_start)
    if library == "np":
        return {name: _column_to_numpy(name, table.column(name)) for name in table.column_names}
    if library == "ak":
        try:
            import awkward as ak
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("library='ak' needs awkward: pip install awkward") from e
        if any(_has_map(f.type) for f in table.schema):
            # awkward reads no Arrow maps: hand them over as lists of {key, value} records
            # (the same buffers, no copy).
            schema = pa.schema([pa.field(f.name, _map_type_as_list(f.type), nullable=f.nullable)
                                for f in table.schema])
            table = pa.Table.from_arrays([_maps_as_lists(c) for c in table.columns], schema=schema)
        return ak.from_arrow(table)
    raise AssertionError(library)


def _has_map(t: pa.DataType) -> bool:
    if pa.types.is_map(t):
        return True
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return _has_map(t.value_type)
    if pa.types.is_struct(t):
        return any(_has_map(t.field(i).type) for i in range(t.num_fields))
    return False


def _maps_as_lists(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if not _has_map(column.type):
        return column
    chunks = [_map_array_as_list(c) for c in column.chunks]
    if not chunks:
        return pa.chunked_array([], type=_map_type_as_list(column.type))
    return pa.chunked_array(chunks)


def _map_type_as_list(t: pa.DataType) -> pa.DataType:
    if pa.types.is_map(t):
        entry = pa.struct([pa.field("key", _map_type_as_list(t.key_type), nullable=False),
                           pa.field("value", _map_type_as_list(t.item_type), nullable=False)])
        return pa.list_(pa.field("item", entry, nullable=False))
    if pa.types.is_list(t):
        return pa.list_(pa.field("item", _map_type_as_list(t.value_type), nullable=False))
    if pa.types.is_fixed_size_list(t):
        return pa.list_(pa.field("item", _map_type_as_list(t.value_type), nullable=False), t.list_size)
    if pa.types.is_struct(t):
        return pa.struct([pa.field(t.field(i).name, _map_type_as_list(t.field(i).type), nullable=False)
                          for i in range(t.num_fields)])
    return t


def _map_array_as_list(a: pa.Array) -> pa.Array:
    t = a.type
    if not _has_map(t):
        return a
    if pa.types.is_map(t):
        entries = pa.StructArray.from_arrays(
            [_map_array_as_list(a.keys), _map_array_as_list(a.items)],
            fields=[pa.field("key", _map_type_as_list(t.key_type), nullable=False),
                    pa.field("value", _map_type_as_list(t.item_type), nullable=False)])
        return pa.ListArray.from_arrays(a.offsets, entries, type=_map_type_as_list(t))
    if pa.types.is_list(t):
        return pa.ListArray.from_arrays(a.offsets, _map_array_as_list(a.values), type=_map_type_as_list(t))
    if pa.types.is_fixed_size_list(t):
        return pa.FixedSizeListArray.from_arrays(_map_array_as_list(a.values), t.list_size)
    if pa.types.is_struct(t):
        return pa.StructArray.from_arrays([_map_array_as_list(a.field(i)) for i in range(t.num_fields)],
                                          names=[t.field(i).name for i in range(t.num_fields)])
    return a


def _to_pandas(table: pa.Table, entry_start: int = 0) -> Any:
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

    df = table.to_pandas(types_mapper=types_mapper)
    # As uproot: the index is the entry number.
    df.index = pd.RangeIndex(entry_start, entry_start + len(df))
    return df


def _column_to_numpy(name: str, column: pa.ChunkedArray) -> np.ndarray:
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    return _array_to_numpy(name, array)


def _array_to_numpy(name: str, array: pa.Array) -> np.ndarray:
    t = array.type
    if array.null_count:
        # Nulls (a null pointer, an entry a branch does not hold): an object array with None
        # there, as uproot gives a null pointer, rather than numbers turned into NaN floats.
        dense = _array_to_numpy(name, _without_nulls(array))
        valid = array.is_valid().to_numpy(zero_copy_only=False)
        out = np.empty(len(array), dtype=object)
        for i in range(len(array)):
            out[i] = dense[i] if valid[i] else None
        return out
    if pa.types.is_boolean(t) or pa.types.is_integer(t) or pa.types.is_floating(t):
        # Zero-copy for numbers; booleans are unpacked from bits.
        return array.to_numpy(zero_copy_only=False)
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t):
        return np.array(array.to_pylist(), dtype=object)
    if pa.types.is_struct(t) and t.num_fields > 0 and all(_is_flat(t.field(i).type) for i in range(t.num_fields)):
        # A leaf list (x/D:y/I) → a NumPy record array, as uproot gives it.
        fields = [t.field(i).name for i in range(t.num_fields)]
        parts = [_array_to_numpy(name, array.field(i)) for i in range(t.num_fields)]
        out = np.empty(len(array), dtype=[(f, p.dtype) for f, p in zip(fields, parts)])
        for f, p in zip(fields, parts):
            out[f] = p
        return out
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


def _without_nulls(array: pa.Array) -> pa.Array:
    """The same values with the validity bitmap dropped (what sits under a null is a default
    value: zero, empty)."""
    t = array.type
    if pa.types.is_list(t):
        return pa.ListArray.from_arrays(array.offsets, array.values)
    if pa.types.is_fixed_size_list(t):
        return pa.FixedSizeListArray.from_arrays(
            array.values.slice(array.offset * t.list_size, len(array) * t.list_size), t.list_size)
    if pa.types.is_struct(t):
        return pa.StructArray.from_arrays([array.field(i) for i in range(t.num_fields)],
                                          fields=[t.field(i) for i in range(t.num_fields)])
    if pa.types.is_string(t):
        return array.fill_null("")
    return array.fill_null(False if pa.types.is_boolean(t) else 0)


def _is_flat(t: pa.DataType) -> bool:
    return pa.types.is_boolean(t) or pa.types.is_integer(t) or pa.types.is_floating(t)
