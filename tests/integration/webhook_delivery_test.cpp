// Webhook delivery with a real receiver on a loopback port: every completion arrives, signed;
// a receiver that answered 2xx never gets the same event again; failed attempts are retried
// until delivered or given up; and a receiver that hangs holds up no ingestion.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <map>
#include <set>

#include "support/server_test.hpp"
#include "webhook_steps.hpp"

namespace dialtrack::test {
namespace {

namespace json = boost::json;

constexpr std::string_view kSecret = "s3cret-for-tests";

std::size_t successes(const std::vector<ReceivedRequest>& requests) {
  std::size_t n = 0;
  for (const auto& r : requests) {
    n += (r.answered >= 200 && r.answered < 300) ? 1 : 0;
  }
  return n;
}

TEST(WebhookDeliveryTest, EachCompletionIsDeliveredSignedOnce) {
  WebhookReceiver receiver;
  ServerProcess server(webhook_server_options());
  server.start();
  HttpConnection http(server.port());
  create_webhook(http, receiver.url("/done?source=dialtrack"), std::string(kSecret),
                 {{"task.completed"}});
  std::set<std::int64_t> completed;
  for (int i = 0; i < 5; ++i) {
    completed.insert(complete_new_task(http, 1 + i));
  }

  ASSERT_TRUE(receiver.wait_for_successes(completed.size()));
  std::set<std::int64_t> delivered_tasks;
  std::set<std::string> event_ids;
  for (const auto& request : receiver.requests()) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/done?source=dialtrack");
    EXPECT_EQ(request.header("content-type"), "application/json");
    EXPECT_EQ(request.header("x-dialtrack-event"), "task.completed");
    EXPECT_EQ(request.header("x-dialtrack-signature"),
              "sha256=" + hmac_sha256_hex(kSecret, request.body))
        << request.body;
    const auto body = body_of(request);
    EXPECT_EQ(string_field(body, "event"), "task.completed");
    EXPECT_EQ(string_field(body, "event_id"), request.header("x-dialtrack-event-id"));
    EXPECT_EQ(string_field(body, "event_id").size(), 32u);
    EXPECT_EQ(int_field(body, "from"), 2);
    EXPECT_EQ(int_field(body, "to"), 3);
    EXPECT_EQ(string_field(body, "reason"), "records_ingested");
    EXPECT_TRUE(is_rfc3339_utc(string_field(body, "at"))) << request.body;
    delivered_tasks.insert(int_field(body, "task_id"));
    event_ids.insert(string_field(body, "event_id"));
  }
  EXPECT_EQ(delivered_tasks, completed);
  EXPECT_EQ(event_ids.size(), completed.size());
}

TEST(WebhookDeliveryTest, HttpsReceiversAreReachedWithAVerifiedCertificate) {
  TempDir certificates;
  const auto tls = make_test_certificate(certificates.path().string());
  WebhookReceiver receiver(0, tls);
  // The service trusts the receiver's self-signed certificate as an extra CA.
  ServerProcess server(webhook_server_options({{"DIALTRACK_WEBHOOKS_CA_FILE", tls.cert_file}}));
  server.start();
  HttpConnection http(server.port());
  const auto webhook =
      create_webhook(http, receiver.url(), std::string(kSecret), {{"task.completed"}});
  ASSERT_EQ(receiver.url().rfind("https://", 0), 0u);
  complete_new_task(http);

  ASSERT_TRUE(receiver.wait_for_successes(1));
  const auto request = receiver.requests().at(0);
  EXPECT_EQ(request.header("x-dialtrack-signature"),
            "sha256=" + hmac_sha256_hex(kSecret, request.body));
  wait_for_deliveries(
      http, webhook, [](const json::array& rows) { return all_have_status(rows, 1, "delivered"); });
}

TEST(WebhookDeliveryTest, AnUntrustedCertificateIsAFailedAttempt) {
  TempDir certificates;
  WebhookReceiver receiver(0, make_test_certificate(certificates.path().string()));
  ServerProcess server(webhook_server_options());  // the system's roots only
  server.start();
  HttpConnection http(server.port());
  const auto webhook =
      create_webhook(http, receiver.url(), std::string(kSecret), {{"task.completed"}});
  complete_new_task(http);

  const auto rows = wait_for_deliveries(http, webhook, [](const json::array& items) {
    return items.size() == 1 && int_field(items[0].as_object(), "attempts") >= 1;
  });
  EXPECT_EQ(string_field(rows[0].as_object(), "status"), "pending");
  EXPECT_NE(string_field(rows[0].as_object(), "last_error").find("certificate"), std::string::npos)
      << json::serialize(rows);
  EXPECT_TRUE(receiver.requests().empty());
}

TEST(WebhookDeliveryTest, EveryStatusChangeIsDelivered) {
  WebhookReceiver receiver;
  ServerProcess server(webhook_server_options());
  server.start();
  HttpConnection http(server.port());
  create_webhook(http, receiver.url(), std::string(kSecret));
  const auto completed = complete_new_task(http);          // 1 -> 2, 2 -> 3 (+ completed)
  const auto deleted = create_task(http, make_phones(1));  // 1 -> 4
  ASSERT_EQ(delete_task(http, deleted).status, 200u);

  ASSERT_TRUE(receiver.wait_for_successes(4));
  std::multiset<std::string> seen;
  for (const auto& request : receiver.requests()) {
    const auto body = body_of(request);
    EXPECT_EQ(request.header("x-dialtrack-event"), string_field(body, "event"));
    seen.insert(string_field(body, "event") + " " + std::to_string(int_field(body, "task_id")) +
                " " + std::to_string(int_field(body, "from")) + "->" +
                std::to_string(int_field(body, "to")));
  }
  const auto c = std::to_string(completed);
  const auto d = std::to_string(deleted);
  EXPECT_EQ(seen, (std::multiset<std::string>{
                      "task.status_changed " + c + " 1->2", "task.status_changed " + c + " 2->3",
                      "task.completed " + c + " 2->3", "task.status_changed " + d + " 1->4"}));
}

TEST(WebhookDeliveryTest, AnEventAnswered2xxIsNeverSentAgain) {
  WebhookReceiver receiver;
  ServerProcess server(webhook_server_options());
  server.start();
  HttpConnection http(server.port());
  const auto webhook = create_webhook(http, receiver.url(), std::string(kSecret));
  constexpr std::size_t kTasks = 8;
  for (std::size_t i = 0; i < kTasks; ++i) {
    complete_new_task(http, 2);
  }
  // Three events per task; once the service recorded every one as delivered, nothing is left
  // to send, so what the receiver has is all it will ever get.
  wait_for_deliveries(http, webhook, [](const json::array& rows) {
    return all_have_status(rows, 3 * kTasks, "delivered");
  });
  std::map<std::string, int> per_event;
  for (const auto& request : receiver.requests()) {
    ++per_event[request.header("x-dialtrack-event-id")];
    EXPECT_EQ(request.answered, 200u);
  }
  EXPECT_EQ(per_event.size(), 3 * kTasks);
  for (const auto& [event_id, count] : per_event) {
    EXPECT_EQ(count, 1) << event_id;
  }
}

TEST(WebhookDeliveryTest, FailedAttemptsAreRetriedUntilDelivered) {
  WebhookReceiver receiver;
  receiver.fail_next(2);
  ServerProcess server(webhook_server_options());
  server.start();
  HttpConnection http(server.port());
  const auto webhook =
      create_webhook(http, receiver.url(), std::string(kSecret), {{"task.completed"}});
  const auto task_id = complete_new_task(http);

  ASSERT_TRUE(receiver.wait_for_successes(1));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].answered, 500u);
  EXPECT_EQ(requests[1].answered, 500u);
  EXPECT_EQ(requests[2].answered, 200u);
  // The same event each time, with the same body and signature: receivers de-duplicate by id.
  EXPECT_EQ(requests[0].header("x-dialtrack-event-id"), requests[2].header("x-dialtrack-event-id"));
  EXPECT_EQ(requests[0].body, requests[2].body);

  const auto items = wait_for_deliveries(
      http, webhook, [](const json::array& rows) { return all_have_status(rows, 1, "delivered"); });
  const auto& row = items[0].as_object();
  EXPECT_EQ(string_field(row, "event_id"), requests[2].header("x-dialtrack-event-id"));
  EXPECT_EQ(string_field(row, "event"), "task.completed");
  EXPECT_EQ(int_field(row, "task_id"), task_id);
  EXPECT_EQ(int_field(row, "attempts"), 3);
  EXPECT_EQ(int_field(row, "last_status"), 200);
  EXPECT_TRUE(row.at("last_error").is_null());
  EXPECT_TRUE(row.at("next_attempt_at").is_null());
  EXPECT_TRUE(is_rfc3339_utc(string_field(row, "delivered_at")));

  const auto metrics = http.get("/metrics").body;
  EXPECT_EQ(metric_value(metrics, R"(dialtrack_webhook_deliveries_total{result="delivered"})"), 1);
  EXPECT_EQ(metric_value(metrics, R"(dialtrack_webhook_deliveries_total{result="retry"})"), 2);
  EXPECT_EQ(metric_value(metrics, R"(dialtrack_webhook_deliveries_total{result="failed"})"), 0);
  EXPECT_TRUE(metric_value(metrics, "dialtrack_outbox_backlog"));
}

TEST(WebhookDeliveryTest, GivesUpAfterMaxAttempts) {
  WebhookReceiver receiver;
  receiver.answer_with(503);
  ServerProcess server(webhook_server_options({{"DIALTRACK_WEBHOOKS_MAX_ATTEMPTS", "3"}}));
  server.start();
  HttpConnection http(server.port());
  const auto webhook =
      create_webhook(http, receiver.url(), std::string(kSecret), {{"task.completed"}});
  complete_new_task(http);

  const auto items = wait_for_deliveries(
      http, webhook, [](const json::array& rows) { return all_have_status(rows, 1, "failed"); });
  const auto& row = items[0].as_object();
  EXPECT_EQ(int_field(row, "attempts"), 3);
  EXPECT_EQ(int_field(row, "last_status"), 503);
  EXPECT_NE(string_field(row, "last_error").find("503"), std::string::npos);
  EXPECT_TRUE(row.at("delivered_at").is_null());
  EXPECT_EQ(receiver.requests().size(), 3u);
  const auto metrics = http.get("/metrics").body;
  EXPECT_EQ(metric_value(metrics, R"(dialtrack_webhook_deliveries_total{result="failed"})"), 1);
}

TEST(WebhookDeliveryTest, AReceiverThatIsDownIsRetriedUntilItIsBack) {
  auto receiver = std::make_unique<WebhookReceiver>();
  const auto port = receiver->port();
  const auto url = receiver->url();
  receiver.reset();  // down: connections are refused
  ServerProcess server(webhook_server_options());
  server.start();
  HttpConnection http(server.port());
  const auto webhook = create_webhook(http, url, std::string(kSecret), {{"task.completed"}});
  complete_new_task(http);

  const auto items = wait_for_deliveries(http, webhook, [](const json::array& rows) {
    return rows.size() == 1 && int_field(rows[0].as_object(), "attempts") >= 2;
  });
  const auto& row = items[0].as_object();
  EXPECT_EQ(string_field(row, "status"), "pending");
  EXPECT_TRUE(row.at("last_status").is_null());
  EXPECT_FALSE(string_field(row, "last_error").empty());
  EXPECT_TRUE(is_rfc3339_utc(string_field(row, "next_attempt_at")));

  receiver = std::make_unique<WebhookReceiver>(port);
  ASSERT_TRUE(receiver->wait_for_successes(1));
  wait_for_deliveries(
      http, webhook, [](const json::array& rows) { return all_have_status(rows, 1, "delivered"); });
}

TEST(WebhookDeliveryTest, IngestionAnswersWhileTheReceiverHangs) {
  WebhookReceiver receiver;
  receiver.hold(true);
  // Attempts may take a minute: the deliveries below stay stuck for the whole test.
  ServerProcess server(webhook_server_options({{"DIALTRACK_WEBHOOKS_TIMEOUT_MS", "60000"}}));
  server.start();
  HttpConnection http(server.port());
  create_webhook(http, receiver.url(), std::string(kSecret), {{"task.completed"}});
  complete_new_task(http);
  ASSERT_TRUE(receiver.wait_until(
      [](const std::vector<ReceivedRequest>&, std::size_t held) { return held >= 1; }));

  // Every delivery thread may be stuck on the receiver now; ingestion goes on regardless.
  constexpr int kMore = 10;
  for (int i = 0; i < kMore; ++i) {
    complete_new_task(http, 3);
  }
  const auto task = create_task(http, make_phones(2));
  EXPECT_EQ(ingest_counts(push_records(http, {call_record("hang-x", task, "13900000000", "Busy")}))
                .accepted,
            1);
  EXPECT_EQ(check_task(http, task).status, 200u);
  EXPECT_GE(receiver.held(), 1u);
  EXPECT_EQ(successes(receiver.requests()), 0u);

  receiver.hold(false);
  ASSERT_TRUE(receiver.wait_for_successes(1 + kMore));
}

TEST(WebhookDeliveryTest, AHangingReceiverDoesNotHoldUpShutdown) {
  WebhookReceiver receiver;
  receiver.hold(true);
  ServerProcess server(webhook_server_options({{"DIALTRACK_WEBHOOKS_TIMEOUT_MS", "600000"}}));
  server.start();
  {
    HttpConnection http(server.port());
    create_webhook(http, receiver.url(), std::string(kSecret), {{"task.completed"}});
    complete_new_task(http);
  }
  ASSERT_TRUE(receiver.wait_until(
      [](const std::vector<ReceivedRequest>&, std::size_t held) { return held >= 1; }));
  EXPECT_EQ(server.terminate(), 0);
}

}  // namespace
}  // namespace dialtrack::test
