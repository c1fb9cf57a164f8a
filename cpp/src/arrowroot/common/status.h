// The engine's side of Status and Result<T> (defined in the public arrowroot/status.h): the
// macros that pass a failure up and add context on the way.
#pragma once

#include <utility>

#include "arrowroot/status.h"

#define AR_CONCAT_INNER(a, b) a##b
#define AR_CONCAT(a, b) AR_CONCAT_INNER(a, b)

/// Return the Status from the enclosing function if `expr` failed.
#define RETURN_IF_ERROR(expr)                                            \
  do {                                                                   \
    ::arrowroot::Status _ar_st = ::arrowroot::internal::ToStatus(expr);  \
    if (!_ar_st.ok()) return _ar_st;                                     \
  } while (0)

/// Like RETURN_IF_ERROR but adds a context line (evaluated only on failure).
#define RETURN_IF_ERROR_CTX(expr, ctx)                                   \
  do {                                                                   \
    ::arrowroot::Status _ar_st = ::arrowroot::internal::ToStatus(expr);  \
    if (!_ar_st.ok()) return std::move(_ar_st).AddContext(ctx);          \
  } while (0)

#define AR_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                             \
  if (!tmp.ok()) return std::move(tmp).status();  \
  lhs = std::move(tmp).value();

/// `ASSIGN_OR_RETURN(auto x, F());` declares x from a Result or returns its Status.
#define ASSIGN_OR_RETURN(lhs, rexpr) AR_ASSIGN_OR_RETURN_IMPL(AR_CONCAT(_ar_r_, __LINE__), lhs, rexpr)
