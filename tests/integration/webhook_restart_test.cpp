// Webhook delivery state lives in the database: deliveries pending when the service is killed
// are sent after it starts again, and webhooks from the configuration are upserted, not
// duplicated, at each start.
#include <gtest/gtest.h>

#include <set>

#include "support/server_test.hpp"
#include "webhook_steps.hpp"

namespace dialtrack::test {
namespace {

namespace json = boost::json;

TEST(WebhookRestartTest, DeliveriesPendingAtKill9AreSentAfterTheRestart) {
  auto receiver = std::make_unique<WebhookReceiver>();
  const auto port = receiver->port();
  const auto url = receiver->url();
  receiver.reset();  // down while the events happen
  // An attempt cut by the kill keeps its claim for the timeout + 10 s: keep that short.
  ServerProcess server(webhook_server_options({{"DIALTRACK_WEBHOOKS_TIMEOUT_MS", "1000"}}));
  server.start();
  std::set<std::string> pending;
  {
    HttpConnection http(server.port());
    const auto webhook = create_webhook(http, url, "s", {{"task.completed"}});
    for (int i = 0; i < 3; ++i) {
      complete_new_task(http);
    }
    // Written with the completions: pending at once, and tried (in vain) meanwhile.
    const auto items = wait_for_deliveries(http, webhook, [](const json::array& rows) {
      if (rows.size() != 3) {
        return false;
      }
      for (const auto& item : rows) {
        if (int_field(item.as_object(), "attempts") < 1) {
          return false;
        }
      }
      return true;
    });
    for (const auto& item : items) {
      EXPECT_EQ(string_field(item.as_object(), "status"), "pending");
      pending.insert(string_field(item.as_object(), "event_id"));
    }
  }
  server.kill9();

  receiver = std::make_unique<WebhookReceiver>(port);
  server.restart();
  ASSERT_TRUE(receiver->wait_for_successes(3));
  std::set<std::string> delivered;
  for (const auto& request : receiver->requests()) {
    delivered.insert(request.header("x-dialtrack-event-id"));
  }
  EXPECT_EQ(delivered, pending);
}

TEST(WebhookRestartTest, ConfiguredWebhooksAreUpsertedByUrlAtEachStart) {
  WebhookReceiver receiver;
  auto options = webhook_server_options();
  options.config_toml = "[webhooks]\nurls = [\"" + receiver.url("/from-config") +
                        "|config-secret|task.completed\"]\n";
  ServerProcess server(options);
  server.start();
  {
    HttpConnection http(server.port());
    const auto listed = http.get("/webhooks").data_object().at("items").as_array();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(string_field(listed[0].as_object(), "url"), receiver.url("/from-config"));
    EXPECT_EQ(listed[0].as_object().at("events"), json::array{"task.completed"});
    complete_new_task(http);
  }
  ASSERT_TRUE(receiver.wait_for_successes(1));
  const auto request = receiver.requests().at(0);
  EXPECT_EQ(request.target, "/from-config");
  EXPECT_EQ(request.header("x-dialtrack-signature"),
            "sha256=" + hmac_sha256_hex("config-secret", request.body));

  ASSERT_EQ(server.terminate(), 0);
  server.restart();
  HttpConnection http(server.port());
  EXPECT_EQ(http.get("/webhooks").data_object().at("items").as_array().size(), 1u);
}

TEST(WebhookRestartTest, BadConfiguredWebhookStopsTheStart) {
  const auto result = run_dialtrack({"serve", "--listen", "127.0.0.1:0", "--db", ":memory:"},
                                    {{"DIALTRACK_WEBHOOKS_URLS", "ftp://x|s"}});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("webhooks.urls"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace dialtrack::test
