// Signed dialer pushes (`ingest.signing_secret`): POST /outbound_call_records must carry
// X-Dialtrack-Timestamp and X-Dialtrack-Signature = sha256=HMAC-SHA256(secret, ts + "." + body).
// A valid one is stored; a tampered, unsigned, badly signed or replayed (old) one is a 401 and
// stores nothing.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <chrono>

#include "support/server_test.hpp"
#include "webhook_receiver.hpp"

namespace dialtrack::test {
namespace {

namespace json = boost::json;

constexpr std::string_view kSecret = "dialer-shared-secret";

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Headers signed_headers(std::int64_t timestamp, std::string_view body,
                       std::string_view secret = kSecret) {
  const auto ts = std::to_string(timestamp);
  return {
      {"X-Dialtrack-Timestamp", ts},
      {"X-Dialtrack-Signature", "sha256=" + hmac_sha256_hex(secret, ts + "." + std::string(body))},
      {"Content-Type", "application/json"}};
}

class SignedPushTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.env = {{"DIALTRACK_INGEST_SIGNING_SECRET", std::string(kSecret)},
                   {"DIALTRACK_INGEST_SIGNATURE_MAX_AGE_S", "120"}};
    server_ = std::make_unique<ServerProcess>(options);
    server_->start();
    http_ = std::make_unique<HttpConnection>(server_->port());
    task_id_ = create_task(*http_, make_phones(2));
  }

  std::string body(std::string_view call_id, std::string_view status = "Connected") {
    return json::serialize(json::object{
        {"records", json::array{call_record(call_id, task_id_, "13900000000", status)}}});
  }

  std::int64_t stored_records() {
    return int_field(followup(*http_, task_id_).data_object(), "total_records");
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpConnection> http_;
  std::int64_t task_id_ = 0;
};

TEST_F(SignedPushTest, SignedPushIsAccepted) {
  const auto payload = body("s1");
  const auto response =
      http_->post_text("/outbound_call_records", payload, signed_headers(unix_now(), payload));
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(ingest_counts(response).accepted, 1);
  EXPECT_EQ(stored_records(), 1);
}

TEST_F(SignedPushTest, TamperedBodyIsRefused) {
  const auto payload = body("s2", "NoAnswer");
  const auto tampered = body("s2", "Connected");
  ASSERT_EQ(payload.size() + 1, tampered.size());
  const auto response =
      http_->post_text("/outbound_call_records", tampered, signed_headers(unix_now(), payload));
  EXPECT_TRUE(is_error(response, 401));
  EXPECT_TRUE(has_chinese(response.message()));
  EXPECT_EQ(stored_records(), 0);
}

TEST_F(SignedPushTest, WrongSecretOrMalformedSignatureIsRefused) {
  const auto payload = body("s3");
  const auto now = unix_now();
  EXPECT_TRUE(is_error(http_->post_text("/outbound_call_records", payload,
                                        signed_headers(now, payload, "another-secret")),
                       401));
  for (const auto* signature : {"", "sha256=", "sha256=zz", "md5=abc", "deadbeef"}) {
    EXPECT_TRUE(is_error(http_->post_text("/outbound_call_records", payload,
                                          {{"X-Dialtrack-Timestamp", std::to_string(now)},
                                           {"X-Dialtrack-Signature", signature}}),
                         401))
        << signature;
  }
  // A signature over the body alone, without the timestamp, is not the scheme.
  EXPECT_TRUE(is_error(
      http_->post_text("/outbound_call_records", payload,
                       {{"X-Dialtrack-Timestamp", std::to_string(now)},
                        {"X-Dialtrack-Signature", "sha256=" + hmac_sha256_hex(kSecret, payload)}}),
      401));
  EXPECT_EQ(stored_records(), 0);
}

TEST_F(SignedPushTest, UnsignedPushIsRefused) {
  const auto response =
      http_->post_text("/outbound_call_records", body("s4"), {{"Accept-Language", "en"}});
  EXPECT_TRUE(is_error(response, 401));
  EXPECT_NE(response.message().find("X-Dialtrack-Signature"), std::string::npos);
  EXPECT_EQ(stored_records(), 0);
}

TEST_F(SignedPushTest, ReplayedOldPushIsRefused) {
  const auto payload = body("s5");
  // Signed correctly, but 10 minutes ago: outside the 120 s window.
  const auto old = unix_now() - 600;
  const auto response =
      http_->post_text("/outbound_call_records", payload, signed_headers(old, payload));
  EXPECT_TRUE(is_error(response, 401));
  // So is a timestamp from the future, and one that is not a number.
  EXPECT_TRUE(is_error(http_->post_text("/outbound_call_records", payload,
                                        signed_headers(unix_now() + 600, payload)),
                       401));
  const auto when = "yesterday";
  EXPECT_TRUE(is_error(
      http_->post_text("/outbound_call_records", payload,
                       {{"X-Dialtrack-Timestamp", when},
                        {"X-Dialtrack-Signature",
                         "sha256=" + hmac_sha256_hex(kSecret, std::string(when) + "." + payload)}}),
      401));
  EXPECT_EQ(stored_records(), 0);
}

TEST_F(SignedPushTest, OtherRoutesNeedNoSignature) {
  EXPECT_EQ(http_->post("/tasks", json::object{{"name", "unsigned is fine"}}).status, 201u);
  EXPECT_EQ(check_task(*http_, task_id_).status, 200u);
}

}  // namespace
}  // namespace dialtrack::test
