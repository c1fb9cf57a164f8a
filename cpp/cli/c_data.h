// Owners of the Arrow C Data structs the public API hands out (arrowroot/c_abi.h): each calls
// its struct's release once, when it goes out of scope. Move-only, one thread at a time.
#pragma once

#include <utility>

#include "arrowroot/c_abi.h"

namespace arrowroot::cli {

/// Owns one C struct with a `release` callback (ArrowSchema, ArrowArray).
template <typename T>
class Owned {
 public:
  Owned() { c_.release = nullptr; }
  ~Owned() { Reset(); }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  Owned(Owned&& other) noexcept : c_(other.c_) { other.c_.release = nullptr; }
  Owned& operator=(Owned&& other) noexcept {
    if (this != &other) {
      Reset();
      c_ = other.c_;
      other.c_.release = nullptr;
    }
    return *this;
  }

  /// Where a producer writes the struct (release whatever was held first).
  T* out() {
    Reset();
    return &c_;
  }
  /// False at the end of a stream (the producer left `release` null).
  bool has_value() const { return c_.release != nullptr; }
  const T& operator*() const { return c_; }
  const T* operator->() const { return &c_; }

 private:
  void Reset() {
    if (c_.release != nullptr) c_.release(&c_);
    c_.release = nullptr;
  }
  T c_;
};

using OwnedSchema = Owned<ArrowSchema>;
using OwnedArray = Owned<ArrowArray>;

}  // namespace arrowroot::cli
