#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/enum_names.hpp"
#include "domain/interface.hpp"
#include "domain/types.hpp"
#include "store_api/page.hpp"

namespace dialtrack::store_api {

using domain::TaskId;
using domain::Timestamp;

/// A webhook subscription. `events` are names from domain/webhooks.hpp.
struct Webhook {
  std::int64_t webhook_id = 0;
  std::string url;
  std::string secret;
  std::vector<std::string> events;
  Timestamp created_at{};
};

/// Where a delivery of one event to one webhook stands.
enum class DeliveryStatus { kPending, kDelivered, kFailed };

/// `pending`, `delivered` or `failed`: the status as `webhook_deliveries.status` stores it and
/// `GET /webhooks/{id}/deliveries` shows it.
[[nodiscard]] inline std::string_view delivery_status_name(DeliveryStatus status) {
  constexpr std::array<domain::EnumName<DeliveryStatus>, 3> kNames{{
      {DeliveryStatus::kPending, "pending"},
      {DeliveryStatus::kDelivered, "delivered"},
      {DeliveryStatus::kFailed, "failed"},
  }};
  static_assert(
      domain::names_each_value(kNames, DeliveryStatus::kPending, DeliveryStatus::kFailed));
  return domain::name_of(kNames, status, "pending");
}

/// A delivery claimed for sending: what to send, where, and how often it was tried before.
struct DueDelivery {
  std::int64_t delivery_id = 0;
  std::string event_id;
  std::string event_type;
  std::int64_t webhook_id = 0;
  TaskId task_id = 0;
  std::string url;
  std::string secret;
  std::string payload;        ///< the JSON body, exactly as written with the event
  std::int64_t attempts = 0;  ///< attempts made before this one
};

/// How one delivery attempt ended: delivered, to be retried at `retry_at` (kPending), or
/// given up (kFailed).
struct DeliveryOutcome {
  DeliveryStatus status = DeliveryStatus::kPending;
  Timestamp retry_at{};
  std::optional<int> http_status;  ///< the receiver's answer, when there was one
  std::optional<std::string> error;
};

/// One delivery as `GET /webhooks/{id}/deliveries` shows it.
struct DeliveryRow {
  std::int64_t delivery_id = 0;
  std::string event_id;
  std::string event_type;
  TaskId task_id = 0;
  DeliveryStatus status = DeliveryStatus::kPending;
  std::int64_t attempts = 0;
  std::optional<std::string> last_error;
  std::optional<int> last_status;
  Timestamp next_attempt_at{};
  std::optional<Timestamp> delivered_at;
};

struct DeliveryPage {
  std::vector<DeliveryRow> items;
  std::int64_t total = 0;
};

/// An outbox event as the live stream (`GET /events`) sends it. `seq` numbers the events in the
/// order they were written and is never reused: the stream's event id, resumed with
/// `Last-Event-ID`. Events of one task are numbered in the order their transactions committed
/// (each change locks its task first); events of different tasks may commit out of order.
struct StoredEvent {
  std::int64_t seq = 0;
  TaskId task_id = 0;
  std::string event_type;
  std::string payload;  ///< the webhook body, exactly as written with the event
};

/// The outbox and webhooks port: subscriptions, and the deliveries of the events that
/// `TaskStore::transition` writes in the transaction of the change they announce.
class OutboxStore : public domain::Interface {
 public:
  /// Adds a subscription.
  virtual Webhook insert_webhook(std::string_view url, std::string_view secret,
                                 std::span<const std::string> events, Timestamp now) = 0;
  /// Gives the subscription with this url its secret and events, or adds it. Instances that
  /// run it together (same configuration) still leave one subscription.
  virtual Webhook upsert_webhook(std::string_view url, std::string_view secret,
                                 std::span<const std::string> events, Timestamp now) = 0;
  /// The subscriptions that are not deleted, oldest first.
  virtual std::vector<Webhook> list_webhooks() = 0;
  /// Empty when unknown or deleted.
  virtual std::optional<Webhook> find_webhook(std::int64_t webhook_id) = 0;
  /// Deletes the subscription; its pending deliveries fail. False when unknown or deleted.
  virtual bool delete_webhook(std::int64_t webhook_id, Timestamp now) = 0;
  /// Claims at most `limit` pending deliveries that are due and not claimed by anyone until
  /// `now + lease`, oldest due first. Claims taken at once by several instances never overlap.
  virtual std::vector<DueDelivery> claim_deliveries(std::string_view holder, Timestamp now,
                                                    std::chrono::milliseconds lease,
                                                    std::int64_t limit) = 0;
  /// Records one attempt of a pending delivery and drops its claim. False when the delivery is
  /// not pending any more (delivered or given up meanwhile).
  virtual bool finish_delivery(std::int64_t delivery_id, const DeliveryOutcome& outcome,
                               Timestamp now) = 0;
  /// A webhook's deliveries, newest first.
  virtual DeliveryPage deliveries_of(std::int64_t webhook_id, std::int64_t page,
                                     std::int64_t page_size) = 0;
  /// How many deliveries are pending.
  virtual std::int64_t outbox_backlog() = 0;
  /// Deletes at most `limit` outbox events created before `before` that no delivery waits for
  /// any more (all delivered or given up), with their delivery rows, oldest first. Returns how
  /// many events went.
  virtual std::int64_t prune_outbox(Timestamp before, std::int64_t limit) = 0;

  /// At most `limit` events numbered after `after`, in number order (a stream's resume).
  virtual std::vector<StoredEvent> events_after(std::int64_t after, std::int64_t limit) = 0;
  /// At most `limit` events of these tasks numbered after `after`, in number order.
  virtual std::vector<StoredEvent> task_events_after(std::span<const TaskId> task_ids,
                                                     std::int64_t after, std::int64_t limit) = 0;
  /// The number of the latest event written (0 when none); the lowest number still stored
  /// beside it (0 when none), which tells a resume whether events it needs were pruned.
  virtual std::pair<std::int64_t, std::int64_t> event_seq_range() = 0;
};

}  // namespace dialtrack::store_api
