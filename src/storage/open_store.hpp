#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "store_api/store.hpp"
#include "store_api/task_changes.hpp"

namespace spdlog {
class logger;
}

namespace dialtrack::storage {

struct StoreOptions {
  int read_connections = 4;  ///< SQLite: read connections beside the one writer
  int pool_size = 10;        ///< PostgreSQL: connections at most
  std::chrono::milliseconds acquire_timeout{5'000};  ///< PostgreSQL: wait for a free connection
  std::chrono::milliseconds query_timeout{5'000};    ///< PostgreSQL: each connect and statement
  std::chrono::milliseconds connect_wait{60'000};    ///< PostgreSQL: retrying at start
  std::shared_ptr<spdlog::logger> log;               ///< start-up attempts, migrations, a full disk
  /// The key of a phone (domain::PhoneKeys::key), for leads stored before phone keys; none:
  /// the normalised phone is its own key.
  std::function<std::string(std::string_view)> phone_key;
};

/// Opens the store named by a `--db` value: a file path, `sqlite:PATH`, or a
/// `postgresql://` URL, and applies missing migrations. Throws store_api::StoreError with a
/// readable reason when it cannot. The one place that knows both backends; only the program's
/// wiring (cli), the tests and the benchmarks call it.
std::unique_ptr<store_api::Store> open_store(std::string_view db, const StoreOptions& options);

/// How the instances sharing the database named by `db` tell each other which tasks changed
/// (the live stream, `GET /events`): on PostgreSQL, `LISTEN/NOTIFY` on a connection of its own
/// (storage/postgres/pg_task_changes.hpp) that hands every change, this instance's too, to
/// `heard`, and calls `lost` after a break during which changes may have been missed. On
/// SQLite nothing (null): one process writes the file, so its own changes are all there is.
std::unique_ptr<store_api::TaskChanges> open_task_changes(
    std::string_view db, std::function<void(std::span<const domain::TaskId>)> heard,
    std::function<void()> lost, std::shared_ptr<spdlog::logger> log);

}  // namespace dialtrack::storage
