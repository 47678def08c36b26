// Conversions between std::string_view and Debian's absl::string_view.
//
// Debian 12 builds Abseil with its own absl::string_view class (not an alias of
// std::string_view), and neither converts to the other implicitly. Our APIs take
// std::string_view (docs/conventions.md); use these at the boundary with absl
// functions such as absl::StrCat, absl::StrSplit or absl::LoadTimeZone.
#ifndef SALESPERF_LIBS_COMMON_STRING_VIEW_COMPAT_H_
#define SALESPERF_LIBS_COMMON_STRING_VIEW_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace salesperf {

inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
inline std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace salesperf

#endif  // SALESPERF_LIBS_COMMON_STRING_VIEW_COMPAT_H_
