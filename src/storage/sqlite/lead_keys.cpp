#include "storage/sqlite/lead_keys.hpp"

#include "storage/sqlite/sqlite_db.hpp"

namespace dialtrack::storage::sqlite {

namespace {

/// The backfill's reads and writes, statement by statement (no round trips on SQLite).
class SqliteLeadKeying final : public phone_key_backfill::Backend {
 public:
  explicit SqliteLeadKeying(Database& db)
      : unkeyed_(db,
                 "SELECT lead_id, task_id, phone FROM task_leads WHERE phone_key IS NULL "
                 "AND lead_id > ?1 ORDER BY lead_id LIMIT ?2"),
        held_(db,
              "SELECT 1 FROM task_leads WHERE task_id = ?1 AND phone_key = ?2 AND key_shared = 0"),
        write_(db, "UPDATE task_leads SET phone_key = ?2, key_shared = ?3 WHERE lead_id = ?1") {}

  std::vector<phone_key_backfill::UnkeyedLead> unkeyed(store_api::LeadId after,
                                                       std::int64_t limit) override {
    return unkeyed_.bind(after, limit).read_all([](const Statement& s) {
      return phone_key_backfill::UnkeyedLead{s.int64(0), s.int64(1), s.text(2)};
    });
  }

  std::set<std::pair<store_api::TaskId, std::string>> held(
      std::span<const std::pair<store_api::TaskId, std::string>> keys) override {
    std::set<std::pair<store_api::TaskId, std::string>> out;
    for (const auto& [task_id, key] : keys) {
      if (held_.bind(task_id, key).step()) {
        out.emplace(task_id, key);
      }
    }
    return out;
  }

  void write(std::span<const phone_key_backfill::KeyedLead> leads) override {
    for (const auto& lead : leads) {
      write_.bind(lead.lead_id, lead.phone_key, lead.shared ? 1 : 0).run();
    }
  }

 private:
  Statement unkeyed_, held_, write_;
};

}  // namespace

void key_leads(Database& db, const phone_key_backfill::PhoneKeyFn& key, spdlog::logger* log) {
  SqliteLeadKeying backend(db);
  phone_key_backfill::run(backend, key, log);
}

}  // namespace dialtrack::storage::sqlite
