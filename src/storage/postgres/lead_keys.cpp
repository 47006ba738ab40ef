#include "storage/postgres/lead_keys.hpp"

#include "storage/postgres/pg_connection.hpp"

namespace dialtrack::storage::postgres {

namespace {

/// The backfill's reads and writes on the migration's connection, inside its transaction.
class PgLeadKeying final : public phone_key_backfill::Backend {
 public:
  explicit PgLeadKeying(Connection& c) : c_(c) {}

  std::vector<phone_key_backfill::UnkeyedLead> unkeyed(store_api::LeadId after,
                                                       std::int64_t limit) override {
    return c_
        .exec(
            "SELECT lead_id, task_id, phone FROM task_leads WHERE phone_key IS NULL "
            "AND lead_id > $1 ORDER BY lead_id LIMIT $2",
            Params{}.add(after).add(limit))
        .read_all([](const Result& r, int row) {
          return phone_key_backfill::UnkeyedLead{r.int64(row, 0), r.int64(row, 1),
                                                 std::string(r.text(row, 2))};
        });
  }

  std::set<std::pair<store_api::TaskId, std::string>> held(
      std::span<const std::pair<store_api::TaskId, std::string>> keys) override {
    std::vector<std::int64_t> tasks;
    std::vector<std::optional<std::string>> phone_keys;
    for (const auto& [task_id, key] : keys) {
      tasks.push_back(task_id);
      phone_keys.emplace_back(key);
    }
    const auto r = c_.exec(
        "SELECT DISTINCT l.task_id, l.phone_key FROM unnest($1::bigint[], $2::text[]) "
        "AS k(task_id, phone_key) JOIN task_leads l ON l.task_id = k.task_id "
        "AND l.phone_key = k.phone_key AND NOT l.key_shared",
        Params{}.add_array(tasks).add_array(phone_keys));
    std::set<std::pair<store_api::TaskId, std::string>> out;
    for (int row = 0; row < r.rows(); ++row) {
      out.emplace(r.int64(row, 0), std::string(r.text(row, 1)));
    }
    return out;
  }

  void write(std::span<const phone_key_backfill::KeyedLead> leads) override {
    std::vector<std::int64_t> ids;
    std::vector<std::optional<std::string>> keys;
    std::vector<std::optional<std::string>> shared;
    for (const auto& lead : leads) {
      ids.push_back(lead.lead_id);
      keys.emplace_back(lead.phone_key);
      shared.emplace_back(lead.shared ? "t" : "f");
    }
    c_.exec(
        "UPDATE task_leads l SET phone_key = u.phone_key, key_shared = u.shared "
        "FROM unnest($1::bigint[], $2::text[], $3::boolean[]) AS u(lead_id, phone_key, shared) "
        "WHERE l.lead_id = u.lead_id",
        Params{}.add_array(ids).add_array(keys).add_array(shared));
  }

 private:
  Connection& c_;
};

}  // namespace

void key_leads(Connection& c, const phone_key_backfill::PhoneKeyFn& key, spdlog::logger* log) {
  PgLeadKeying backend(c);
  phone_key_backfill::run(backend, key, log);
}

}  // namespace dialtrack::storage::postgres
