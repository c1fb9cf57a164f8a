"""What the RNTuple oracles share (tests/test_rntuple_oracle.py, tests/corpus_oracle.py): the
field schema from uproot's field records, the canonical form of a field's values, and the
comparison.

Three readers give the same data in different shapes; each value is first brought to one
canonical form, led by the field's ROOT type (the schema tree of the header's field records,
spec: tree/ntuple/doc/BinaryFormatSpecification.md, "Field record frame"). Each rule:

- records: dicts by member name. A base class is a sub-field named ':_0', ':_1', ...
  (RClassField); arrowroot and ROOT's reading keep it as a nested record, uproot merges its
  members into the derived record: base records are merged into their parent (all sides).
- std::pair / std::tuple: a list of the members in order. uproot gives a Python tuple,
  arrowroot a struct {_0, _1, ...}, ROOT's golden {"_0": ..., "_1": ...}.
- maps: a list of [key, value] lists. uproot gives tuples, pyarrow's map to_pylist gives
  (key, value) tuples, the golden [k, v] lists.
- unordered containers (std::unordered_set/map/multiset/multimap): sorted. ROOT's reading
  inserts the items into a hash table, so its iteration order is not the stored order, which
  uproot and arrowroot give.
- std::optional / std::unique_ptr: the value or None. uproot gives a unique_ptr as a list of
  0 or 1 items.
- char: a signed integer (arrowroot maps char to int8); uproot gives it unsigned.
- floats: NaN/inf written as the strings "nan"/"inf"/"-inf" in the golden are floats again;
  NaN equals NaN in the comparison.
- a record without data members (an empty class, or one whose bases hold none): {}; uproot
  gives [].
- diamond inheritance: uproot names a member that two bases hold 'Base::member'; the
  qualifier is dropped and equal names are numbered in value order (see _record).
- bytes (uproot may give bytes for a string) are decoded as UTF-8.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

FLOAT_TYPES = ("float", "double", "Double32_t")
UNORDERED = ("std::unordered_set<", "std::unordered_map<", "std::unordered_multiset<",
             "std::unordered_multimap<")
MAPS = ("std::map<", "std::unordered_map<", "std::multimap<", "std::unordered_multimap<")
NULLABLE = ("std::optional<", "std::unique_ptr<")


@dataclass
class FieldNode:
    """One field record: its name, ROOT type and sub-fields (in field-id order)."""
    name: str
    type_name: str
    field_id: int
    children: list["FieldNode"] = field(default_factory=list)
    column_bits: list[int] = field(default_factory=list)  # bits per element of its columns


def schema(ntuple) -> dict[str, FieldNode]:
    """Top-level field name -> FieldNode tree, from uproot's field records (header and
    schema extension) and column records."""
    records = list(ntuple.field_records)
    nodes = [FieldNode(r.field_name, r.type_name, i) for i, r in enumerate(records)]
    top: dict[str, FieldNode] = {}
    for i, r in enumerate(records):
        if r.parent_field_id == i:
            top[r.field_name] = nodes[i]
        elif 0 <= r.parent_field_id < len(nodes):
            nodes[r.parent_field_id].children.append(nodes[i])
    for c in ntuple.column_records:
        fid = getattr(c, "field_id", None)
        if fid is not None and 0 <= fid < len(nodes):
            nodes[fid].column_bits.append(int(getattr(c, "nbits", 0) or 0))
    return top


def _float(v):
    if isinstance(v, str) and v in ("nan", "inf", "-inf"):
        return float(v)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


def _sort_key(v) -> str:
    return repr(v)


def canon(value, node: FieldNode | None):
    """The canonical form of one value of field `node` (see the module docstring)."""
    if node is None:
        return _generic(value)
    t = node.type_name
    if t.startswith(NULLABLE):
        if isinstance(value, (list, tuple)) and t.startswith("std::unique_ptr<"):
            value = value[0] if value else None  # uproot: 0 or 1 items
        return None if value is None else canon(value, node.children[0] if node.children else None)
    if value is None:
        return None
    if t in FLOAT_TYPES:
        return _float(value)
    if t == "char":
        return value - 256 if isinstance(value, int) and value > 127 else value
    if t == "std::string":
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    if t.startswith(MAPS):
        pair = node.children[0] if node.children else None
        kv = pair.children if pair is not None and len(pair.children) == 2 else [None, None]
        out = [[canon(k, kv[0]), canon(v, kv[1])] for k, v in (_entry(e) for e in value)]
        return sorted(out, key=_sort_key) if t.startswith(UNORDERED) else out
    if t.startswith(("std::pair<", "std::tuple<")):
        items = list(value.values()) if isinstance(value, dict) else list(value)
        return [canon(v, c) for v, c in zip(items, node.children)]
    if not t.startswith(("std::", "ROOT::")) and isinstance(value, (list, tuple, dict)) and not value:
        return {}  # a record without data members (maybe with empty bases): uproot gives []
    if node.children and isinstance(value, dict):
        return _record(value, node)
    if node.children and isinstance(value, (list, tuple)) and not t.startswith("std::variant<"):
        item = node.children[0]
        out = [canon(v, item) for v in value]
        return sorted(out, key=_sort_key) if t.startswith(UNORDERED) else out
    if t.startswith("std::variant<"):
        return _generic(value)
    if node.children and len(node.children) == 1:  # enum, std::atomic: the underlying value
        return canon(value, node.children[0])
    return _generic(value) if isinstance(value, (dict, list, tuple, bytes, str)) else _float_if(value, t)


def _float_if(value, t: str):
    return _float(value) if t in FLOAT_TYPES else value


def _entry(e):
    if isinstance(e, dict):
        vals = list(e.values())
        return vals[0], vals[1]
    return e[0], e[1]


def _members(value: dict, node: FieldNode | None) -> list[tuple[str, object]]:
    """(member name, canonical value) of a record and, recursively, of its base classes."""
    members = {c.name: c for c in node.children} if node is not None else {}
    out: list[tuple[str, object]] = []
    for k, v in value.items():
        child = members.get(k)
        if k.startswith(":") and isinstance(v, dict):  # a base class: merge its members
            out += _members(v, child)
        else:
            out.append((k.rsplit("::", 1)[-1], canon(v, child) if node is not None else _generic(v)))
    return out


def _record(value: dict, node: FieldNode | None) -> dict:
    """A record's members by name, base classes' members merged in. When two bases hold a
    member of the same name (a diamond), uproot names them 'Base::member'; the qualifier is
    dropped and the values of one name are kept under 'name', 'name#2', ... in a sorted order,
    so both sides give the same keys."""
    groups: dict[str, list] = {}
    for k, v in _members(value, node):
        groups.setdefault(k, []).append(v)
    out: dict = {}
    for k, vs in groups.items():
        if len(vs) == 1:
            out[k] = vs[0]
            continue
        for n, v in enumerate(sorted(vs, key=_sort_key), start=1):
            out[k if n == 1 else f"{k}#{n}"] = v
    return out


def _generic(value):
    """Canonical form without a type: tuples are lists, base records merged."""
    if isinstance(value, dict):
        return _record(value, None)
    if isinstance(value, (list, tuple)):
        return [_generic(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, str) and value in ("nan", "inf", "-inf"):
        return float(value)
    return value


def same(a, b) -> bool:
    """Exact equality of two canonical values: ints are ints and bools bools, floats equal
    bit for bit as float64 except that NaN equals NaN."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, float) or isinstance(b, float):
        if not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
            return False
        if not (isinstance(a, float) and isinstance(b, float)):
            return False
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def first_difference(want: list, got: list, rows: list[int] | None = None) -> str | None:
    if len(want) != len(got):
        return f"{len(got)} entries, expected {len(want)}"
    for i, (w, g) in enumerate(zip(want, got)):
        if not same(w, g):
            entry = rows[i] if rows else i
            return f"entry {entry}: got {_short(g)}, expected {_short(w)}"
    return None


def _short(v, limit: int = 300) -> str:
    s = repr(v)
    return s if len(s) <= limit else s[:limit] + "..."


def as_float32(value):
    """Every float rounded to float32 (uproot reads lossy float columns of a double field in
    float32)."""
    import struct

    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return value
        try:
            return struct.unpack("f", struct.pack("f", value))[0]
        except OverflowError:
            return math.copysign(math.inf, value)
    if isinstance(value, list):
        return [as_float32(v) for v in value]
    if isinstance(value, dict):
        return {k: as_float32(v) for k, v in value.items()}
    return value


def has_lossy_double(node: FieldNode) -> bool:
    """A double field (or sub-field) stored in a column narrower than 64 bits (Real32,
    SplitReal32, Real16, Real32Trunc, Real32Quant: spec, "Column record frame")."""
    if node.type_name in ("double", "Double32_t") and any(0 < b < 64 for b in node.column_bits):
        return True
    return any(has_lossy_double(c) for c in node.children)


NUMERIC_TYPES = ("bool", "char", "std::byte", "std::int8_t", "std::uint8_t", "std::int16_t",
                 "std::uint16_t", "std::int32_t", "std::uint32_t", "std::int64_t",
                 "std::uint64_t", "float", "double", "Double32_t")


def is_flat_numeric(node: FieldNode) -> bool:
    """A field whose values can be compared as one NumPy array (no Python objects)."""
    return node.type_name in NUMERIC_TYPES or node.type_name.startswith("ROOT::RNTupleCardinality<")


def numpy_difference(want, got, node: FieldNode) -> str | None:
    """Exact comparison of two NumPy arrays of a flat numeric field (NaN equals NaN); char is
    compared as signed (uproot gives it unsigned)."""
    import numpy as np

    want, got = np.asarray(want), np.asarray(got)
    if node.type_name == "char":
        want, got = want.astype(np.uint8).view(np.int8), got.astype(np.uint8).view(np.int8)
    if want.shape != got.shape:
        return f"{len(got)} entries, expected {len(want)}"
    if (want.dtype.kind == "b") != (got.dtype.kind == "b") or (want.dtype.kind == "f") != (got.dtype.kind == "f"):
        return f"dtype {got.dtype}, expected {want.dtype}"
    equal = want == got
    if want.dtype.kind == "f":
        equal |= np.isnan(want) & np.isnan(got)
    if equal.all():
        return None
    i = int(np.argmin(equal))
    return f"entry {i}: got {got[i]!r}, expected {want[i]!r}"
