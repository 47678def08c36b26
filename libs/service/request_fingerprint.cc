#include "libs/service/request_fingerprint.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message.h"

namespace salesperf::service {

uint64_t StableHash64(std::string_view data, uint64_t hash) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string RequestFingerprint(const google::protobuf::Message& request,
                               std::string_view service) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  if (const google::protobuf::FieldDescriptor* id =
          copy->GetDescriptor()->FindFieldByName("request_id")) {
    copy->GetReflection()->ClearField(copy.get(), id);
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  const std::string& name = request.GetDescriptor()->full_name();
  uint64_t hash = StableHash64(absl::StrCat(name.size(), ":", name));
  hash = StableHash64(bytes, hash);
  return absl::StrFormat("%s-fp1:%016x", std::string(service), hash);
}

}  // namespace salesperf::service
