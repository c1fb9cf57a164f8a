// Status and Result<T>: errors as values, for the public API and the whole engine alike.
//
// A Status is a code, a message and context lines that each layer adds on the way up
// ("branch 'Muon_pt'", "basket 3 [0x1f00,+4210)"). Nothing in arrowroot throws; the CLI, the
// Python bindings and the JNI layer turn a Status into an exit code or an exception.
// Thread safety: values; a Status or Result is used by one thread at a time, like any value.
// (The engine's helper macros RETURN_IF_ERROR / ASSIGN_OR_RETURN are internal:
// cpp/src/arrowroot/common/status.h.)
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace arrowroot {

enum class StatusCode {
  kOk = 0,
  kIOError,          // the byte source failed; `retryable` says whether trying again may help
  kNotFound,         // no such file, object, branch
  kCorruption,       // the bytes contradict the ROOT format
  kUnsupported,      // valid ROOT we do not decode (yet); a front end may skip the column
  kInvalidArgument,  // the caller asked for something impossible
  kCancelled,
};

/// Return the lower-case name of a code ("corruption", "unsupported", ...).
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status IOError(std::string m, bool retryable = false) {
    Status s(StatusCode::kIOError, std::move(m));
    s.retryable_ = retryable;
    return s;
  }
  static Status NotFound(std::string m) { return Status(StatusCode::kNotFound, std::move(m)); }
  static Status Corruption(std::string m) { return Status(StatusCode::kCorruption, std::move(m)); }
  static Status Unsupported(std::string m) { return Status(StatusCode::kUnsupported, std::move(m)); }
  static Status InvalidArgument(std::string m) {
    return Status(StatusCode::kInvalidArgument, std::move(m));
  }
  static Status Cancelled(std::string m) { return Status(StatusCode::kCancelled, std::move(m)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  bool retryable() const { return retryable_; }
  const std::string& message() const { return message_; }
  /// Context lines, innermost first.
  const std::vector<std::string>& context() const { return context_; }

  /// Add what the caller knows ("branch 'x'"); returns *this for chaining on the way up.
  Status& AddContext(std::string line) & {
    if (!ok()) context_.push_back(std::move(line));
    return *this;
  }
  Status&& AddContext(std::string line) && {
    if (!ok()) context_.push_back(std::move(line));
    return std::move(*this);
  }

  /// One line: outermost context first, then the message. "tree 'Events' → branch 'x': message".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  bool retryable_ = false;
  std::string message_;
  std::vector<std::string> context_;
};

/// A value or a non-OK Status. (Becomes std::expected on C++23.)
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return status_.ok(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T ValueOr(T other) && { return ok() ? std::move(*value_) : std::move(other); }

 private:
  Status status_;
  std::optional<T> value_;
};

namespace internal {
inline Status ToStatus(Status s) { return s; }
template <typename T>
Status ToStatus(const Result<T>& r) { return r.status(); }
}  // namespace internal

}  // namespace arrowroot
