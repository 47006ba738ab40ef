// /webhooks: subscriptions are created (201, the secret never shown again), listed, read,
// deleted; bad bodies are a 400 naming the field; unknown ids a 404.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "support/server_test.hpp"
#include "webhook_steps.hpp"

namespace dialtrack::test {
namespace {

namespace json = boost::json;

/// The subscriptions below name loopback addresses, which a server refuses unless private
/// targets are allowed (webhook_target_test covers the refusal).
class WebhookApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.start();
    http_ = std::make_unique<HttpConnection>(server_.port());
  }
  HttpConnection& http() { return *http_; }

  ServerProcess server_{webhook_server_options()};
  std::unique_ptr<HttpConnection> http_;
};

TEST_F(WebhookApiTest, CreateAnswers201WithTheWebhookButNotItsSecret) {
  const auto response = http().post(
      "/webhooks", json::object{{"url", "http://127.0.0.1:9/hook"}, {"secret", "s3cret"}});
  ASSERT_EQ(response.status, 201u) << response.describe();
  EXPECT_TRUE(is_envelope(response));
  EXPECT_TRUE(has_chinese(response.message()));
  const auto& data = response.data_object();
  EXPECT_GT(int_field(data, "webhook_id"), 0);
  EXPECT_EQ(string_field(data, "url"), "http://127.0.0.1:9/hook");
  EXPECT_TRUE(bool_field(data, "has_secret"));
  EXPECT_TRUE(is_rfc3339_utc(string_field(data, "created_at")));
  EXPECT_FALSE(data.contains("secret"));
  EXPECT_EQ(response.body.find("s3cret"), std::string::npos);
  // Without `events`, every event.
  EXPECT_EQ(data.at("events"), (json::array{"task.completed", "task.status_changed"}));
}

TEST_F(WebhookApiTest, EventsAreKeptAsGivenOnce) {
  const auto response = http().post(
      "/webhooks", json::object{{"url", "https://example.com/x?y=1"},
                                {"secret", "s"},
                                {"events", json::array{"task.completed", "task.completed"}}});
  ASSERT_EQ(response.status, 201u) << response.describe();
  EXPECT_EQ(response.data_object().at("events"), json::array{"task.completed"});
}

TEST_F(WebhookApiTest, WebhooksAreListedReadAndDeleted) {
  const auto first = create_webhook(http(), "http://127.0.0.1:9/a", "one", {{"task.completed"}});
  const auto second = create_webhook(http(), "http://127.0.0.1:9/b", "two");

  auto listed = http().get("/webhooks");
  ASSERT_EQ(listed.status, 200u) << listed.describe();
  const auto& items = listed.data_object().at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(int_field(items[0].as_object(), "webhook_id"), first);
  EXPECT_EQ(int_field(items[1].as_object(), "webhook_id"), second);
  EXPECT_EQ(listed.body.find("one"), std::string::npos);

  const auto got = http().get("/webhooks/" + std::to_string(first));
  ASSERT_EQ(got.status, 200u) << got.describe();
  EXPECT_EQ(string_field(got.data_object(), "url"), "http://127.0.0.1:9/a");
  EXPECT_EQ(got.data_object().at("events"), json::array{"task.completed"});

  const auto removed = http().del("/webhooks/" + std::to_string(first));
  ASSERT_EQ(removed.status, 200u) << removed.describe();
  EXPECT_TRUE(is_error(http().get("/webhooks/" + std::to_string(first)), 404));
  EXPECT_TRUE(is_error(http().del("/webhooks/" + std::to_string(first)), 404));
  EXPECT_EQ(http().get("/webhooks").data_object().at("items").as_array().size(), 1u);
}

TEST_F(WebhookApiTest, BadBodiesNameTheField) {
  struct Case {
    json::object body;
    std::string field;
  };
  const std::vector<Case> cases{
      {{{"secret", "s"}}, "url"},
      {{{"url", 5}, {"secret", "s"}}, "url"},
      {{{"url", ""}, {"secret", "s"}}, "url"},
      {{{"url", "ftp://example.com/"}, {"secret", "s"}}, "url"},
      {{{"url", "http://"}, {"secret", "s"}}, "url"},
      {{{"url", "http://exa mple.com/"}, {"secret", "s"}}, "url"},
      {{{"url", "example.com/hook"}, {"secret", "s"}}, "url"},
      {{{"url", "http://" + std::string(2100, 'a')}, {"secret", "s"}}, "url"},
      {{{"url", "http://example.com/"}}, "secret"},
      {{{"url", "http://example.com/"}, {"secret", ""}}, "secret"},
      {{{"url", "http://example.com/"}, {"secret", json::array{}}}, "secret"},
      {{{"url", "http://example.com/"}, {"secret", std::string(300, 's')}}, "secret"},
      {{{"url", "http://example.com/"}, {"secret", "s"}, {"events", "task.completed"}}, "events"},
      {{{"url", "http://example.com/"}, {"secret", "s"}, {"events", json::array{}}}, "events"},
      {{{"url", "http://example.com/"}, {"secret", "s"}, {"events", json::array{1}}}, "events[0]"},
      {{{"url", "http://example.com/"},
        {"secret", "s"},
        {"events", json::array{"task.completed", "task.created"}}},
       "events[1]"},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(is_field_error(http().post("/webhooks", c.body), c.field))
        << json::serialize(c.body);
  }
  EXPECT_TRUE(http().get("/webhooks").data_object().at("items").as_array().empty());
}

TEST_F(WebhookApiTest, FieldErrorsSpeakEnglishWhenAsked) {
  const auto response = http().post("/webhooks", json::object{{"url", "ftp://x/"}, {"secret", "s"}},
                                    {{"Accept-Language", "en"}});
  ASSERT_TRUE(is_field_error(response, "url"));
  EXPECT_NE(response.message().find("url"), std::string::npos);
  EXPECT_FALSE(has_chinese(response.message()));
  const auto chinese = http().post(
      "/webhooks",
      json::object{{"url", "http://x/"}, {"secret", "s"}, {"events", json::array{"x"}}});
  ASSERT_TRUE(is_field_error(chinese, "events[0]"));
  EXPECT_TRUE(has_chinese(chinese.message()));
}

TEST_F(WebhookApiTest, UnknownOrMalformedIdsAreRefused) {
  EXPECT_TRUE(is_error(http().get("/webhooks/999"), 404));
  EXPECT_TRUE(is_error(http().get("/webhooks/999/deliveries"), 404));
  EXPECT_TRUE(is_error(http().del("/webhooks/999"), 404));
  EXPECT_TRUE(is_field_error(http().get("/webhooks/abc"), "webhook_id"));
  EXPECT_TRUE(is_field_error(http().get("/webhooks/0/deliveries"), "webhook_id"));
  const auto id = create_webhook(http(), "http://127.0.0.1:9/a", "s");
  EXPECT_TRUE(is_field_error(
      http().get("/webhooks/" + std::to_string(id) + "/deliveries?page_size=0"), "page_size"));
  EXPECT_TRUE(
      is_field_error(http().get("/webhooks/" + std::to_string(id) + "/deliveries?page=x"), "page"));
}

}  // namespace
}  // namespace dialtrack::test
