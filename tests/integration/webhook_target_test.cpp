// Webhook targets: unless `webhooks.allow_private_targets`
// (DIALTRACK_WEBHOOKS_ALLOW_PRIVATE_TARGETS), a subscription to a loopback, private, link-local,
// unspecified or multicast literal address is a 400 naming `url`; and a host name is resolved at
// delivery time and only connected to at a public address, so `localhost` (or a name rebound to
// 127.0.0.1) gets nothing: the attempt is recorded as failed with the reason.
#include <gtest/gtest.h>

#include "support/server_test.hpp"
#include "webhook_steps.hpp"

namespace dialtrack::test {
namespace {

namespace json = boost::json;

/// The webhook test settings without the allowance of private targets.
ServerOptions strict_options(const EnvVars& extra = {}) {
  auto options = webhook_server_options(extra);
  std::erase_if(options.env, [](const auto& entry) {
    return entry.first == "DIALTRACK_WEBHOOKS_ALLOW_PRIVATE_TARGETS";
  });
  return options;
}

TEST(WebhookTargetTest, PrivateLiteralAddressesAreRefusedAtSubscription) {
  ServerProcess server(strict_options());
  server.start();
  HttpConnection http(server.port());
  for (const auto* url :
       {"http://127.0.0.1:9/hook", "http://127.1/", "http://2130706433/", "http://[::1]:8080/",
        "http://10.1.2.3/", "http://172.20.0.1/", "https://192.168.0.10/x", "http://100.64.1.1/",
        "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://[fd00::1]/",
        "http://0.0.0.0/", "http://[::]/", "http://224.0.0.1/", "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/", "http://user@127.0.0.1/"}) {
    const auto response = http.post("/webhooks", json::object{{"url", url}, {"secret", "s"}});
    EXPECT_TRUE(is_field_error(response, "url")) << url << ": " << response.describe();
  }
  const auto en =
      http.post("/webhooks", json::object{{"url", "http://169.254.169.254/"}, {"secret", "s"}},
                {{"Accept-Language", "en"}});
  EXPECT_NE(en.message().find("link-local"), std::string::npos) << en.message();
  EXPECT_TRUE(http.get("/webhooks").data_object().at("items").as_array().empty());
  // Public addresses and host names are accepted here (names are checked when delivering).
  EXPECT_EQ(
      http.post("/webhooks", json::object{{"url", "https://93.184.216.34/h"}, {"secret", "s"}})
          .status,
      201u);
  EXPECT_EQ(http.post("/webhooks", json::object{{"url", "https://example.com/h"}, {"secret", "s"}})
                .status,
            201u);
}

TEST(WebhookTargetTest, ANameResolvingToLoopbackIsRefusedAtDelivery) {
  WebhookReceiver receiver;
  ServerProcess server(strict_options({{"DIALTRACK_WEBHOOKS_MAX_ATTEMPTS", "2"}}));
  server.start();
  HttpConnection http(server.port());
  const auto url = "http://localhost:" + std::to_string(receiver.port()) + "/hook";
  const auto webhook = create_webhook(http, url, "s", {{"task.completed"}});
  complete_new_task(http);

  const auto items = wait_for_deliveries(
      http, webhook, [](const json::array& rows) { return all_have_status(rows, 1, "failed"); });
  const auto& row = items[0].as_object();
  EXPECT_EQ(int_field(row, "attempts"), 2);
  const auto error = string_field(row, "last_error");
  EXPECT_NE(error.find("refused"), std::string::npos) << error;
  EXPECT_NE(error.find("loopback"), std::string::npos) << error;
  EXPECT_NE(error.find("allow_private_targets"), std::string::npos) << error;
  EXPECT_TRUE(receiver.requests().empty());
}

TEST(WebhookTargetTest, AllowedPrivateTargetsAreDelivered) {
  WebhookReceiver receiver;
  ServerProcess server(webhook_server_options());
  server.start();
  HttpConnection http(server.port());
  create_webhook(http, "http://localhost:" + std::to_string(receiver.port()) + "/hook", "s",
                 {{"task.completed"}});
  complete_new_task(http);
  EXPECT_TRUE(receiver.wait_for_successes(1));
}

TEST(WebhookTargetTest, PrivateConfiguredWebhookStopsTheStart) {
  const auto refused = run_dialtrack({"serve", "--listen", "127.0.0.1:0", "--db", ":memory:"},
                                     {{"DIALTRACK_WEBHOOKS_URLS", "http://10.0.0.5/hook|s"}});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("allow_private_targets"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace dialtrack::test
