#include <map>

#include "storage/common/names.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/ports.hpp"

namespace dialtrack::storage::sqlite {

LeadStatements::LeadStatements(Database& db)
    : insert_lead(db,
                  "INSERT INTO task_leads (task_id, phone, name, job_id, attrs, "
                  "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                  "ON CONFLICT (task_id, phone) DO NOTHING"),
      find_lead(db,
                "SELECT lead_id, connected_at IS NOT NULL FROM task_leads "
                "WHERE task_id = ?1 AND phone = ?2"),
      find_lead_by_group(
          db,
          "SELECT l.task_id, l.lead_id, l.connected_at IS NOT NULL FROM call_tasks t "
          "JOIN task_leads l ON l.task_id = t.task_id AND l.phone = ?2 "
          "WHERE t.job_group_id = ?1 ORDER BY t.task_type = 4, t.task_id DESC LIMIT 1"),
      mark_lead_connected(db,
                          "UPDATE task_leads SET connected_at = ?2 "
                          "WHERE lead_id = ?1 AND connected_at IS NULL RETURNING task_id"),
      repair_connect_leads(
          db,
          "UPDATE task_leads SET connected_at = ?2 WHERE task_id = ?1 AND connected_at IS NULL "
          "AND lead_id IN (SELECT lead_id FROM outbound_call_records WHERE task_id = ?1 AND "
          "connected)"),
      repair_disconnect_leads(
          db,
          "UPDATE task_leads SET connected_at = NULL WHERE task_id = ?1 AND connected_at IS NOT "
          "NULL AND lead_id NOT IN (SELECT lead_id FROM outbound_call_records "
          "WHERE task_id = ?1 AND connected)") {}

void repair_lead_connections(Connection& c, TaskId task_id, Timestamp now) {
  c.leads->repair_connect_leads.bind(task_id, millis(now)).run();
  c.leads->repair_disconnect_leads.bind(task_id).run();
}

namespace {

/// The leads port: the phones of a task and whether each was connected.
class SqliteLeads final : public store_api::LeadStore {
 public:
  explicit SqliteLeads(Connection& connection) : c_(connection) {}

  std::int64_t insert_leads(TaskId task_id, std::span<const domain::Lead> leads,
                            Timestamp now) override {
    std::int64_t added = 0;
    for (const auto& lead : leads) {
      c_.leads->insert_lead
          .bind(task_id, lead.phone, lead.name, lead.job_id, lead.attrs_json, millis(now))
          .run();
      added += c_.db.changes();
    }
    if (added > 0) {
      add_total_calls(c_, task_id, added, now);
    }
    return added;
  }

  std::vector<store_api::LeadMatch> find_leads(
      std::span<const std::pair<TaskId, std::string>> keys) override {
    std::vector<store_api::LeadMatch> out;
    for (const auto& [task_id, phone] : keys) {
      auto& s = c_.leads->find_lead.bind(task_id, phone);
      if (s.step()) {
        out.push_back({task_id, s.int64(0), phone, s.int64(1) != 0});
      }
    }
    return out;
  }

  std::vector<store_api::JobGroupLeadMatch> find_leads_by_job_group(
      std::span<const std::pair<std::string, std::string>> keys) override {
    std::vector<store_api::JobGroupLeadMatch> out;
    for (const auto& [job_group_id, phone] : keys) {
      auto& s = c_.leads->find_lead_by_group.bind(job_group_id, phone);
      if (s.step()) {
        out.push_back({job_group_id, {s.int64(0), s.int64(1), phone, s.int64(2) != 0}});
      }
    }
    return out;
  }

  std::vector<store_api::ConnectedIncrement> mark_leads_connected(std::span<const LeadId> lead_ids,
                                                                  Timestamp now) override {
    std::map<TaskId, std::int64_t> per_task;
    for (const LeadId id : lead_ids) {
      auto& s = c_.leads->mark_lead_connected.bind(id, millis(now));
      while (s.step()) {
        ++per_task[s.int64(0)];
      }
    }
    std::vector<store_api::ConnectedIncrement> out;
    for (const auto& [task_id, count] : per_task) {
      add_connected_calls(c_, task_id, count, now);
      out.push_back({task_id, count});
    }
    return out;
  }

 private:
  Connection& c_;
};

}  // namespace

std::unique_ptr<store_api::LeadStore> make_leads(Connection& c, store_api::TxMode) {
  return std::make_unique<SqliteLeads>(c);
}

}  // namespace dialtrack::storage::sqlite
