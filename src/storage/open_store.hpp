#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "store_api/store.hpp"

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

}  // namespace dialtrack::storage
