#include "libs/server/auth.h"

#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/status_matchers.h"
#include "libs/testing/temp_dir.h"

namespace salesperf::server {
namespace {

using ::salesperf::testing::IsOk;
using ::salesperf::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

Metadata WithAuthorization(const std::string& value) {
  Metadata metadata;
  // string_ref does not own: `value` is kept alive by the caller's storage below.
  metadata.emplace("authorization", grpc::string_ref(value));
  return metadata;
}

std::string TokenFile() {
  return "# salesperf tokens\n"
         "\n" +
         Sha256Hex("alice-token") + " alice admin,manager\n" +  //
         "  " + Sha256Hex("loadgen-token") + "\tloadgen  \n";   // no roles, odd spacing
}

TEST(Sha256HexTest, KnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(StaticTokenAuthenticatorTest, GoodTokenGivesItsPrincipal) {
  ASSERT_OK_AND_ASSIGN(auto auth, StaticTokenAuthenticator::FromString(TokenFile()));
  EXPECT_EQ(auth->size(), 2u);
  const std::string alice = "Bearer alice-token";
  ASSERT_OK_AND_ASSIGN(Principal p, auth->Authenticate("/x.Y/Z", WithAuthorization(alice)));
  EXPECT_EQ(p.subject, "alice");
  EXPECT_THAT(p.roles, ElementsAre("admin", "manager"));
  EXPECT_TRUE(p.HasRole("manager"));
  EXPECT_FALSE(p.HasRole("rep"));

  const std::string loadgen = "bearer loadgen-token";  // scheme is case-insensitive
  ASSERT_OK_AND_ASSIGN(Principal q, auth->Authenticate("", WithAuthorization(loadgen)));
  EXPECT_EQ(q.subject, "loadgen");
  EXPECT_TRUE(q.roles.empty());
}

TEST(StaticTokenAuthenticatorTest, RejectsMissingMalformedAndUnknownCredentials) {
  ASSERT_OK_AND_ASSIGN(auto auth, StaticTokenAuthenticator::FromString(TokenFile()));
  EXPECT_THAT(auth->Authenticate("", Metadata{}),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("missing")));
  for (const std::string& value :
       std::vector<std::string>{"alice-token", "Basic alice-token", "Bearer ", "Bearer alice-tokeN",
                                "Bearer  alice-token", "Bearer " + Sha256Hex("alice-token")}) {
    auto result = auth->Authenticate("", WithAuthorization(value));
    EXPECT_THAT(result, StatusIs(absl::StatusCode::kUnauthenticated)) << value;
    // The credential never shows up in the message sent back.
    EXPECT_THAT(std::string(result.status().message()), Not(HasSubstr("alice-token")));
  }
}

TEST(StaticTokenAuthenticatorTest, MalformedFilesAreRejectedWithTheLineNumber) {
  EXPECT_THAT(StaticTokenAuthenticator::FromString("# only a comment\n\n"), IsOk());
  EXPECT_THAT(StaticTokenAuthenticator::FromString("\n" + Sha256Hex("t") + "\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2")));
  EXPECT_THAT(StaticTokenAuthenticator::FromString("abcd alice admin\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("64 hex")));
  EXPECT_THAT(StaticTokenAuthenticator::FromString(std::string(64, 'g') + " alice\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("64 hex")));
  EXPECT_THAT(StaticTokenAuthenticator::FromString(Sha256Hex("t") + " a r extra\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 1")));
  EXPECT_THAT(
      StaticTokenAuthenticator::FromString(Sha256Hex("t") + " a\n" + Sha256Hex("t") + " b\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duplicate")));
}

TEST(StaticTokenAuthenticatorTest, ReadsAFile) {
  salesperf::testing::TempDir dir;
  const std::string path = dir.Sub("tokens");
  std::ofstream(path) << TokenFile();
  ASSERT_OK_AND_ASSIGN(auto auth, StaticTokenAuthenticator::FromFile(path));
  EXPECT_EQ(auth->size(), 2u);
  EXPECT_THAT(StaticTokenAuthenticator::FromFile(dir.Sub("missing")),
              StatusIs(absl::StatusCode::kNotFound));
  std::ofstream(dir.Sub("bad")) << "nonsense\n";
  EXPECT_THAT(StaticTokenAuthenticator::FromFile(dir.Sub("bad")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad: token file line 1")));
}

}  // namespace
}  // namespace salesperf::server
