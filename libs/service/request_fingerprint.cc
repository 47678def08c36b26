#include "libs/service/request_fingerprint.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message.h"
#include "google/protobuf/wire_format_lite.h"
#include "libs/common/validation.h"

namespace salesperf::service {

absl::Status CheckRequestId(std::string_view request_id) {
  if (request_id.empty()) {
    return InvalidField("request_id", "is required: an idempotency key such as a UUID");
  }
  if (request_id.size() > kMaxRequestIdLength) {
    return InvalidField("request_id", "must be at most 128 bytes");
  }
  return absl::OkStatus();
}

absl::Status ReusedRequestIdError(std::string_view request_id) {
  return absl::AlreadyExistsError(absl::StrCat(
      "request_id ", std::string(request_id),
      " was already used for a different request; use a new request_id for a new request"));
}

uint64_t StableHash64(std::string_view data, uint64_t hash) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

namespace {

// Hashes the top-level fields of `bytes` (a serialized message) except field `skip`,
// continuing from `hash`. Top-level fields are serialized one after another and each
// independently of the others, so this is the hash of the message serialized with field
// `skip` cleared. False if `bytes` is not well-formed wire format.
bool HashWithoutField(const std::string& bytes, int skip, uint64_t& hash) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  int start = 0;
  while (uint32_t tag = in.ReadTag()) {
    if (!google::protobuf::internal::WireFormatLite::SkipField(&in, tag)) return false;
    const int end = in.CurrentPosition();
    if (google::protobuf::internal::WireFormatLite::GetTagFieldNumber(tag) != skip) {
      hash = StableHash64(std::string_view(bytes).substr(start, end - start), hash);
    }
    start = end;
  }
  return start == static_cast<int>(bytes.size());
}

std::string SerializeDeterministically(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

}  // namespace

// Serializes the request once and skips request_id's bytes instead of copying the request
// to clear the field: the same bytes, so fingerprints stored before still match.
std::string RequestFingerprint(const google::protobuf::Message& request, std::string_view service) {
  const std::string bytes = SerializeDeterministically(request);
  const std::string& name = request.GetDescriptor()->full_name();
  const uint64_t type_hash = StableHash64(absl::StrCat(name.size(), ":", name));
  const google::protobuf::FieldDescriptor* id =
      request.GetDescriptor()->FindFieldByName("request_id");
  uint64_t hash = type_hash;
  if (id == nullptr) {
    hash = StableHash64(bytes, hash);
  } else if (!HashWithoutField(bytes, id->number(), hash)) {
    // Not reached for bytes protobuf just wrote; copying and clearing is always right.
    std::unique_ptr<google::protobuf::Message> copy(request.New());
    copy->CopyFrom(request);
    copy->GetReflection()->ClearField(copy.get(), id);
    hash = StableHash64(SerializeDeterministically(*copy), type_hash);
  }
  return absl::StrFormat("%s-fp1:%016x", std::string(service), hash);
}

}  // namespace salesperf::service
