// RETURN_IF_ERROR and ASSIGN_OR_RETURN: early return on a non-OK absl::Status.
//
//   RETURN_IF_ERROR(store.Append(...));
//   ASSIGN_OR_RETURN(auto period, ParsePeriodId(id));
//
// Both work in functions returning absl::Status or absl::StatusOr<T>.
#ifndef SALESPERF_LIBS_COMMON_STATUS_MACROS_H_
#define SALESPERF_LIBS_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SALESPERF_STATUS_CONCAT_INNER(a, b) a##b
#define SALESPERF_STATUS_CONCAT(a, b) SALESPERF_STATUS_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                                                 \
  do {                                                                        \
    if (::absl::Status _salesperf_status = (expr); !_salesperf_status.ok()) { \
      return _salesperf_status;                                               \
    }                                                                         \
  } while (false)

// `statusor` is a fresh identifier and `lhs` may be a declaration ("auto x"): neither
// can be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define SALESPERF_ASSIGN_OR_RETURN_IMPL(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                    \
  if (!statusor.ok()) {                                       \
    return std::move(statusor).status();                      \
  }                                                           \
  lhs = *std::move(statusor)
// NOLINTEND(bugprone-macro-parentheses)

#define ASSIGN_OR_RETURN(lhs, rexpr)                                                            \
  SALESPERF_ASSIGN_OR_RETURN_IMPL(SALESPERF_STATUS_CONCAT(_salesperf_statusor_, __LINE__), lhs, \
                                  rexpr)

#endif  // SALESPERF_LIBS_COMMON_STATUS_MACROS_H_
