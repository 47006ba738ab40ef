#include "storage/common/names.hpp"
#include "storage/postgres/ports.hpp"

namespace dialtrack::storage::postgres {

std::vector<NamedStatement> lease_statements() {
  return {
      {"acquire_lease",
       "INSERT INTO job_leases AS l (name, holder, expires_at) VALUES ($1, $2, $4) "
       "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
       "expires_at = excluded.expires_at WHERE l.holder = excluded.holder OR l.expires_at < $3"},
      {"release_lease", "DELETE FROM job_leases WHERE name = $1 AND holder = $2"},
  };
}

namespace {

/// The leases port: named leases that let one instance at a time run a background job.
class PgLeases final : public store_api::LeaseStore {
 public:
  explicit PgLeases(Connection& connection) : c_(connection) {}

  bool acquire_lease(std::string_view name, std::string_view holder, Timestamp now,
                     std::chrono::milliseconds ttl) override {
    const auto r = c_.run("acquire_lease",
                          Params{}.add(name).add(holder).add(millis(now)).add(millis(now + ttl)));
    return r.affected() == 1;
  }

  void release_lease(std::string_view name, std::string_view holder) override {
    c_.run("release_lease", Params{}.add(name).add(holder));
  }

 private:
  Connection& c_;
};

}  // namespace

std::unique_ptr<store_api::LeaseStore> make_leases(Connection& c, store_api::TxMode) {
  return std::make_unique<PgLeases>(c);
}

}  // namespace dialtrack::storage::postgres
