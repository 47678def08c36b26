// A directory on the real disk that exists for one test and is removed after it.
#ifndef SALESPERF_LIBS_TESTING_TEMP_DIR_H_
#define SALESPERF_LIBS_TESTING_TEMP_DIR_H_

#include <filesystem>
#include <string>

namespace salesperf::testing {

// Creates a fresh directory under $TEST_TMPDIR (or the system temp directory) and
// removes it, with everything in it, on destruction. Not copyable.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path()/name as a string, for APIs that take strings.
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace salesperf::testing

#endif  // SALESPERF_LIBS_TESTING_TEMP_DIR_H_
