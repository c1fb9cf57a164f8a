// Errors of the Python extension: a non-OK Status travels as a C++ exception (StatusError) to
// nanobind's translator, which raises the arrowroot.Error subclass registered for its code
// (python/arrowroot/_errors.py), with `code` and `retryable` set.
#pragma once

#include <nanobind/nanobind.h>

#include <exception>
#include <string>
#include <utility>

#include "arrowroot/status.h"

namespace arrowroot::python {

namespace nb = nanobind;

/// A non-OK Status on its way to Python; TranslateStatus turns it into our exception classes.
struct StatusError : std::exception {
  explicit StatusError(Status s) : status(std::move(s)), text(status.ToString()) {}
  const char* what() const noexcept override { return text.c_str(); }
  Status status;
  std::string text;
};

[[noreturn]] inline void Throw(Status status) { throw StatusError(std::move(status)); }

/// Run `f` with the GIL released (engine work only: no Python objects inside).
template <typename F>
auto WithoutGil(F&& f) {
  nb::gil_scoped_release release;
  return f();
}

template <typename T>
T Unwrap(Result<T> r) {
  if (!r.ok()) Throw(std::move(r).status());
  return std::move(*r);
}

/// nanobind exception translator: StatusError → the registered class for its code.
void TranslateStatus(const std::exception_ptr& p, void*);

/// Install the exception class for each error code ({"not_found": NotFoundError, ...}).
void RegisterErrors(nb::dict classes);

}  // namespace arrowroot::python
