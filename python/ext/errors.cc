#include "errors.h"

#include <array>

namespace arrowroot::python {
namespace {

/// Python exception class per StatusCode, registered by arrowroot/_errors.py at import time.
/// Strong references kept for the life of the process (exception classes are never unloaded).
std::array<PyObject*, 8> g_error_classes{};

const char* CodeKey(StatusCode code) {
  switch (code) {
    case StatusCode::kIOError: return "io_error";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kUnsupported: return "unsupported";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kCancelled: return "cancelled";
    default: return "error";
  }
}

}  // namespace

void TranslateStatus(const std::exception_ptr& p, void*) {
  try {
    std::rethrow_exception(p);
  } catch (const StatusError& e) {
    const size_t index = static_cast<size_t>(e.status.code());
    PyObject* cls = index < g_error_classes.size() ? g_error_classes[index] : nullptr;
    if (!cls) cls = g_error_classes[0] ? g_error_classes[0] : PyExc_RuntimeError;
    PyObject* exc = PyObject_CallFunction(cls, "s", e.text.c_str());
    if (!exc) return;  // the constructor raised; that error stands
    PyObject* code = PyUnicode_FromString(CodeKey(e.status.code()));
    if (code) {
      PyObject_SetAttrString(exc, "code", code);
      Py_DECREF(code);
    }
    PyObject_SetAttrString(exc, "retryable", e.status.retryable() ? Py_True : Py_False);
    PyErr_SetObject(cls, exc);
    Py_DECREF(exc);
  }
}

void RegisterErrors(nb::dict classes) {
  const std::pair<const char*, StatusCode> names[] = {
      {"error", StatusCode::kOk},  // slot 0: the base class, for anything unmapped
      {"io_error", StatusCode::kIOError},
      {"not_found", StatusCode::kNotFound},
      {"corruption", StatusCode::kCorruption},
      {"unsupported", StatusCode::kUnsupported},
      {"invalid_argument", StatusCode::kInvalidArgument},
      {"cancelled", StatusCode::kCancelled},
  };
  for (const auto& [key, code] : names) {
    if (!classes.contains(key)) continue;
    nb::object cls = classes[key];
    PyObject*& slot = g_error_classes[static_cast<size_t>(code)];
    Py_XDECREF(slot);
    slot = cls.release().ptr();
  }
}

}  // namespace arrowroot::python
