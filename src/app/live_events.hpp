#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <thread>
#include <unordered_map>
#include <vector>

#include "domain/types.hpp"
#include "store_api/outbox.hpp"
#include "store_api/store.hpp"
#include "store_api/task_changes.hpp"

namespace dialtrack::app {

/// A task's state and counters as `task.progress` sends them.
struct TaskProgress {
  domain::TaskId task_id = 0;
  domain::TaskType task_type = domain::TaskType::kCreated;
  std::int64_t total_calls = 0;
  std::int64_t connected_calls = 0;
  std::int64_t settled_calls = 0;
  domain::Timestamp updated_at{};
};

/// One thing the live stream sends: a status event of the outbox (`task.status_changed`,
/// `task.completed`) or a task's progress.
struct LiveEvent {
  enum class Kind { kStatus, kProgress };
  Kind kind = Kind::kStatus;
  store_api::StoredEvent status;  ///< kStatus
  TaskProgress progress;          ///< kProgress
};

/// One reader of the live events (one `GET /events` stream): a bounded queue the hub fills.
class LiveSubscription {
 public:
  explicit LiveSubscription(std::size_t limit) : limit_(limit) {}

  /// What arrived since the last take; `resync` when events were lost meanwhile (the queue was
  /// full, the database's notifications were interrupted): the reader tells its client to
  /// read the state again.
  struct Batch {
    std::vector<LiveEvent> events;
    bool resync = false;
  };
  Batch take();
  /// Called, on the hub's thread, whenever events are queued; it must only hand the news to
  /// the reader's own thread (post), never block.
  void set_waker(std::function<void()> waker);

 private:
  friend class LiveEvents;
  void push(std::span<const LiveEvent> events);
  void push_resync();

  std::size_t limit_;
  std::mutex mutex_;
  std::deque<LiveEvent> queue_;
  bool resync_ = false;
  std::function<void()> waker_;
};

/// The hub of the live stream. Use cases tell it (TaskChanges) which tasks they changed;
/// its thread reads, in one read transaction per round, the new outbox events of those tasks
/// and their counters, and hands them to every subscription: status events at once, progress
/// at most once per `progress_interval` per task (later changes wait for the interval, and
/// the task's latest counters go then). While nobody subscribes it reads nothing.
class LiveEvents final : public store_api::TaskChanges {
 public:
  struct Options {
    std::chrono::milliseconds progress_interval{1'000};
    std::size_t queue_limit = 1'000;    ///< events a subscription holds before it must resync
    std::int64_t replay_limit = 1'000;  ///< events a resume replays at most
  };

  LiveEvents(store_api::Store& store, Options options, std::shared_ptr<spdlog::logger> log);
  ~LiveEvents() override;
  LiveEvents(LiveEvents&&) = delete;
  LiveEvents& operator=(LiveEvents&&) = delete;

  void changed(std::span<const domain::TaskId> task_ids) override;
  /// Every subscription gets a resync (the database's notifications were interrupted).
  void resync();

  /// A new subscription; it gets the events of the rounds after this call.
  std::shared_ptr<LiveSubscription> subscribe();

  /// The status events numbered after `after`, for a stream resumed with `Last-Event-ID`;
  /// `complete` false when they cannot all be replayed (more than `replay_limit`, pruned, or
  /// `after` is not a number this database gave). `latest`: the number of the latest event;
  /// `progress`: the present counters of the tasks of the replayed events. Blocking: a read
  /// transaction.
  struct Replay {
    std::vector<store_api::StoredEvent> events;
    std::vector<TaskProgress> progress;
    bool complete = true;
    std::int64_t latest = 0;
  };
  Replay replay(std::optional<std::int64_t> after);

 private:
  void loop();
  /// One round: reads and sends what the tasks of `due` need (`progress`: those whose
  /// progress is sent this round).
  void publish(const std::vector<domain::TaskId>& due, const std::set<domain::TaskId>& progress);
  /// The live subscriptions (expired ones dropped); takes mutex_.
  std::vector<std::shared_ptr<LiveSubscription>> subscribers();

  store_api::Store& store_;
  Options options_;
  std::shared_ptr<spdlog::logger> log_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::set<domain::TaskId> pending_;  ///< changed since the last round
  std::vector<std::weak_ptr<LiveSubscription>> subscriptions_;
  /// The latest event number when the first reader subscribed: where the next round starts.
  std::optional<std::int64_t> first_watermark_;

  // The publisher thread's own state.
  using Clock = std::chrono::steady_clock;
  /// When each task's progress may go next; tasks whose progress waits, with that time.
  std::unordered_map<domain::TaskId, Clock::time_point> next_progress_;
  std::map<domain::TaskId, Clock::time_point> deferred_;
  /// The number of the last status event sent per task, and the number below which nothing
  /// is sent (the latest event when the hub started or last had no subscribers).
  std::unordered_map<domain::TaskId, std::int64_t> sent_through_;
  std::int64_t watermark_ = 0;
  bool watching_ = false;  ///< had subscribers in the last round (the watermark is current)

  std::thread thread_;  ///< last: starts once everything above is ready
};

}  // namespace dialtrack::app
