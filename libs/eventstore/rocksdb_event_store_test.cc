// RocksDB-only behaviour: durability across reopen, metrics, failed writes.
#include "libs/eventstore/rocksdb_event_store.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"
#include "prometheus/registry.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace salesperf::eventstore {
namespace {

using ::salesperf::testing::IsOk;
using ::salesperf::testing::IsOkAndHolds;
using ::salesperf::testing::StatusIs;
using ::testing::ElementsAre;

EventEnvelope Event(const std::string& value) {
  EventEnvelope e;
  e.mutable_payload()->set_type_url("type.googleapis.com/salesperf.test.v1.E");
  e.mutable_payload()->set_value(value);
  return e;
}

AppendRequest Request(const std::string& stream_id, ExpectedVersion expected,
                      std::vector<EventEnvelope> events, const std::string& request_id = "") {
  AppendRequest r;
  r.stream_id = stream_id;
  r.expected_version = expected;
  r.events = std::move(events);
  r.request_id = request_id;
  return r;
}

// A FileSystem whose write-ahead-log writes fail or block on demand; every other file
// (SSTs, MANIFEST, ...) works normally.
class WalFaultFs : public rocksdb::FileSystemWrapper {
 public:
  WalFaultFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "WalFaultFs"; }

  enum class Fault {
    kNone,
    // An IO error flagged retryable, as remote file systems report a timeout.
    kRetryable,
    // A plain IO error, as a local disk reports EIO.
    kPermanent,
  };
  // While not kNone, every WAL append fails with that error and writes nothing.
  void FailWalWrites(Fault fault) { fault_.store(fault); }
  int failed_writes() const { return failed_writes_.load(); }
  // WAL appends that went through: one per group write.
  int wal_appends() const { return wal_appends_.load(); }
  // The thread of every WAL append, in order.
  std::vector<std::thread::id> wal_threads() {
    absl::MutexLock lock(&mu_);
    return wal_threads_;
  }

  // The next WAL append blocks until Release(); AwaitBlocked() returns once it does. The
  // held append fails or not by the fault set when it began.
  void BlockNextWalWrite() {
    absl::MutexLock lock(&mu_);
    block_next_ = true;
    blocked_ = false;
    released_ = false;
  }
  void AwaitBlocked() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&blocked_));
  }
  void Release() {
    absl::MutexLock lock(&mu_);
    released_ = true;
  }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, result, dbg);
    if (s.ok() && absl::EndsWith(name, ".log")) {
      *result = std::make_unique<WalFile>(std::move(*result), this);
    }
    return s;
  }

 private:
  class WalFile : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    WalFile(std::unique_ptr<rocksdb::FSWritableFile> file, WalFaultFs* fs)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (rocksdb::IOStatus s = fs_->BeforeWalAppend(); !s.ok()) return s;
      return target()->Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (rocksdb::IOStatus s = fs_->BeforeWalAppend(); !s.ok()) return s;
      return target()->Append(data, options, info, dbg);
    }

   private:
    WalFaultFs* fs_;
  };

  rocksdb::IOStatus BeforeWalAppend() {
    // Read before blocking: a fault set while a write is held hits the writes after it.
    const Fault fault = fault_.load();
    {
      absl::MutexLock lock(&mu_);
      wal_threads_.push_back(std::this_thread::get_id());
      if (block_next_) {
        block_next_ = false;
        blocked_ = true;
        mu_.Await(absl::Condition(&released_));
      }
    }
    if (fault == Fault::kNone) {
      wal_appends_.fetch_add(1);
      return rocksdb::IOStatus::OK();
    }
    failed_writes_.fetch_add(1);
    rocksdb::IOStatus error = rocksdb::IOStatus::IOError("injected WAL write failure");
    error.SetRetryable(fault == Fault::kRetryable);
    return error;
  }

  std::atomic<Fault> fault_{Fault::kNone};
  std::atomic<int> failed_writes_{0};
  std::atomic<int> wal_appends_{0};
  absl::Mutex mu_;
  bool block_next_ ABSL_GUARDED_BY(mu_) = false;
  bool blocked_ ABSL_GUARDED_BY(mu_) = false;
  bool released_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread::id> wal_threads_ ABSL_GUARDED_BY(mu_);
};

class RocksDbEventStoreTest : public ::testing::Test {
 protected:
  EventStoreOptions Options() {
    EventStoreOptions options;
    options.path = dir_.Sub("db");
    options.source = "targets";
    options.clock = &clock_;
    return options;
  }
  // Options whose WAL writes go through wal_fs_.
  EventStoreOptions OptionsOnWalFaultFs() {
    EventStoreOptions options = Options();
    options.env = wal_env_.get();
    return options;
  }
  std::unique_ptr<RocksDbEventStore> OpenStore(EventStoreOptions options) {
    auto store = RocksDbEventStore::Open(std::move(options));
    EXPECT_THAT(store, IsOk());
    return store.ok() ? *std::move(store) : nullptr;
  }

  salesperf::testing::TempDir dir_;
  FakeClock clock_;
  std::shared_ptr<WalFaultFs> wal_fs_ = std::make_shared<WalFaultFs>();
  std::unique_ptr<rocksdb::Env> wal_env_ = rocksdb::NewCompositeEnv(wal_fs_);
};

TEST_F(RocksDbEventStoreTest, OpenRejectsMissingOptions) {
  EventStoreOptions no_path = Options();
  no_path.path.clear();
  EXPECT_THAT(RocksDbEventStore::Open(no_path), StatusIs(absl::StatusCode::kInvalidArgument));
  EventStoreOptions no_source = Options();
  no_source.source.clear();
  EXPECT_THAT(RocksDbEventStore::Open(no_source), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(RocksDbEventStoreTest, SecondOpenOfTheSameDirectoryIsUnavailable) {
  auto first = OpenStore(Options());
  ASSERT_NE(first, nullptr);
  EXPECT_THAT(RocksDbEventStore::Open(Options()), StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(RocksDbEventStoreTest, ReopenKeepsEventsStreamHeadsAndRequests) {
  std::vector<EventEnvelope> before;
  {
    auto store = OpenStore(Options());
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 10; ++i) {
      ASSERT_THAT(store->Append(Request(absl::StrCat("s", i % 3), ExpectedVersion::Exactly(i / 3),
                                        {Event(absl::StrCat(i))}, absl::StrCat("req-", i))),
                  IsOk());
    }
    ASSERT_THAT(store->Append(Request("s0", ExpectedVersion::Any(), {}, "req-noop")), IsOk());
    ASSERT_OK_AND_ASSIGN(before, store->ReadLog(1, 100));
  }
  auto store = OpenStore(Options());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->HeadSequence(), 10u);
  ASSERT_OK_AND_ASSIGN(auto after, store->ReadLog(1, 100));
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].SerializeAsString(), before[i].SerializeAsString());
  }
  EXPECT_THAT(store->StreamVersion("s0"), IsOkAndHolds(4u));
  EXPECT_THAT(store->StreamVersion("s1"), IsOkAndHolds(3u));

  // Idempotency records survived: a retry is answered, a reuse rejected.
  ASSERT_OK_AND_ASSIGN(AppendResult retry, store->Append(Request("s1", ExpectedVersion::Exactly(0),
                                                                 {Event("1")}, "req-1")));
  EXPECT_TRUE(retry.deduplicated);
  EXPECT_EQ(retry.first_sequence, 2u);
  EXPECT_THAT(store->Append(Request("s1", ExpectedVersion::Any(), {Event("other")}, "req-1")),
              StatusIs(absl::StatusCode::kAlreadyExists));
  ASSERT_OK_AND_ASSIGN(std::optional<RequestRecord> noop, store->LookupRequest("req-noop"));
  ASSERT_TRUE(noop.has_value());
  EXPECT_EQ(noop->result.stream_version, 4u);

  // Stream heads came back from the index: stale versions fail, current ones succeed,
  // and the log continues without a gap.
  EXPECT_THAT(store->Append(Request("s0", ExpectedVersion::Exactly(3), {Event("x")})),
              StatusIs(absl::StatusCode::kAborted));
  ASSERT_OK_AND_ASSIGN(AppendResult next,
                       store->Append(Request("s0", ExpectedVersion::Exactly(4), {Event("x")})));
  EXPECT_EQ(next.first_sequence, 11u);
  EXPECT_EQ(next.stream_version, 5u);
  EXPECT_THAT(store->Append(Request("s2", ExpectedVersion::NoStream(), {Event("x")})),
              StatusIs(absl::StatusCode::kAborted));
}

TEST_F(RocksDbEventStoreTest, SmallStreamCacheStillChecksVersions) {
  EventStoreOptions options = Options();
  options.stream_cache_capacity = 2;
  auto store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  for (int round = 0; round < 3; ++round) {
    for (int s = 0; s < 5; ++s) {
      const std::string stream = absl::StrCat("s", s);
      EXPECT_THAT(store->Append(Request(stream, ExpectedVersion::Exactly(round + 1), {Event("x")})),
                  StatusIs(absl::StatusCode::kAborted));
      EXPECT_THAT(store->Append(Request(stream, ExpectedVersion::Exactly(round), {Event("x")})),
                  IsOk());
    }
  }
  EXPECT_EQ(store->HeadSequence(), 15u);
}

// Stream heads answered from table files (small memtables, flushed by reopening) through
// the stream-id prefix filters: existing streams of similar names are found, new ones
// are not, by each read and by the writer's own check (a one-entry head cache).
TEST_F(RocksDbEventStoreTest, StreamHeadsInTableFilesAreFoundThroughPrefixFilters) {
  EventStoreOptions options = Options();
  options.stream_cache_capacity = 1;
  options.write_buffer_size = 64 << 10;
  std::vector<std::string> streams;
  for (int i = 0; i < 300; ++i) streams.push_back(absl::StrCat("call-", i * 7));
  {
    auto store = OpenStore(options);
    ASSERT_NE(store, nullptr);
    for (int round = 0; round < 2; ++round) {
      for (const std::string& stream : streams) {
        ASSERT_THAT(store->Append(Request(stream, ExpectedVersion::Exactly(round),
                                          {Event(std::string(200, 'x'))})),
                    IsOk());
      }
    }
  }
  auto store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  std::vector<std::string> asked = {"call-7",    "call-70", "call-8", "call-700",
                                    "call-2093", "call-",   "call-7x"};
  ASSERT_OK_AND_ASSIGN(std::vector<uint64_t> versions, store->StreamVersions(asked));
  EXPECT_THAT(versions, ElementsAre(2u, 2u, 0u, 2u, 2u, 0u, 0u));
  for (size_t i = 0; i < asked.size(); ++i) {
    EXPECT_THAT(store->StreamVersion(asked[i]), IsOkAndHolds(versions[i])) << asked[i];
    ASSERT_OK_AND_ASSIGN(std::vector<EventEnvelope> events, store->ReadStream(asked[i], 1, 10));
    EXPECT_EQ(events.size(), versions[i]) << asked[i];
  }
  EXPECT_THAT(store->Append(Request("call-70", ExpectedVersion::NoStream(), {Event("x")})),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(store->Append(Request("call-8", ExpectedVersion::NoStream(), {Event("x")})), IsOk());
  EXPECT_THAT(store->Append(Request("call-700", ExpectedVersion::Exactly(2), {Event("x")})),
              IsOk());
}

// The leader of the first group is held in its WAL write while five requests queue in a
// known order; they then form the second group, decided in that order against the
// committed state plus the group's own earlier effects.
TEST_F(RocksDbEventStoreTest, RequestsOfOneGroupAreDecidedInQueueOrder) {
  WalFaultFs* fs = wal_fs_.get();
  auto store = OpenStore(OptionsOnWalFaultFs());
  ASSERT_NE(store, nullptr);

  fs->BlockNextWalWrite();
  absl::StatusOr<AppendResult> held, first, second, original, duplicate;
  absl::StatusOr<MultiAppendResult> multi;
  std::vector<std::thread> threads;
  threads.emplace_back(
      [&] { held = store->Append(Request("x", ExpectedVersion::Any(), {Event("x")})); });
  fs->AwaitBlocked();
  // Each request joins the queue before the next one starts.
  threads.emplace_back(
      [&] { first = store->Append(Request("s", ExpectedVersion::NoStream(), {Event("a")})); });
  store->WaitUntilQueuedForTesting(2);
  threads.emplace_back(
      [&] { second = store->Append(Request("s", ExpectedVersion::NoStream(), {Event("b")})); });
  store->WaitUntilQueuedForTesting(3);
  threads.emplace_back([&] {
    original = store->Append(Request("t", ExpectedVersion::Any(), {Event("c")}, "req-dup"));
  });
  store->WaitUntilQueuedForTesting(4);
  threads.emplace_back([&] {
    duplicate = store->Append(Request("t", ExpectedVersion::Any(), {Event("c")}, "req-dup"));
  });
  store->WaitUntilQueuedForTesting(5);
  threads.emplace_back([&] {
    MultiAppendRequest r;
    // Versions the group's earlier requests produce, not yet committed when it is decided.
    r.streams.push_back({"s", ExpectedVersion::Exactly(1), {Event("d")}});
    r.streams.push_back({"t", ExpectedVersion::Exactly(1), {Event("e")}});
    multi = store->AppendMulti(std::move(r));
  });
  store->WaitUntilQueuedForTesting(6);
  fs->Release();
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(fs->wal_appends(), 2);  // the held group and one group for the other five
  ASSERT_THAT(held, IsOk());
  EXPECT_EQ(held->first_sequence, 1u);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(*first, (AppendResult{2, 2, 1, false}));
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kAborted));
  ASSERT_THAT(original, IsOk());
  EXPECT_EQ(*original, (AppendResult{3, 3, 1, false}));
  ASSERT_THAT(duplicate, IsOk());
  EXPECT_EQ(*duplicate, (AppendResult{3, 3, 1, true}));
  ASSERT_THAT(multi, IsOk());
  EXPECT_EQ(*multi, (MultiAppendResult{4, 5, {2, 2}, false}));
  EXPECT_EQ(store->HeadSequence(), 5u);
  ASSERT_OK_AND_ASSIGN(auto stream, store->ReadStream("s", 1, 10));
  ASSERT_EQ(stream.size(), 2u);
  EXPECT_EQ(stream[0].payload().value(), "a");
  EXPECT_EQ(stream[1].payload().value(), "d");
}

TEST_F(RocksDbEventStoreTest, AsyncAppendsBehindALeaderAreWrittenAndAnsweredByIt) {
  WalFaultFs* fs = wal_fs_.get();
  auto store = OpenStore(OptionsOnWalFaultFs());
  ASSERT_NE(store, nullptr);

  fs->BlockNextWalWrite();
  absl::StatusOr<AppendResult> held, waiting;
  std::thread::id leader_id;
  std::thread leader([&] {
    leader_id = std::this_thread::get_id();
    held = store->Append(Request("x", ExpectedVersion::Any(), {Event("x")}));
  });
  fs->AwaitBlocked();
  struct Answer {
    absl::StatusOr<MultiAppendResult> result;
    std::thread::id thread;
  };
  absl::Mutex mu;
  std::vector<Answer> answers;
  auto answer = [&](absl::StatusOr<MultiAppendResult> r) {
    absl::MutexLock lock(&mu);
    answers.push_back({std::move(r), std::this_thread::get_id()});
  };
  auto single = [](const std::string& stream, ExpectedVersion expected, const std::string& value) {
    MultiAppendRequest r;
    r.streams.push_back({stream, expected, {Event(value)}});
    return r;
  };
  store->AppendMultiAsync(single("a", ExpectedVersion::NoStream(), "a"), answer);
  store->AppendMultiAsync(single("b", ExpectedVersion::NoStream(), "b"), answer);
  store->AppendMultiAsync(single("a", ExpectedVersion::NoStream(), "again"), answer);
  {
    absl::MutexLock lock(&mu);
    EXPECT_TRUE(answers.empty());  // queued behind the held group: nothing waited
  }
  store->WaitUntilQueuedForTesting(4);
  // A synchronous append queued behind asynchronous ones is written by the same leader.
  std::thread sync([&] { waiting = store->Append(Request("c", ExpectedVersion::Any(), {Event("c")})); });
  store->WaitUntilQueuedForTesting(5);
  fs->Release();
  leader.join();
  sync.join();

  EXPECT_EQ(fs->wal_appends(), 2);  // the held group, then one group for the other four
  ASSERT_THAT(held, IsOk());
  EXPECT_EQ(held->first_sequence, 1u);
  ASSERT_EQ(answers.size(), 3u);
  for (const Answer& a : answers) EXPECT_EQ(a.thread, leader_id);
  ASSERT_THAT(answers[0].result, IsOk());
  EXPECT_EQ(*answers[0].result, (MultiAppendResult{2, 2, {1}, false}));
  ASSERT_THAT(answers[1].result, IsOk());
  EXPECT_EQ(*answers[1].result, (MultiAppendResult{3, 3, {1}, false}));
  EXPECT_THAT(answers[2].result, StatusIs(absl::StatusCode::kAborted));
  ASSERT_THAT(waiting, IsOk());
  EXPECT_EQ(waiting->first_sequence, 4u);
  EXPECT_EQ(store->HeadSequence(), 4u);
}

TEST_F(RocksDbEventStoreTest, AnAsyncLeaderHandsTheQueueToAWaitingAppend) {
  WalFaultFs* fs = wal_fs_.get();
  auto store = OpenStore(OptionsOnWalFaultFs());
  ASSERT_NE(store, nullptr);

  fs->BlockNextWalWrite();
  absl::StatusOr<MultiAppendResult> first;
  absl::StatusOr<AppendResult> second;
  std::thread async_leader([&] {
    MultiAppendRequest r;
    r.streams.push_back({"a", ExpectedVersion::NoStream(), {Event("a")}});
    // An empty queue: this thread leads, and answers before AppendMultiAsync returns.
    store->AppendMultiAsync(std::move(r),
                            [&](absl::StatusOr<MultiAppendResult> result) { first = std::move(result); });
  });
  fs->AwaitBlocked();
  std::thread::id waiter_id;
  std::thread waiter([&] {
    waiter_id = std::this_thread::get_id();
    second = store->Append(Request("b", ExpectedVersion::NoStream(), {Event("b")}));
  });
  store->WaitUntilQueuedForTesting(2);
  const std::thread::id async_leader_id = async_leader.get_id();
  fs->Release();
  async_leader.join();
  waiter.join();
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->first_sequence, 1u);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->first_sequence, 2u);
  // The asynchronous leader wrote its own group only; the waiting caller wrote its own.
  EXPECT_THAT(fs->wal_threads(), ElementsAre(async_leader_id, waiter_id));
}

TEST_F(RocksDbEventStoreTest, EveryRequestOfAFailedGroupIsUnavailable) {
  WalFaultFs* fs = wal_fs_.get();
  auto store = OpenStore(OptionsOnWalFaultFs());
  ASSERT_NE(store, nullptr);

  fs->BlockNextWalWrite();
  absl::StatusOr<AppendResult> held, a, b;
  std::vector<std::thread> threads;
  threads.emplace_back(
      [&] { held = store->Append(Request("x", ExpectedVersion::Any(), {Event("x")})); });
  fs->AwaitBlocked();
  threads.emplace_back(
      [&] { a = store->Append(Request("s", ExpectedVersion::Any(), {Event("a")}, "req-a")); });
  store->WaitUntilQueuedForTesting(2);
  threads.emplace_back(
      [&] { b = store->Append(Request("t", ExpectedVersion::Any(), {Event("b")}, "req-b")); });
  store->WaitUntilQueuedForTesting(3);
  fs->FailWalWrites(WalFaultFs::Fault::kPermanent);
  fs->Release();
  for (std::thread& t : threads) t.join();

  ASSERT_THAT(held, IsOk());
  EXPECT_EQ(held->first_sequence, 1u);
  EXPECT_EQ(fs->failed_writes(), 1);  // one group write for both
  EXPECT_THAT(a, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(b, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(store->HeadSequence(), 1u);
  ASSERT_OK_AND_ASSIGN(auto log, store->ReadLog(1, 10));
  EXPECT_EQ(log.size(), 1u);
  EXPECT_THAT(store->StreamVersion("s"), IsOkAndHolds(0u));
  EXPECT_THAT(store->LookupRequest("req-b"), IsOkAndHolds(std::nullopt));
}

const prometheus::MetricFamily* FindFamily(const std::vector<prometheus::MetricFamily>& families,
                                           const std::string& name) {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

MultiAppendRequest TwoStreams(const std::string& a, const std::string& b,
                              const std::string& request_id) {
  MultiAppendRequest r;
  r.streams.push_back({a, ExpectedVersion::Any(), {Event("m1")}});
  r.streams.push_back({b, ExpectedVersion::Any(), {Event("m2")}});
  r.request_id = request_id;
  return r;
}

// A failed WAL write: the appends of the failing group get UNAVAILABLE and consume no
// sequence; the store then refuses writes (a retryable error included, see
// RocksDbEventStore::WriteHealth) while reads and retries of recorded requests still work;
// after a reopen the log continues without a gap and without the failed appends.
class WalFailureTest : public RocksDbEventStoreTest,
                       public ::testing::WithParamInterface<WalFaultFs::Fault> {};

TEST_P(WalFailureTest, FailedGroupConsumesNoSequenceAndWritesStopUntilReopen) {
  WalFaultFs* fs = wal_fs_.get();
  prometheus::Registry registry;
  EventStoreOptions options = OptionsOnWalFaultFs();
  options.metrics = &registry;
  {
    auto store = OpenStore(options);
    ASSERT_NE(store, nullptr);
    ASSERT_THAT(store->Append(Request("s", ExpectedVersion::NoStream(), {Event("1")}, "req-1")),
                IsOk());
    ASSERT_THAT(store->Append(Request("t", ExpectedVersion::NoStream(), {Event("1")})), IsOk());
    EXPECT_THAT(store->WriteHealth(), IsOk());

    fs->FailWalWrites(GetParam());
    EXPECT_THAT(store->AppendMulti(TwoStreams("s", "t", "req-3")),
                StatusIs(absl::StatusCode::kUnavailable, ::testing::HasSubstr("injected")));
    EXPECT_EQ(fs->failed_writes(), 1);
    fs->FailWalWrites(WalFaultFs::Fault::kNone);

    // Nothing of the failed group is visible or remembered.
    EXPECT_EQ(store->HeadSequence(), 2u);
    ASSERT_OK_AND_ASSIGN(auto log, store->ReadLog(1, 100));
    EXPECT_EQ(log.size(), 2u);
    EXPECT_THAT(store->StreamVersion("s"), IsOkAndHolds(1u));
    EXPECT_THAT(store->LookupRequest("req-3"), IsOkAndHolds(std::nullopt));

    // The fault is gone, but the store stays stopped, and says so.
    EXPECT_THAT(store->WriteHealth(),
                StatusIs(absl::StatusCode::kUnavailable, ::testing::HasSubstr("reopen")));
    EXPECT_THAT(store->Append(Request("s", ExpectedVersion::Exactly(1), {Event("2")}, "req-2")),
                StatusIs(absl::StatusCode::kUnavailable, ::testing::HasSubstr("reopen")));
    EXPECT_EQ(fs->failed_writes(), 1);  // refused before reaching RocksDB
    EXPECT_EQ(store->HeadSequence(), 2u);
    // A retry of a recorded request is still answered, and a stale one still rejected.
    ASSERT_OK_AND_ASSIGN(AppendResult retry, store->Append(Request("s", ExpectedVersion::NoStream(),
                                                                   {Event("1")}, "req-1")));
    EXPECT_TRUE(retry.deduplicated);
    EXPECT_THAT(store->Append(Request("s", ExpectedVersion::Exactly(0), {Event("x")})),
                StatusIs(absl::StatusCode::kAborted));

    const auto* errors = FindFamily(registry.Collect(), "salesperf_eventstore_write_errors_total");
    ASSERT_NE(errors, nullptr);
    EXPECT_EQ(errors->metric[0].counter.value, 1.0);
  }
  auto store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(store->WriteHealth(), IsOk());
  EXPECT_EQ(store->HeadSequence(), 2u);
  EXPECT_THAT(store->LookupRequest("req-3"), IsOkAndHolds(std::nullopt));
  ASSERT_OK_AND_ASSIGN(MultiAppendResult multi, store->AppendMulti(TwoStreams("s", "t", "req-3")));
  EXPECT_EQ(multi, (MultiAppendResult{3, 4, {2, 2}, false}));
  ASSERT_OK_AND_ASSIGN(auto log, store->ReadLog(1, 100));
  ASSERT_EQ(log.size(), 4u);
  for (size_t i = 0; i < log.size(); ++i) EXPECT_EQ(log[i].sequence(), i + 1);
  EXPECT_EQ(log[2].payload().value(), "m1");
  EXPECT_THAT(store->StreamVersion("s"), IsOkAndHolds(2u));
}

INSTANTIATE_TEST_SUITE_P(Faults, WalFailureTest,
                         ::testing::Values(WalFaultFs::Fault::kRetryable,
                                           WalFaultFs::Fault::kPermanent),
                         [](const ::testing::TestParamInfo<WalFaultFs::Fault>& info) {
                           return info.param == WalFaultFs::Fault::kRetryable ? "Retryable"
                                                                              : "Permanent";
                         });

TEST_F(RocksDbEventStoreTest, ExportsMetricsLabelledBySource) {
  prometheus::Registry registry;
  EventStoreOptions options = Options();
  options.metrics = &registry;
  auto store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->Append(Request("s", ExpectedVersion::Any(), {Event("a"), Event("b")})),
              IsOk());
  ASSERT_THAT(store->Append(Request("s", ExpectedVersion::Exactly(9), {Event("c")})),
              StatusIs(absl::StatusCode::kAborted));

  const std::vector<prometheus::MetricFamily> families = registry.Collect();
  const auto* appended = FindFamily(families, "salesperf_eventstore_events_appended_total");
  ASSERT_NE(appended, nullptr);
  ASSERT_EQ(appended->metric.size(), 1u);
  EXPECT_EQ(appended->metric[0].counter.value, 2.0);
  ASSERT_EQ(appended->metric[0].label.size(), 1u);
  EXPECT_EQ(appended->metric[0].label[0].name, "source");
  EXPECT_EQ(appended->metric[0].label[0].value, "targets");

  const auto* head = FindFamily(families, "salesperf_eventstore_head_sequence");
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->metric[0].gauge.value, 2.0);
  const auto* latency = FindFamily(families, "salesperf_eventstore_append_seconds");
  ASSERT_NE(latency, nullptr);
  EXPECT_EQ(latency->metric[0].histogram.sample_count, 2u);
  const auto* size = FindFamily(families, "salesperf_rocksdb_size_bytes");
  ASSERT_NE(size, nullptr);
  EXPECT_GT(size->metric[0].gauge.value, 0.0);
  EXPECT_NE(FindFamily(families, "salesperf_eventstore_write_errors_total"), nullptr);
}

}  // namespace
}  // namespace salesperf::eventstore
