#include "libs/bus/cursor_store.h"

#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"

namespace salesperf::bus {
namespace {

using ::salesperf::testing::IsOk;
using ::salesperf::testing::StatusIs;
using ::salesperf::testing::TempDir;

TEST(FileCursorStoreTest, MissingFileIsZero) {
  TempDir dir;
  FileCursorStore store(dir.Sub("cursor"));
  absl::StatusOr<uint64_t> cursor = store.Load();
  ASSERT_THAT(cursor, IsOk());
  EXPECT_EQ(*cursor, 0u);
}

TEST(FileCursorStoreTest, SaveThenLoadAcrossInstances) {
  TempDir dir;
  ASSERT_THAT(FileCursorStore(dir.Sub("cursor")).Save(12345), IsOk());
  ASSERT_THAT(FileCursorStore(dir.Sub("cursor")).Save(18'446'744'073'709'551'615u), IsOk());
  absl::StatusOr<uint64_t> cursor = FileCursorStore(dir.Sub("cursor")).Load();
  ASSERT_THAT(cursor, IsOk());
  EXPECT_EQ(*cursor, 18'446'744'073'709'551'615u);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("cursor.tmp")));
}

TEST(FileCursorStoreTest, CorruptFileIsDataLoss) {
  TempDir dir;
  std::ofstream(dir.Sub("cursor")) << "12x";
  EXPECT_THAT(FileCursorStore(dir.Sub("cursor")).Load(), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(FileCursorStoreTest, MissingDirectoryIsUnavailable) {
  TempDir dir;
  EXPECT_THAT(FileCursorStore(dir.Sub("no/such/cursor")).Save(1),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST(MemoryCursorStoreTest, RemembersTheLastSave) {
  MemoryCursorStore store(7);
  EXPECT_EQ(*store.Load(), 7u);
  ASSERT_THAT(store.Save(9), IsOk());
  EXPECT_EQ(*store.Load(), 9u);
}

}  // namespace
}  // namespace salesperf::bus
