// app::DeliveryService on a real store, with a sender and a signer that only record: a round
// sends each claimed delivery signed, counts every attempt before its outcome is stored,
// schedules retries within the backoff ceiling, gives up at max_attempts, and records nothing
// when the service was stopped during the send.
#include "app/delivery_service.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "services_on_store.hpp"

namespace dialtrack::store_test {
namespace {

using std::chrono::milliseconds;
using store_api::DeliveryStatus;

/// Answers every post with `answer` and keeps what it was asked to send.
class RecordingSender final : public app::WebhookSender {
 public:
  std::vector<app::PostResult> send(std::span<const app::WebhookPost> posts,
                                    milliseconds timeout) override {
    sent.assign(posts.begin(), posts.end());
    timeouts.push_back(timeout);
    if (during_send) {
      during_send();
    }
    return std::vector<app::PostResult>(posts.size(), answer);
  }
  void cancel() override { cancelled = true; }

  app::PostResult answer{200, {}};
  std::function<void()> during_send;
  std::vector<app::WebhookPost> sent;
  std::vector<milliseconds> timeouts;
  bool cancelled = false;
};

class NamingSigner final : public app::WebhookSigner {
 public:
  [[nodiscard]] std::string hmac_sha256_hex(std::string_view secret,
                                            std::string_view body) const override {
    return "mac(" + std::string(secret) + "," + std::to_string(body.size()) + ")";
  }
};

/// Counts results and, at each count, reads how many attempts the store holds for the delivery.
class CheckingCounter final : public app::AttemptCounter {
 public:
  explicit CheckingCounter(std::function<std::int64_t()> stored_attempts)
      : stored_attempts_(std::move(stored_attempts)) {}
  void count(DeliveryStatus result) override {
    counted.push_back(result);
    attempts_stored_when_counted.push_back(stored_attempts_());
  }

  std::vector<DeliveryStatus> counted;
  std::vector<std::int64_t> attempts_stored_when_counted;

 private:
  std::function<std::int64_t()> stored_attempts_;
};

/// A subscription to status changes (the caller then changes a status: one delivery due now),
/// and the service's collaborators around it.
class Subscription {
 public:
  Subscription(store_api::Store& store, const app::Clock& clock) : store_(store), clock_(clock) {
    auto tx = store.begin(store_api::TxMode::kWrite);
    const std::vector<std::string> events{"task.status_changed"};
    webhook_id_ =
        tx->outbox().insert_webhook("https://receiver.test/hook", "k", events, at(500)).webhook_id;
    tx->commit();
  }

  /// The one delivery of the subscription.
  store_api::DeliveryRow delivery() {
    const auto page =
        store_.begin(store_api::TxMode::kRead)->outbox().deliveries_of(webhook_id_, 1, 10);
    if (page.items.size() != 1) {
      throw std::logic_error("expected one delivery, found " + std::to_string(page.items.size()));
    }
    return page.items.front();
  }

  app::DeliveryService service(app::DeliveryOptions options) {
    return {store_, clock_, sender, signer, options, null_logger()};
  }

  RecordingSender sender;
  NamingSigner signer;
  CheckingCounter counter{[this] { return delivery().attempts; }};

 private:
  store_api::Store& store_;
  const app::Clock& clock_;
  std::int64_t webhook_id_ = 0;
};

constexpr std::string_view kHolder = "instance-a/0";

TEST_P(ServicesOnStore, DeliveryServiceSendsSignedPostsAndRecordsTheDelivery) {
  Subscription hook(store(), clock_);
  ASSERT_TRUE(move(add_task({"100"}), TaskType::kCreated, TaskType::kCalling));
  auto deliveries = hook.service({.timeout = milliseconds{1234}});
  EXPECT_EQ(deliveries.run_round(std::string(kHolder), hook.counter), 1u);

  ASSERT_EQ(hook.sender.sent.size(), 1u);
  const auto& post = hook.sender.sent.front();
  EXPECT_EQ(post.url, "https://receiver.test/hook");
  std::map<std::string, std::string> headers(post.headers.begin(), post.headers.end());
  EXPECT_EQ(headers["X-Dialtrack-Event"], "task.status_changed");
  EXPECT_EQ(headers["X-Dialtrack-Event-Id"].size(), 32u);
  EXPECT_EQ(headers["X-Dialtrack-Signature"],
            "sha256=mac(k," + std::to_string(post.body.size()) + ")");
  EXPECT_EQ(hook.sender.timeouts, std::vector<milliseconds>{milliseconds{1234}});

  EXPECT_EQ(hook.counter.counted, std::vector<DeliveryStatus>{DeliveryStatus::kDelivered});
  EXPECT_EQ(hook.counter.attempts_stored_when_counted, std::vector<std::int64_t>{0});
  const auto row = hook.delivery();
  EXPECT_EQ(row.status, DeliveryStatus::kDelivered);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_status, 200);
  EXPECT_EQ(deliveries.backlog(), 0);
  EXPECT_EQ(deliveries.run_round(std::string(kHolder), hook.counter), 0u);
}

TEST_P(ServicesOnStore, DeliveryServiceRetriesAFailedAttemptWithinTheCeiling) {
  Subscription hook(store(), clock_);
  ASSERT_TRUE(move(add_task({"100"}), TaskType::kCreated, TaskType::kCalling));
  hook.sender.answer = {503, {}};
  auto deliveries = hook.service({.retry_initial = milliseconds{4000}});
  EXPECT_EQ(deliveries.run_round(std::string(kHolder), hook.counter), 1u);

  EXPECT_EQ(hook.counter.counted, std::vector<DeliveryStatus>{DeliveryStatus::kPending});
  EXPECT_EQ(hook.counter.attempts_stored_when_counted, std::vector<std::int64_t>{0});
  const auto row = hook.delivery();
  EXPECT_EQ(row.status, DeliveryStatus::kPending);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_status, 503);
  EXPECT_NE(row.last_error.value_or("").find("503"), std::string::npos);
  EXPECT_GE(row.next_attempt_at, clock_.now());
  EXPECT_LE(row.next_attempt_at, clock_.now() + milliseconds{4000});
  EXPECT_EQ(deliveries.backlog(), 1);
}

TEST_P(ServicesOnStore, DeliveryServiceGivesUpAtTheLastAttempt) {
  Subscription hook(store(), clock_);
  ASSERT_TRUE(move(add_task({"100"}), TaskType::kCreated, TaskType::kCalling));
  hook.sender.answer = {std::nullopt, "cannot connect to receiver.test: Connection refused"};
  auto deliveries = hook.service({.max_attempts = 1});
  EXPECT_EQ(deliveries.run_round(std::string(kHolder), hook.counter), 1u);

  EXPECT_EQ(hook.counter.counted, std::vector<DeliveryStatus>{DeliveryStatus::kFailed});
  const auto row = hook.delivery();
  EXPECT_EQ(row.status, DeliveryStatus::kFailed);
  EXPECT_FALSE(row.last_status.has_value());
  EXPECT_EQ(row.last_error, "cannot connect to receiver.test: Connection refused");
}

TEST_P(ServicesOnStore, DeliveryServiceStoppedDuringTheSendRecordsNothing) {
  Subscription hook(store(), clock_);
  ASSERT_TRUE(move(add_task({"100"}), TaskType::kCreated, TaskType::kCalling));
  auto deliveries = hook.service({});
  hook.sender.during_send = [&deliveries] { deliveries.stop(); };
  EXPECT_EQ(deliveries.run_round(std::string(kHolder), hook.counter), 1u);

  EXPECT_TRUE(hook.sender.cancelled);
  EXPECT_TRUE(hook.counter.counted.empty());
  const auto row = hook.delivery();
  EXPECT_EQ(row.status, DeliveryStatus::kPending);
  EXPECT_EQ(row.attempts, 0);
}

}  // namespace
}  // namespace dialtrack::store_test
