#include "services/feedback/app/contact_store.h"

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "rocksdb/db.h"
#include "services/feedback/projections/feedback_views.h"

namespace salesperf::feedback {
namespace {

std::string Key(const std::string& callback_id) { return "k/" + callback_id; }

absl::Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return absl::OkStatus();
  // The message names the operation, never the number.
  return absl::UnavailableError(absl::StrCat("contact store: ", s.ToString()));
}

}  // namespace

absl::Status ContactStore::PutPhone(const std::string& callback_id, const std::string& phone) {
  ASSIGN_OR_RETURN(rocksdb::ColumnFamilyHandle * handle, views_->ViewHandle(kContactsViewName));
  return FromRocks(views_->db()->Put(views_->write_options(), handle, Key(callback_id), phone));
}

absl::StatusOr<std::optional<std::string>> ContactStore::GetPhone(
    const std::string& callback_id) const {
  return views_->Get(kContactsViewName, Key(callback_id));
}

absl::Status ContactStore::DeletePhone(const std::string& callback_id) {
  ASSIGN_OR_RETURN(rocksdb::ColumnFamilyHandle * handle, views_->ViewHandle(kContactsViewName));
  return FromRocks(views_->db()->Delete(views_->write_options(), handle, Key(callback_id)));
}

}  // namespace salesperf::feedback
