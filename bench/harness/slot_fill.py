"""Handing one chunk of generated NanoAOD-like events to a C++ writer declared in ROOT's
interpreter (gen_data.RootWriter for the TTree, gen_rntuple.RootNTupleWriter for the RNTuple):
both take the same flat / counts / jagged slots."""

from __future__ import annotations

import numpy as np

import nanoaod


def fill_slots(w, flat_slot: dict, jag_slot: dict, chunk: dict, n: int) -> None:
    keep = []  # the buffers must live until w.fill() returns
    for name, slot in flat_slot.items():
        a = np.ascontiguousarray(chunk["flat"][name])
        if a.dtype == np.bool_:
            a = a.view(np.uint8)
        keep.append(a)
        w.set_flat(slot, a)
    for c, cname in enumerate(nanoaod.COLLECTIONS):
        counts, vals = chunk["collections"][cname]
        offsets = np.zeros(n + 1, np.int64)
        np.cumsum(counts, out=offsets[1:])
        counts = np.ascontiguousarray(counts, np.uint32)
        keep += [counts, offsets]
        w.set_counts(c, counts, offsets)
        for field, v in vals.items():
            v = np.ascontiguousarray(v)
            keep.append(v)
            w.set_jagged(jag_slot[(cname, field)], v)
    w.fill(n)
