// Publisher: produces records to the bus and reports each one's fate.
//
// Contract:
// - Publish() enqueues a record and returns at once. Every accepted record gets exactly
//   one DeliveryReport, with the caller's `tag`, through the callback given to the
//   implementation at construction. Reports are delivered only from inside Poll() or
//   Flush(), on the calling thread.
// - Records with the same key in the same topic are delivered in Publish() order, and
//   the delivered records of a partition are always a prefix of those published to it
//   (no gaps), as long as no report carries an error.
// - A failed report means the record may or may not have been written: publish it again
//   to be sure (at-least-once; consumers de-duplicate).
//
// Thread safety: every method may be called from any thread; callbacks run on the
// thread that calls Poll() or Flush().
#ifndef SALESPERF_LIBS_BUS_PUBLISHER_H_
#define SALESPERF_LIBS_BUS_PUBLISHER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace salesperf::bus {

struct Header {
  std::string key;
  std::string value;
  friend bool operator==(const Header&, const Header&) = default;
};

struct Record {
  std::string topic;
  std::string key;
  std::string value;
  std::vector<Header> headers;
  // Opaque to the publisher; returned in the record's DeliveryReport.
  uint64_t tag = 0;
};

struct DeliveryReport {
  uint64_t tag = 0;
  // OK: written to the partition's leader and its in-sync replicas (acks=all).
  // Otherwise UNAVAILABLE (timed out, purged, broker unreachable) or another code for
  // a permanent error (e.g. INVALID_ARGUMENT: record too large).
  absl::Status status;
  int32_t partition = -1;
  int64_t offset = -1;  // -1 when unknown or failed
};

using DeliveryCallback = std::function<void(const DeliveryReport&)>;

class Publisher {
 public:
  virtual ~Publisher() = default;

  // Enqueues `record`. RESOURCE_EXHAUSTED when the local queue is full: call Poll() and
  // try again (back-pressure; nothing was enqueued). UNAVAILABLE while the publisher is
  // being rebuilt after a fatal error. A non-OK return means no report will come.
  virtual absl::Status Publish(Record record) = 0;

  // Serves delivery reports, waiting up to `timeout` for the first. Returns how many
  // events it served.
  virtual int Poll(absl::Duration timeout) = 0;

  // Waits until every accepted record has been reported or `timeout` passes, serving
  // reports. DEADLINE_EXCEEDED if some are still in flight.
  virtual absl::Status Flush(absl::Duration timeout) = 0;

  // Records accepted and not yet reported.
  virtual size_t InFlight() const = 0;
};

using PublisherPtr = std::unique_ptr<Publisher>;

}  // namespace salesperf::bus

#endif  // SALESPERF_LIBS_BUS_PUBLISHER_H_
