// The webhook part of the store contract: subscriptions, the outbox events written with each
// status change (in its transaction, for the subscribed webhooks only), and the claiming and
// finishing of deliveries.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

using std::chrono::milliseconds;
using store_api::DeliveryOutcome;
using store_api::DeliveryStatus;
using store_api::DueDelivery;

constexpr milliseconds kLease{5000};
const std::vector<std::string> kAllEvents{"task.completed", "task.status_changed"};

store_api::Webhook subscribe(store_api::Store& store, std::string_view url,
                             const std::vector<std::string>& events = kAllEvents) {
  auto tx = store.begin(store_api::TxMode::kWrite);
  auto webhook = tx->outbox().insert_webhook(url, "secret-of-" + std::string(url), events, at(500));
  tx->commit();
  return webhook;
}

/// Commits a claim at `now_millis` and returns what it claimed.
std::vector<DueDelivery> claim(store_api::Store& store, std::int64_t now_millis,
                               std::string_view holder = "instance-a", std::int64_t limit = 100) {
  auto tx = store.begin(store_api::TxMode::kWrite);
  auto claimed = tx->outbox().claim_deliveries(holder, at(now_millis), kLease, limit);
  tx->commit();
  return claimed;
}

bool finish(store_api::Store& store, std::int64_t delivery_id, const DeliveryOutcome& outcome,
            std::int64_t now_millis) {
  auto tx = store.begin(store_api::TxMode::kWrite);
  const bool finished = tx->outbox().finish_delivery(delivery_id, outcome, at(now_millis));
  tx->commit();
  return finished;
}

bool complete(store_api::Store& store, TaskId task_id, std::int64_t now_millis) {
  auto tx = store.begin(store_api::TxMode::kWrite);
  const bool completed = tx->tasks().complete_if_counters_full(task_id, "sweep", at(now_millis));
  tx->commit();
  return completed;
}

std::vector<std::string> event_types(const std::vector<DueDelivery>& deliveries) {
  std::vector<std::string> out;
  for (const auto& d : deliveries) {
    out.push_back(d.event_type);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<DueDelivery> of_webhook(const std::vector<DueDelivery>& deliveries,
                                    std::int64_t webhook_id) {
  std::vector<DueDelivery> out;
  std::copy_if(deliveries.begin(), deliveries.end(), std::back_inserter(out),
               [&](const DueDelivery& d) { return d.webhook_id == webhook_id; });
  return out;
}

std::int64_t backlog(store_api::Store& store) {
  return store.begin(store_api::TxMode::kRead)->outbox().outbox_backlog();
}

bool is_event_id(std::string_view id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

TEST_P(StoreContract, TransitionWritesItsEventWithTheSamePayloadOnEveryBackend) {
  const auto webhook = subscribe(store(), "http://127.0.0.1:9/hook");
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));  // at 2000, reason "test"

  const auto due = claim(store(), 2000);
  ASSERT_EQ(due.size(), 1U);
  const auto& d = due.front();
  EXPECT_EQ(d.event_type, "task.status_changed");
  EXPECT_EQ(d.webhook_id, webhook.webhook_id);
  EXPECT_EQ(d.task_id, id);
  EXPECT_EQ(d.url, "http://127.0.0.1:9/hook");
  EXPECT_EQ(d.secret, "secret-of-http://127.0.0.1:9/hook");
  EXPECT_EQ(d.attempts, 0);
  EXPECT_TRUE(is_event_id(d.event_id)) << d.event_id;
  EXPECT_EQ(d.payload, R"({"event_id":")" + d.event_id +
                           R"(","event":"task.status_changed","task_id":)" + std::to_string(id) +
                           R"(,"from":1,"to":2,"reason":"test","at":"1970-01-01T00:00:02Z"})");
}

TEST_P(StoreContract, CompletionWritesStatusChangedAndCompletedEvents) {
  subscribe(store(), "http://127.0.0.1:9/hook");
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(connect(id, {"100"}), 1);
  const auto first = claim(store(), 2000);  // the 1 -> 2 event, out of the way
  ASSERT_EQ(first.size(), 1U);
  ASSERT_TRUE(finish(store(), first[0].delivery_id, {DeliveryStatus::kDelivered}, 2100));

  ASSERT_TRUE(complete(store(), id, 9250));
  const auto due = claim(store(), 9250);
  ASSERT_EQ(event_types(due), (std::vector<std::string>{"task.completed", "task.status_changed"}));
  for (const auto& d : due) {
    EXPECT_NE(d.payload.find(R"("from":2,"to":3,"reason":"sweep","at":"1970-01-01T00:00:09.250Z")"),
              std::string::npos)
        << d.payload;
  }
  EXPECT_NE(due[0].event_id, due[1].event_id);
}

TEST_P(StoreContract, EachWebhookGetsTheEventsItSubscribedTo) {
  const auto completed_only = subscribe(store(), "http://a/", {"task.completed"});
  const auto changes_only = subscribe(store(), "http://b/", {"task.status_changed"});
  const auto both = subscribe(store(), "http://c/");
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(connect(id, {"100"}), 1);
  ASSERT_TRUE(complete(store(), id, 9000));

  const auto due = claim(store(), 9000);
  EXPECT_EQ(event_types(of_webhook(due, completed_only.webhook_id)),
            (std::vector<std::string>{"task.completed"}));
  EXPECT_EQ(event_types(of_webhook(due, changes_only.webhook_id)),
            (std::vector<std::string>{"task.status_changed", "task.status_changed"}));
  EXPECT_EQ(of_webhook(due, both.webhook_id).size(), 3U);
}

TEST_P(StoreContract, NoEventWithoutAStatusChange) {
  subscribe(store(), "http://127.0.0.1:9/hook");
  const TaskId id = add_task({"100", "200"});
  EXPECT_FALSE(move(id, TaskType::kCalling, TaskType::kCompleted));  // not in 2
  EXPECT_FALSE(complete(store(), id, 9000));                         // not in 2
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(connect(id, {"100"}), 1);
  EXPECT_FALSE(complete(store(), id, 9000));   // one lead of two connected
  EXPECT_EQ(claim(store(), 9000).size(), 1U);  // 1 -> 2 only
}

TEST_P(StoreContract, RolledBackStatusChangeLeavesNoEvent) {
  subscribe(store(), "http://127.0.0.1:9/hook");
  const TaskId id = add_task({"100"});
  {
    auto tx = begin_write();
    ASSERT_TRUE(
        tx->tasks().transition(id, TaskType::kCreated, TaskType::kCalling, "test", at(2000)));
  }
  EXPECT_TRUE(claim(store(), 9000).empty());
  EXPECT_EQ(backlog(store()), 0);
}

TEST_P(StoreContract, EventsWithoutSubscribersMakeNoDeliveries) {
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  EXPECT_TRUE(claim(store(), 9000).empty());
}

TEST_P(StoreContract, DeletedWebhookGetsNothingNewAndItsPendingDeliveriesFail) {
  const auto webhook = subscribe(store(), "http://127.0.0.1:9/hook");
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(backlog(store()), 1);
  {
    auto tx = begin_write();
    ASSERT_TRUE(tx->outbox().delete_webhook(webhook.webhook_id, at(2500)));
    tx->commit();
  }
  EXPECT_EQ(backlog(store()), 0);
  ASSERT_TRUE(move(id, TaskType::kCalling, TaskType::kDeleted));
  EXPECT_TRUE(claim(store(), 9000).empty());
  const auto page = begin_read()->outbox().deliveries_of(webhook.webhook_id, 1, 20);
  ASSERT_EQ(page.items.size(), 1U);
  EXPECT_EQ(page.items[0].status, DeliveryStatus::kFailed);
  EXPECT_EQ(page.items[0].last_error, "webhook deleted");
}

TEST_P(StoreContract, WebhooksAreAddedListedFoundAndDeleted) {
  const auto first = subscribe(store(), "http://a/", {"task.completed"});
  const auto second = subscribe(store(), "https://b/x?y=1");
  EXPECT_EQ(first.url, "http://a/");
  EXPECT_EQ(first.events, (std::vector<std::string>{"task.completed"}));
  EXPECT_EQ(first.created_at, at(500));
  EXPECT_EQ(second.events, kAllEvents);

  const auto listed = begin_read()->outbox().list_webhooks();
  ASSERT_EQ(listed.size(), 2U);
  EXPECT_EQ(listed[0].webhook_id, first.webhook_id);
  EXPECT_EQ(listed[1].url, "https://b/x?y=1");
  EXPECT_EQ(begin_read()->outbox().find_webhook(second.webhook_id)->secret,
            "secret-of-https://b/x?y=1");
  {
    auto tx = begin_write();
    EXPECT_TRUE(tx->outbox().delete_webhook(first.webhook_id, at(600)));
    EXPECT_FALSE(tx->outbox().delete_webhook(first.webhook_id, at(600)));
    EXPECT_FALSE(tx->outbox().delete_webhook(second.webhook_id + 100, at(600)));
    tx->commit();
  }
  EXPECT_FALSE(begin_read()->outbox().find_webhook(first.webhook_id));
  EXPECT_EQ(begin_read()->outbox().list_webhooks().size(), 1U);
}

TEST_P(StoreContract, UpsertKeepsOneWebhookPerUrl) {
  store_api::Webhook first;
  store_api::Webhook second;
  {
    auto tx = begin_write();
    first = tx->outbox().upsert_webhook("http://a/", "one", kAllEvents, at(500));
    tx->commit();
  }
  {
    auto tx = begin_write();
    const std::vector<std::string> completed{"task.completed"};
    second = tx->outbox().upsert_webhook("http://a/", "two", completed, at(700));
    tx->commit();
  }
  EXPECT_EQ(second.webhook_id, first.webhook_id);
  EXPECT_EQ(second.secret, "two");
  EXPECT_EQ(second.events, (std::vector<std::string>{"task.completed"}));
  EXPECT_EQ(begin_read()->outbox().list_webhooks().size(), 1U);
}

TEST_P(StoreContract, ClaimedDeliveryIsNotClaimedAgainUntilItsClaimRunsOut) {
  subscribe(store(), "http://127.0.0.1:9/hook");
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));

  ASSERT_EQ(claim(store(), 3000, "instance-a").size(), 1U);  // claimed until 8000
  EXPECT_TRUE(claim(store(), 3001, "instance-b").empty());
  EXPECT_TRUE(claim(store(), 8000, "instance-b").empty());
  const auto again = claim(store(), 8001, "instance-b");
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0].attempts, 0);
}

TEST_P(StoreContract, ClaimTakesAtMostTheLimitDueFirst) {
  subscribe(store(), "http://127.0.0.1:9/hook");
  std::vector<TaskId> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(add_task({"100"}));
    ASSERT_TRUE(move(ids.back(), TaskType::kCreated, TaskType::kCalling));
  }
  EXPECT_TRUE(claim(store(), 1999).empty());  // written at 2000: not due before
  const auto first = claim(store(), 2000, "a", 3);
  ASSERT_EQ(first.size(), 3U);
  EXPECT_EQ(first[0].task_id, ids[0]);
  EXPECT_EQ(first[2].task_id, ids[2]);
  EXPECT_EQ(claim(store(), 2000, "b", 3).size(), 2U);
  EXPECT_TRUE(claim(store(), 2000, "c", 3).empty());
}

TEST_P(StoreContract, DeliveredDeliveryIsDoneAndShown) {
  const auto webhook = subscribe(store(), "http://127.0.0.1:9/hook");
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  const auto due = claim(store(), 3000);
  ASSERT_EQ(due.size(), 1U);

  DeliveryOutcome delivered;
  delivered.status = DeliveryStatus::kDelivered;
  delivered.http_status = 204;
  EXPECT_TRUE(finish(store(), due[0].delivery_id, delivered, 3100));
  EXPECT_FALSE(finish(store(), due[0].delivery_id, delivered, 3200));  // not pending any more
  EXPECT_TRUE(claim(store(), 100'000).empty());
  EXPECT_EQ(backlog(store()), 0);

  const auto page = begin_read()->outbox().deliveries_of(webhook.webhook_id, 1, 20);
  EXPECT_EQ(page.total, 1);
  ASSERT_EQ(page.items.size(), 1U);
  const auto& row = page.items[0];
  EXPECT_EQ(row.delivery_id, due[0].delivery_id);
  EXPECT_EQ(row.event_id, due[0].event_id);
  EXPECT_EQ(row.event_type, "task.status_changed");
  EXPECT_EQ(row.task_id, id);
  EXPECT_EQ(row.status, DeliveryStatus::kDelivered);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_status, 204);
  EXPECT_FALSE(row.last_error);
  EXPECT_EQ(row.delivered_at, at(3100));
}

TEST_P(StoreContract, RetriedDeliveryComesBackWhenDue) {
  const auto webhook = subscribe(store(), "http://127.0.0.1:9/hook");
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  const auto due = claim(store(), 3000);
  ASSERT_EQ(due.size(), 1U);

  DeliveryOutcome retry;
  retry.status = DeliveryStatus::kPending;
  retry.retry_at = at(4000);
  retry.http_status = 503;
  retry.error = "the receiver answered HTTP 503";
  EXPECT_TRUE(finish(store(), due[0].delivery_id, retry, 3100));
  EXPECT_EQ(backlog(store()), 1);
  EXPECT_TRUE(claim(store(), 3999).empty());

  const auto row = begin_read()->outbox().deliveries_of(webhook.webhook_id, 1, 20).items.at(0);
  EXPECT_EQ(row.status, DeliveryStatus::kPending);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.next_attempt_at, at(4000));
  EXPECT_EQ(row.last_status, 503);
  EXPECT_EQ(row.last_error, "the receiver answered HTTP 503");

  const auto again = claim(store(), 4000);
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0].attempts, 1);
  EXPECT_EQ(again[0].event_id, due[0].event_id);
}

TEST_P(StoreContract, FailedDeliveryIsNeverClaimedAgain) {
  const auto webhook = subscribe(store(), "http://127.0.0.1:9/hook");
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  const auto due = claim(store(), 3000);
  ASSERT_EQ(due.size(), 1U);

  DeliveryOutcome failed;
  failed.status = DeliveryStatus::kFailed;
  failed.error = "connection refused";
  EXPECT_TRUE(finish(store(), due[0].delivery_id, failed, 3100));
  EXPECT_TRUE(claim(store(), 100'000).empty());
  EXPECT_EQ(backlog(store()), 0);
  const auto row = begin_read()->outbox().deliveries_of(webhook.webhook_id, 1, 20).items.at(0);
  EXPECT_EQ(row.status, DeliveryStatus::kFailed);
  EXPECT_EQ(row.last_error, "connection refused");
  EXPECT_FALSE(row.last_status);
  EXPECT_FALSE(row.delivered_at);
}

TEST_P(StoreContract, DeliveriesArePagedNewestFirst) {
  const auto webhook = subscribe(store(), "http://127.0.0.1:9/hook");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(move(add_task({"100"}), TaskType::kCreated, TaskType::kCalling));
  }
  const auto first = begin_read()->outbox().deliveries_of(webhook.webhook_id, 1, 2);
  EXPECT_EQ(first.total, 3);
  ASSERT_EQ(first.items.size(), 2U);
  EXPECT_GT(first.items[0].delivery_id, first.items[1].delivery_id);
  const auto second = begin_read()->outbox().deliveries_of(webhook.webhook_id, 2, 2);
  ASSERT_EQ(second.items.size(), 1U);
  EXPECT_LT(second.items[0].delivery_id, first.items[1].delivery_id);
}

TEST_P(StoreContract, ClaimsTakenAtOnceNeverOverlap) {
  subscribe(store(), "http://127.0.0.1:9/hook");
  constexpr int kTasks = 40;
  for (int i = 0; i < kTasks; ++i) {
    ASSERT_TRUE(move(add_task({"100"}), TaskType::kCreated, TaskType::kCalling));
  }
  constexpr int kClaimers = 4;
  std::vector<std::vector<std::int64_t>> claimed(kClaimers);
  std::vector<std::thread> threads;
  for (int c = 0; c < kClaimers; ++c) {
    threads.emplace_back([&, c] {
      for (;;) {
        const auto due = claim(store(), 3000, "claimer-" + std::to_string(c), 3);
        if (due.empty()) {
          return;
        }
        for (const auto& d : due) {
          claimed[c].push_back(d.delivery_id);
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  std::set<std::int64_t> all;
  std::size_t total = 0;
  for (const auto& ids : claimed) {
    all.insert(ids.begin(), ids.end());
    total += ids.size();
  }
  EXPECT_EQ(total, static_cast<std::size_t>(kTasks));
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kTasks));
}

std::int64_t prune(store_api::Store& store, std::int64_t before_millis, std::int64_t limit = 100) {
  auto tx = store.begin(store_api::TxMode::kWrite);
  const auto pruned = tx->outbox().prune_outbox(at(before_millis), limit);
  tx->commit();
  return pruned;
}

DeliveryOutcome outcome(DeliveryStatus status) {
  DeliveryOutcome o;
  o.status = status;
  if (status == DeliveryStatus::kDelivered) {
    o.http_status = 200;
  } else {
    o.error = "connection refused";
  }
  return o;
}

TEST_P(StoreContract, PruneDropsOnlyOldEventsThatNoDeliveryWaitsFor) {
  const auto a = subscribe(store(), "http://127.0.0.1:9/a");
  const auto b = subscribe(store(), "http://127.0.0.1:9/b");
  const TaskId finished = add_task({"100"});
  const TaskId waiting = add_task({"100"});
  ASSERT_TRUE(move(finished, TaskType::kCreated, TaskType::kCalling));  // events at 2000
  ASSERT_TRUE(move(waiting, TaskType::kCreated, TaskType::kCalling));
  const auto due = claim(store(), 3000);
  ASSERT_EQ(due.size(), 4U);
  for (const auto& d : due) {
    // `finished`: delivered to a, given up for b. `waiting`: delivered to a, b still retries.
    const auto status = d.webhook_id == a.webhook_id ? DeliveryStatus::kDelivered
                        : d.task_id == finished      ? DeliveryStatus::kFailed
                                                     : DeliveryStatus::kPending;
    auto o = outcome(status);
    o.retry_at = at(50'000);
    ASSERT_TRUE(finish(store(), d.delivery_id, o, 3100));
  }

  EXPECT_EQ(prune(store(), 2000), 0);  // not older than the cut-off
  EXPECT_EQ(prune(store(), 10'000), 1);
  EXPECT_EQ(prune(store(), 10'000), 0);

  const auto of_a = begin_read()->outbox().deliveries_of(a.webhook_id, 1, 20);
  ASSERT_EQ(of_a.total, 1);
  EXPECT_EQ(of_a.items.at(0).task_id, waiting);
  const auto of_b = begin_read()->outbox().deliveries_of(b.webhook_id, 1, 20);
  ASSERT_EQ(of_b.total, 1);
  EXPECT_EQ(of_b.items.at(0).status, DeliveryStatus::kPending);
  EXPECT_EQ(backlog(store()), 1);
  const auto again = claim(store(), 50'000);
  ASSERT_EQ(again.size(), 1U);  // the waiting delivery still goes out
  EXPECT_EQ(again[0].task_id, waiting);
}

TEST_P(StoreContract, PruneTakesAtMostTheLimit) {
  const auto webhook = subscribe(store(), "http://127.0.0.1:9/hook");
  std::vector<TaskId> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(add_task({"100"}));
    ASSERT_TRUE(move(ids.back(), TaskType::kCreated, TaskType::kCalling));
  }
  for (const auto& d : claim(store(), 3000)) {
    ASSERT_TRUE(finish(store(), d.delivery_id, outcome(DeliveryStatus::kDelivered), 3100));
  }
  EXPECT_EQ(prune(store(), 10'000, 2), 2);
  const auto left = begin_read()->outbox().deliveries_of(webhook.webhook_id, 1, 20);
  ASSERT_EQ(left.total, 1);
  EXPECT_EQ(prune(store(), 10'000, 2), 1);
  EXPECT_EQ(begin_read()->outbox().deliveries_of(webhook.webhook_id, 1, 20).total, 0);
}

}  // namespace
}  // namespace dialtrack::store_test
