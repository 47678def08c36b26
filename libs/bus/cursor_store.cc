#include "libs/bus/cursor_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace salesperf::bus {
namespace {

absl::Status IoError(std::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(absl::string_view(what.data(), what.size()), " ", path,
                                             ": ", std::strerror(errno)));
}

}  // namespace

absl::StatusOr<uint64_t> FileCursorStore::Load() {
  int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return 0;
    return IoError("cannot open", path_);
  }
  std::string content;
  char buf[64];
  ssize_t n = 0;
  while ((n = read(fd, buf, sizeof(buf))) > 0 && content.size() < 256) {
    content.append(buf, static_cast<size_t>(n));
  }
  bool read_failed = n < 0;
  close(fd);
  if (read_failed) return IoError("cannot read", path_);
  uint64_t cursor = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(content), &cursor)) {
    return absl::DataLossError(absl::StrCat("cursor file ", path_, " is corrupt"));
  }
  return cursor;
}

absl::Status FileCursorStore::Save(uint64_t cursor) {
  std::string tmp = path_ + ".tmp";
  std::string content = absl::StrCat(cursor, "\n");
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("cannot create", tmp);
  if (write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size()) ||
      fsync(fd) != 0) {
    absl::Status error = IoError("cannot write", tmp);
    close(fd);
    return error;
  }
  if (close(fd) != 0) return IoError("cannot close", tmp);
  if (rename(tmp.c_str(), path_.c_str()) != 0) return IoError("cannot rename to", path_);
  // The rename is durable only once the directory is.
  std::string dir = std::filesystem::path(path_).parent_path().string();
  int dir_fd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return IoError("cannot open directory of", path_);
  int rc = fsync(dir_fd);
  close(dir_fd);
  if (rc != 0) return IoError("cannot sync directory of", path_);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> MemoryCursorStore::Load() {
  absl::MutexLock lock(&mu_);
  return cursor_;
}

absl::Status MemoryCursorStore::Save(uint64_t cursor) {
  absl::MutexLock lock(&mu_);
  cursor_ = cursor;
  return absl::OkStatus();
}

}  // namespace salesperf::bus
