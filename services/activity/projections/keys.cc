#include "services/activity/projections/keys.h"

#include "absl/strings/str_format.h"

namespace salesperf::activity::keys {

std::string Key(std::initializer_list<std::string_view> parts) {
  std::string key;
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) key.push_back('/');
    key.append(p);
    first = false;
  }
  return key;
}

std::string_view IdOfIndexKey(std::string_view key) {
  const size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

std::string StageKey(int stage) { return absl::StrFormat("%02d", stage); }

}  // namespace salesperf::activity::keys
