// ContactStore: the only place the feedback service keeps customer contact data (the
// phone number a callback needs), in the ViewDb column family view.feedback_contacts,
// keyed "k/<callback_id>". Not in any event, never logged, deleted when the callback
// completes. It is written by the application, not folded from events, so a view
// rebuild keeps it.
//
// Thread safety: all methods may be called from any thread.
#ifndef SALESPERF_SERVICES_FEEDBACK_APP_CONTACT_STORE_H_
#define SALESPERF_SERVICES_FEEDBACK_APP_CONTACT_STORE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "libs/projection/view_db.h"

namespace salesperf::feedback {

class ContactStore {
 public:
  // `views` must hold the feedback_contacts column family; not owned.
  explicit ContactStore(projection::ViewDb* views) : views_(views) {}

  absl::Status PutPhone(const std::string& callback_id, const std::string& phone);
  absl::StatusOr<std::optional<std::string>> GetPhone(const std::string& callback_id) const;
  absl::Status DeletePhone(const std::string& callback_id);

 private:
  projection::ViewDb* views_;
};

}  // namespace salesperf::feedback

#endif  // SALESPERF_SERVICES_FEEDBACK_APP_CONTACT_STORE_H_
