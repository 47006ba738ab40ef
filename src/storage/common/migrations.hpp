#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <span>

/// The schema versions: the same on every backend, each backend with its own SQL for them.
namespace dialtrack::storage {

struct Migration {
  int version;
  const char* description;  ///< as recorded in schema_migrations
  const char* sql;
};

/// What each schema version adds, version 1 first. A new version is added here and, in the
/// same change, to every backend's migrations.
inline constexpr std::array kSchemaVersions{
    "tasks, leads, call records and status history",
    "leases for background jobs",
    "webhooks, outbox events and deliveries",
    "indexes for reports",
    "dialer sync cursors and per-task sync state",
    "report aggregates kept at write time; report indexes dropped",
    "campaigns: completion policies, lead states, phone keys, redial",
    "live events: outbox events numbered in the order they are written",
};

/// The version whose SQL adds the leads' phone keys: the program keys the leads stored before it
/// right after that SQL, in the same transaction (phone_key_backfill.hpp).
inline constexpr int kPhoneKeysVersion = 7;

/// A backend's migrations from its SQL, one text per schema version in version order.
template <std::size_t N>
constexpr std::array<Migration, N> backend_migrations(const char* const (&sql)[N]) {
  static_assert(N == kSchemaVersions.size(), "one SQL text per schema version");
  std::array<Migration, N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    out[i] = Migration{static_cast<int>(i + 1), kSchemaVersions[i], sql[i]};
  }
  return out;
}

/// Calls `apply` (which runs the SQL and records the version, in the caller's transaction) for
/// each migration whose version is not in `applied`, in order, and returns the schema version
/// reached. Every version not recorded yet runs, not only those above the highest: versions
/// written on separate branches may arrive out of order (4, report indexes, came after 5).
int apply_missing(std::span<const Migration> migrations, const std::set<std::int64_t>& applied,
                  const std::function<void(const Migration&)>& apply);

}  // namespace dialtrack::storage
