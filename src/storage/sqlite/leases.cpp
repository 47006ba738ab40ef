#include "storage/common/names.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/ports.hpp"

namespace dialtrack::storage::sqlite {

LeaseStatements::LeaseStatements(Database& db)
    : acquire_lease(db,
                    "INSERT INTO job_leases (name, holder, expires_at) "
                    "VALUES (?1, ?2, ?4) ON CONFLICT (name) DO UPDATE "
                    "SET holder = excluded.holder, expires_at = excluded.expires_at "
                    "WHERE job_leases.holder = excluded.holder "
                    "OR job_leases.expires_at < ?3"),
      release_lease(db, "DELETE FROM job_leases WHERE name = ?1 AND holder = ?2") {}

namespace {

/// The leases port: named leases that let one instance at a time run a background job.
class SqliteLeases final : public store_api::LeaseStore {
 public:
  explicit SqliteLeases(Connection& connection) : c_(connection) {}

  bool acquire_lease(std::string_view name, std::string_view holder, Timestamp now,
                     std::chrono::milliseconds ttl) override {
    c_.leases->acquire_lease.bind(name, holder, millis(now), millis(now + ttl)).run();
    return c_.db.changes() == 1;
  }

  void release_lease(std::string_view name, std::string_view holder) override {
    c_.leases->release_lease.bind(name, holder).run();
  }

 private:
  Connection& c_;
};

}  // namespace

std::unique_ptr<store_api::LeaseStore> make_leases(Connection& c, store_api::TxMode) {
  return std::make_unique<SqliteLeases>(c);
}

}  // namespace dialtrack::storage::sqlite
