#include "app/live_events.hpp"

#include <algorithm>
#include <exception>
#include <iterator>
#include <utility>

#include "app/transactions.hpp"

namespace dialtrack::app {

namespace {

/// Status events one round reads at most; past it the round cannot tell what it missed and
/// every subscription resyncs.
constexpr std::int64_t kRoundEventLimit = 10'000;
/// How many tasks' progress times the hub keeps before it forgets the ones already due.
constexpr std::size_t kProgressTimesKept = 10'000;

TaskProgress progress_of(const domain::Task& task) {
  return {task.task_id,         task.task_type,     task.total_calls,
          task.connected_calls, task.settled_calls, task.updated_at};
}

}  // namespace

LiveSubscription::Batch LiveSubscription::take() {
  const std::lock_guard lock(mutex_);
  Batch batch;
  batch.events.assign(std::make_move_iterator(queue_.begin()),
                      std::make_move_iterator(queue_.end()));
  queue_.clear();
  batch.resync = std::exchange(resync_, false);
  return batch;
}

void LiveSubscription::set_waker(std::function<void()> waker) {
  const std::lock_guard lock(mutex_);
  waker_ = std::move(waker);
}

void LiveSubscription::push(std::span<const LiveEvent> events) {
  std::function<void()> waker;
  {
    const std::lock_guard lock(mutex_);
    if (queue_.size() + events.size() > limit_) {
      // A reader this far behind gets one resync instead of an ever longer queue.
      queue_.clear();
      resync_ = true;
    } else {
      queue_.insert(queue_.end(), events.begin(), events.end());
    }
    waker = waker_;
  }
  if (waker) {
    waker();
  }
}

void LiveSubscription::push_resync() {
  std::function<void()> waker;
  {
    const std::lock_guard lock(mutex_);
    queue_.clear();
    resync_ = true;
    waker = waker_;
  }
  if (waker) {
    waker();
  }
}

LiveEvents::LiveEvents(store_api::Store& store, Options options,
                       std::shared_ptr<spdlog::logger> log)
    : store_(store), options_(options), log_(std::move(log)), thread_([this] { loop(); }) {}

LiveEvents::~LiveEvents() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LiveEvents::changed(std::span<const domain::TaskId> task_ids) {
  if (task_ids.empty()) {
    return;
  }
  {
    const std::lock_guard lock(mutex_);
    pending_.insert(task_ids.begin(), task_ids.end());
  }
  wake_.notify_one();
}

void LiveEvents::resync() {
  for (const auto& subscription : subscribers()) {
    subscription->push_resync();
  }
}

std::shared_ptr<LiveSubscription> LiveEvents::subscribe() {
  auto subscription = std::make_shared<LiveSubscription>(options_.queue_limit);
  if (subscribers().empty()) {
    // The first reader: events from the latest one on are news to it. Read before it is
    // added, so an event committed meanwhile is numbered above and sent.
    const auto latest = run_transaction(
        store_, store_api::TxMode::kRead,
        [](store_api::Transaction& tx) { return tx.outbox().event_seq_range().first; });
    const std::lock_guard lock(mutex_);
    first_watermark_ = latest;
  }
  const std::lock_guard lock(mutex_);
  subscriptions_.push_back(subscription);
  return subscription;
}

std::vector<std::shared_ptr<LiveSubscription>> LiveEvents::subscribers() {
  const std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<LiveSubscription>> out;
  std::erase_if(subscriptions_, [&](const std::weak_ptr<LiveSubscription>& weak) {
    auto subscription = weak.lock();
    if (!subscription) {
      return true;
    }
    out.push_back(std::move(subscription));
    return false;
  });
  return out;
}

LiveEvents::Replay LiveEvents::replay(std::optional<std::int64_t> after) {
  return run_transaction(store_, store_api::TxMode::kRead, [&](store_api::Transaction& tx) {
    Replay out;
    const auto [latest, oldest] = tx.outbox().event_seq_range();
    out.latest = latest;
    if (!after || *after == latest) {
      return out;
    }
    // A number past the latest is not this database's; below the oldest kept, events are gone.
    if (*after > latest || *after < 0 || oldest > *after + 1) {
      out.complete = false;
      return out;
    }
    out.events = tx.outbox().events_after(*after, options_.replay_limit + 1);
    if (std::cmp_greater(out.events.size(), options_.replay_limit)) {
      out.events.clear();
      out.complete = false;
      return out;
    }
    std::set<domain::TaskId> touched;
    for (const auto& event : out.events) {
      touched.insert(event.task_id);
    }
    const std::vector<domain::TaskId> ids(touched.begin(), touched.end());
    for (const auto& task : tx.tasks().find_tasks(ids)) {
      out.progress.push_back(progress_of(task));
    }
    return out;
  });
}

void LiveEvents::loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    const auto ready = [this] { return stopping_ || !pending_.empty(); };
    if (deferred_.empty()) {
      wake_.wait(lock, ready);
    } else {
      const auto earliest =
          std::min_element(deferred_.begin(), deferred_.end(), [](const auto& a, const auto& b) {
            return a.second < b.second;
          })->second;
      wake_.wait_until(lock, earliest, ready);
    }
    if (stopping_) {
      return;
    }
    auto changed = std::exchange(pending_, {});
    lock.unlock();

    if (subscribers().empty()) {
      // Nobody listens: read nothing, and start afresh from the latest event when someone does.
      watching_ = false;
      deferred_.clear();
      next_progress_.clear();
      sent_through_.clear();
      lock.lock();
      continue;
    }
    const auto now = Clock::now();
    std::set<domain::TaskId> progress;
    std::vector<domain::TaskId> due(changed.begin(), changed.end());
    for (const auto id : changed) {
      const auto next = next_progress_.find(id);
      if (next == next_progress_.end() || next->second <= now) {
        progress.insert(id);
        deferred_.erase(id);
      } else {
        deferred_[id] = next->second;
      }
    }
    for (auto it = deferred_.begin(); it != deferred_.end();) {
      if (it->second <= now) {
        progress.insert(it->first);
        if (!changed.contains(it->first)) {
          due.push_back(it->first);
        }
        it = deferred_.erase(it);
      } else {
        ++it;
      }
    }
    try {
      publish(due, progress);
    } catch (const std::exception& e) {
      // The database did not answer: what this round would have sent is lost, so the readers
      // reload once it answers again.
      log_->warn("live events: a round failed, readers will resync: {}", e.what());
      watching_ = false;
      resync();
    }
    if (next_progress_.size() > kProgressTimesKept) {
      std::erase_if(next_progress_, [&](const auto& entry) { return entry.second <= now; });
    }
    for (const auto id : progress) {
      next_progress_[id] = now + options_.progress_interval;
    }
    lock.lock();
  }
}

void LiveEvents::publish(const std::vector<domain::TaskId>& due,
                         const std::set<domain::TaskId>& progress) {
  const std::vector<domain::TaskId> progress_ids(progress.begin(), progress.end());
  auto [tasks, events] =
      run_transaction(store_, store_api::TxMode::kRead, [&](store_api::Transaction& tx) {
        if (!watching_) {
          // Events written before the first reader came are history, not news.
          std::optional<std::int64_t> first;
          {
            const std::lock_guard lock(mutex_);
            first = std::exchange(first_watermark_, std::nullopt);
          }
          watermark_ = first ? *first : tx.outbox().event_seq_range().first;
          sent_through_.clear();
          watching_ = true;
        }
        std::int64_t after = watermark_;
        for (const auto id : due) {
          const auto sent = sent_through_.find(id);
          after = std::min(after, sent == sent_through_.end() ? watermark_ : sent->second);
        }
        return std::pair{tx.tasks().find_tasks(progress_ids),
                         tx.outbox().task_events_after(due, after, kRoundEventLimit)};
      });
  std::vector<LiveEvent> out;
  out.reserve(tasks.size() + events.size());
  for (const auto& task : tasks) {
    out.push_back({LiveEvent::Kind::kProgress, {}, progress_of(task)});
  }
  // Events of one task are numbered in commit order, so what is past the task's last sent
  // number is new (docs/api.md, "Live events").
  for (auto& event : events) {
    auto [sent, inserted] = sent_through_.try_emplace(event.task_id, watermark_);
    if (event.seq > sent->second) {
      sent->second = event.seq;
      out.push_back({LiveEvent::Kind::kStatus, std::move(event), {}});
    }
  }
  const bool overflow = std::cmp_equal(events.size(), kRoundEventLimit);
  if (overflow) {
    watching_ = false;
  }
  for (const auto& subscription : subscribers()) {
    if (overflow) {
      subscription->push_resync();
    } else if (!out.empty()) {
      subscription->push(out);
    }
  }
}

}  // namespace dialtrack::app
