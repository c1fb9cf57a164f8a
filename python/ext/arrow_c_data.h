// Arrow C Data Interface helpers of the Python extension: shared views of one exported array or
// schema (so a batch can be handed to Arrow consumers more than once without copying buffers),
// and an ArrowArrayStream over batches read ahead of time. Plain C structs from the public
// arrowroot/c_abi.h; no Python here.
#pragma once

#include <memory>
#include <vector>

#include "arrowroot/c_abi.h"

namespace arrowroot::python {

/// An exported ArrowSchema or ArrowArray we own: released when the last holder goes.
template <typename T>
struct Owned {
  T c{};  ///< zeroed: release is nullptr until something is exported into it
  Owned() = default;
  ~Owned() {
    if (c.release) c.release(&c);
  }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
};
using SharedSchema = std::shared_ptr<Owned<ArrowSchema>>;
using SharedArray = std::shared_ptr<Owned<ArrowArray>>;

/// Fill `out` with a view of `*from` (same buffers, format and names; its own child structs)
/// that keeps `from` alive until the view, and every child moved out of it, is released.
void ShareSchema(const SharedSchema& from, ArrowSchema* out);
void ShareArray(const SharedArray& from, ArrowArray* out);

/// A stream that yields `batches` in order (each handed over as it is read), then the end.
void ExportArrayList(SharedSchema schema, std::vector<SharedArray> batches, ArrowArrayStream* out);

}  // namespace arrowroot::python
