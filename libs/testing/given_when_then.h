// Given/when/then for pure deciders (the Decider pattern: decide + evolve).
//
//   DeciderSpec<DealState, DealEvent, DealCommand> spec(DecideDeal, EvolveDeal, DealState{});
//   spec.Given({created, qualified}).When(win).ThenEvents({won});
//   spec.Given({won}).When(win).ThenError(absl::StatusCode::kFailedPrecondition, "already won");
//
// No I/O: the state is folded from the given events with evolve, then decide runs once.
// Event comparison uses operator== where the type has one, else protobuf equality.
#ifndef SALESPERF_LIBS_TESTING_GIVEN_WHEN_THEN_H_
#define SALESPERF_LIBS_TESTING_GIVEN_WHEN_THEN_H_

#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace salesperf::testing {

template <typename State, typename Event, typename Command>
class DeciderSpec {
 public:
  using DecideFn = std::function<absl::StatusOr<std::vector<Event>>(const Command&, const State&)>;
  using EvolveFn = std::function<State(State, const Event&)>;

  DeciderSpec(DecideFn decide, EvolveFn evolve, State initial)
      : decide_(std::move(decide)), evolve_(std::move(evolve)), initial_(std::move(initial)) {}

  DeciderSpec& Given(std::vector<Event> events) {
    given_ = std::move(events);
    return *this;
  }
  DeciderSpec& When(Command command) {
    command_ = std::move(command);
    return *this;
  }

  // The state folded from the given events (for assertions on evolve).
  State GivenState() const {
    State state = initial_;
    for (const Event& e : given_) state = evolve_(std::move(state), e);
    return state;
  }

  // The raw outcome, for custom assertions.
  absl::StatusOr<std::vector<Event>> Decide() const {
    EXPECT_TRUE(command_.has_value()) << "When() was not called";
    return decide_(*command_, GivenState());
  }

  void ThenEvents(const std::vector<Event>& expected) const {
    absl::StatusOr<std::vector<Event>> got = Decide();
    ASSERT_TRUE(got.ok()) << "expected events, got error " << got.status();
    ASSERT_EQ(got->size(), expected.size()) << "wrong number of events";
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_TRUE(Same((*got)[i], expected[i])) << "event " << i << " differs";
    }
  }

  void ThenNoEvents() const { ThenEvents({}); }

  void ThenError(absl::StatusCode code, const std::string& message_substring = "") const {
    absl::StatusOr<std::vector<Event>> got = Decide();
    ASSERT_FALSE(got.ok()) << "expected error " << absl::StatusCodeToString(code) << ", got "
                           << got->size() << " events";
    EXPECT_EQ(got.status().code(), code) << got.status();
    EXPECT_THAT(std::string(got.status().message()), ::testing::HasSubstr(message_substring));
  }

 private:
  static bool Same(const Event& a, const Event& b) {
    if constexpr (std::is_base_of_v<google::protobuf::Message, Event>) {
      return google::protobuf::util::MessageDifferencer::Equals(a, b);
    } else {
      return a == b;
    }
  }

  DecideFn decide_;
  EvolveFn evolve_;
  State initial_;
  std::vector<Event> given_;
  std::optional<Command> command_;
};

}  // namespace salesperf::testing

#endif  // SALESPERF_LIBS_TESTING_GIVEN_WHEN_THEN_H_
