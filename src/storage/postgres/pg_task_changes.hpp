#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <thread>

#include "domain/types.hpp"
#include "store_api/task_changes.hpp"

namespace spdlog {
class logger;
}

namespace dialtrack::storage::postgres {

/// Task changes told to every instance sharing the database, through PostgreSQL's
/// `LISTEN/NOTIFY`: `changed` queues the ids and a thread of its own sends them with
/// `pg_notify` on its own connection (the ids of the changes that queued meanwhile together,
/// so a busy instance sends few notifications), and hands every notification it hears, its
/// own included, to `heard`. When the connection breaks it reconnects (every second) and then
/// calls `lost`: notifications sent meanwhile were missed. Outside the pool: it never takes a
/// connection that requests need.
class PgTaskChanges final : public store_api::TaskChanges {
 public:
  using Heard = std::function<void(std::span<const domain::TaskId>)>;
  using Lost = std::function<void()>;

  PgTaskChanges(std::string url, Heard heard, Lost lost, std::shared_ptr<spdlog::logger> log);
  ~PgTaskChanges() override;
  PgTaskChanges(PgTaskChanges&&) = delete;
  PgTaskChanges& operator=(PgTaskChanges&&) = delete;

  void changed(std::span<const domain::TaskId> task_ids) override;

  /// The channel every instance listens on.
  static constexpr const char* kChannel = "dialtrack_task_changes";

 private:
  struct Session;
  void loop();
  /// One connection's life: listens, sends what is queued, hears; returns when it breaks or
  /// the object stops.
  void serve(Session& session);
  void wake() const;

  std::string url_;
  Heard heard_;
  Lost lost_;
  std::shared_ptr<spdlog::logger> log_;
  int wake_fd_ = -1;  ///< an eventfd: news for the thread (ids queued, stopping)
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::set<domain::TaskId> queued_;
  std::thread thread_;  ///< last: starts once everything above is ready
};

}  // namespace dialtrack::storage::postgres
