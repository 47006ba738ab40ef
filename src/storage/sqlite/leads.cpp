#include <algorithm>
#include <map>

#include "domain/json_text.hpp"
#include "storage/common/lead_state_sql.hpp"
#include "storage/common/names.hpp"
#include "storage/common/policy_columns.hpp"
#include "storage/common/report_stats.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/ports.hpp"

namespace dialtrack::storage::sqlite {

namespace {

constexpr const char* kLeadColumns =
    "lead_id, task_id, phone, phone_key, name, job_id, attrs, state, attempts, latest_status, "
    "latest_at, connected_at";

store_api::LeadView read_lead(const Statement& s) {
  store_api::LeadView v;
  v.lead_id = s.int64(0);
  v.task_id = s.int64(1);
  v.lead.phone = s.text(2);
  v.lead.phone_key = s.optional_text(3).value_or(v.lead.phone);
  v.lead.name = s.optional_text(4);
  v.lead.job_id = s.optional_text(5);
  v.lead.attrs_json = s.optional_text(6);
  v.state = domain::lead_state_from_int(s.int64(7)).value_or(domain::LeadState::kPending);
  v.attempts = s.int64(8);
  v.latest_status = s.optional_text(9);
  v.latest_at = timestamp(s.optional_int64(10));
  v.connected_at = timestamp(s.optional_int64(11));
  return v;
}

}  // namespace

LeadStatements::LeadStatements(Database& db)
    : insert_lead(db,
                  "INSERT INTO task_leads (task_id, phone, phone_key, name, job_id, attrs, "
                  "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING"),
      find_lead(db,
                "SELECT lead_id, connected_at IS NOT NULL FROM task_leads "
                "WHERE task_id = ?1 AND phone_key = ?2 AND key_shared = 0"),
      find_lead_by_group(
          db,
          "SELECT l.task_id, l.lead_id, l.connected_at IS NOT NULL FROM call_tasks t "
          "JOIN task_leads l ON l.task_id = t.task_id AND l.phone_key = ?2 AND l.key_shared = 0 "
          "WHERE t.job_group_id = ?1 ORDER BY t.task_type = 4, t.task_id DESC LIMIT 1"),
      // A batch's leads (?1: a JSON array of lead ids) as write_lead_row needs them, with
      // their tasks' max_attempts: one statement per batch.
      read_lead_rows(db,
                     "SELECT l.lead_id, l.task_id, l.state, l.connected_at IS NOT NULL, "
                     "l.attempts, l.final_attempts, l.latest_status, l.latest_at, t.max_attempts "
                     "FROM json_each(?1) AS k JOIN task_leads l ON l.lead_id = k.value "
                     "JOIN call_tasks t ON t.task_id = l.task_id"),
      // One of their new rows, by lead id: a prepared statement per lead costs less than one
      // UPDATE ... FROM json_each(?) per batch (SQLite materialises the join and extracts each
      // value from JSON text); a lead connected before keeps its connected_at.
      write_lead_row(
          db,
          "UPDATE task_leads SET attempts = ?2, final_attempts = ?3, latest_status = ?4, "
          "latest_at = ?5, connected_at = coalesce(connected_at, ?6), state = ?7 "
          "WHERE lead_id = ?1"),
      // The attempts of each lead whose status is in the task's final statuses (a scan of the
      // task's records, by lead).
      resettle_final_attempts(
          db,
          "UPDATE task_leads SET final_attempts = (SELECT count(*) FROM outbound_call_records r "
          "WHERE r.lead_id = task_leads.lead_id AND instr(',' || (SELECT final_statuses FROM "
          "call_tasks WHERE task_id = ?1) || ',', ',' || r.call_status || ',') > 0) "
          "WHERE task_id = ?1"),
      resettle_states(db, sql("UPDATE task_leads AS l SET state = ", kLeadStateSql,
                              " FROM call_tasks t WHERE t.task_id = l.task_id "
                              "AND l.task_id = ?1 AND l.state <> ") +
                              kLeadStateSql),
      list_leads(db, sql("SELECT ", kLeadColumns,
                         " FROM task_leads WHERE task_id = ?1 AND lead_id > ?4 "
                         "ORDER BY lead_id LIMIT ?2 OFFSET ?3")),
      list_leads_in_state(db, sql("SELECT ", kLeadColumns,
                                  " FROM task_leads WHERE task_id = ?1 AND state = ?2 "
                                  "AND lead_id > ?5 ORDER BY lead_id LIMIT ?3 OFFSET ?4")),
      list_leads_in_states(db, sql("SELECT ", kLeadColumns,
                                   " FROM task_leads WHERE task_id = ?1 AND (?2 >> state) & 1 "
                                   "AND lead_id > ?5 ORDER BY lead_id LIMIT ?3 OFFSET ?4")),
      lead_by_id(
          db, sql("SELECT ", kLeadColumns, " FROM task_leads WHERE lead_id = ?1 AND task_id = ?2")),
      leads_by_key(db, sql("SELECT ", kLeadColumns,
                           " FROM task_leads WHERE task_id = ?1 AND phone_key = ?2 "
                           "ORDER BY key_shared, lead_id")),
      // WHERE before ON CONFLICT: SQLite reads an upsert after INSERT ... SELECT only then.
      copy_leads(db,
                 "INSERT INTO task_leads (task_id, phone, phone_key, name, job_id, attrs, "
                 "created_at) SELECT ?2, phone, phone_key, name, job_id, attrs, ?4 "
                 "FROM task_leads WHERE task_id = ?1 AND (?3 >> state) & 1 ORDER BY lead_id "
                 "ON CONFLICT DO NOTHING"),
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

std::vector<store_api::ConnectedIncrement> write_leads(
    Connection& c, std::span<const report_stats::LeadStatDelta> leads, Timestamp now, bool settle) {
  if (leads.empty()) {
    return {};
  }
  std::string ids;
  domain::JsonWriter id_list(ids);
  id_list.begin_array();
  for (const auto& d : leads) {
    id_list.integer(d.lead_id);
  }
  id_list.end_array();
  std::vector<report_stats::LeadRow> rows;
  rows.reserve(leads.size());
  std::vector<bool> connects;
  connects.reserve(leads.size());
  std::map<TaskId, report_stats::LeadMoves> per_task;
  auto& read = c.leads->read_lead_rows.bind(ids);
  while (read.step()) {
    report_stats::LeadRow before;
    before.lead_id = read.int64(0);
    before.task_id = read.int64(1);
    before.state = static_cast<int>(read.int64(2));
    before.connected = read.int64(3) != 0;
    before.attempts = read.int64(4);
    before.final_attempts = read.int64(5);
    before.latest_status = read.optional_text(6);
    before.latest_at = read.optional_int64(7);
    const auto delta = std::lower_bound(
        leads.begin(), leads.end(), before.lead_id,
        [](const report_stats::LeadStatDelta& d, LeadId id) { return d.lead_id < id; });
    auto after = report_stats::apply(before, *delta, read.optional_int64(8));
    if (!settle) {
      after.connected = before.connected;
      after.state = before.state;
    }
    per_task[before.task_id].add(before, after);
    connects.push_back(after.connected && !before.connected);
    rows.push_back(std::move(after));
  }
  // Written once the read is done (it still steps over the rows this changes).
  const std::optional<std::int64_t> connected_at = millis(now);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    c.leads->write_lead_row
        .bind(row.lead_id, row.attempts, row.final_attempts, row.latest_status, row.latest_at,
              connects[i] ? connected_at : std::nullopt, row.state)
        .run();
  }
  std::vector<store_api::ConnectedIncrement> out;
  for (const auto& [task_id, moves] : per_task) {
    if (moves.connected != 0) {
      add_connected_calls(c, task_id, moves.connected, now);
      out.push_back({task_id, moves.connected});
    }
    if (moves.settled != 0 || moves.unreachable != 0) {
      c.tasks->add_settled_calls.bind(task_id, moves.settled, moves.unreachable, millis(now)).run();
    }
  }
  return out;
}

void repair_lead_connections(Connection& c, TaskId task_id, Timestamp now) {
  c.leads->repair_connect_leads.bind(task_id, millis(now)).run();
  c.leads->repair_disconnect_leads.bind(task_id).run();
}

void resettle(Connection& c, TaskId task_id, Timestamp now) {
  c.leads->resettle_final_attempts.bind(task_id).run();
  c.leads->resettle_states.bind(task_id).run();
  c.tasks->recount_settled_calls.bind(task_id, millis(now)).run();
}

namespace {

/// The leads port: the phones of a task, their states, and the task's lead counters.
class SqliteLeads final : public PortOn<store_api::LeadStore, Connection> {
 public:
  using PortOn::PortOn;

  std::int64_t insert_leads(TaskId task_id, std::span<const domain::Lead> leads,
                            Timestamp now) override {
    std::int64_t added = 0;
    for (const auto& lead : leads) {
      c_.leads->insert_lead
          .bind(task_id, lead.phone, lead.phone_key.empty() ? lead.phone : lead.phone_key,
                lead.name, lead.job_id, lead.attrs_json, millis(now))
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
    for (const auto& [task_id, key] : keys) {
      auto& s = c_.leads->find_lead.bind(task_id, key);
      if (s.step()) {
        out.push_back({task_id, s.int64(0), key, s.int64(1) != 0});
      }
    }
    return out;
  }

  std::vector<store_api::JobGroupLeadMatch> find_leads_by_job_group(
      std::span<const std::pair<std::string, std::string>> keys) override {
    std::vector<store_api::JobGroupLeadMatch> out;
    for (const auto& [job_group_id, key] : keys) {
      auto& s = c_.leads->find_lead_by_group.bind(job_group_id, key);
      if (s.step()) {
        out.push_back({job_group_id, {s.int64(0), s.int64(1), key, s.int64(2) != 0}});
      }
    }
    return out;
  }

  std::vector<store_api::ConnectedIncrement> settle_leads(std::span<const LeadId> lead_ids,
                                                          std::span<const LeadId> connected,
                                                          Timestamp now) override {
    const auto deltas = report_stats::settling(lead_ids, connected);
    return write_leads(c_, deltas.lead_stats(), now, true);
  }

  void resettle_task(TaskId task_id, Timestamp now) override { resettle(c_, task_id, now); }

  store_api::LeadPage list_leads(const store_api::LeadQuery& query) override {
    store_api::LeadPage page;
    if (query.phone_key) {
      return policy_columns::key_page(
          c_.leads->leads_by_key.bind(query.task_id, *query.phone_key).read_all(read_lead), query);
    }
    Statement* rows = nullptr;
    if (query.states.empty()) {
      rows =
          &c_.leads->list_leads.bind(query.task_id, query.page_size, query.offset(), query.after);
    } else if (query.states.size() == 1) {
      rows = &c_.leads->list_leads_in_state.bind(query.task_id, static_cast<int>(query.states[0]),
                                                 query.page_size, query.offset(), query.after);
    } else {
      rows = &c_.leads->list_leads_in_states.bind(query.task_id,
                                                  policy_columns::state_mask(query.states),
                                                  query.page_size, query.offset(), query.after);
    }
    page.items = rows->read_all(read_lead);
    auto& task = c_.tasks->find_task.bind(query.task_id);
    if (task.step()) {
      page.total = policy_columns::leads_in_states(read_task_row(task), query.states);
    }
    return page;
  }

  std::vector<store_api::LeadView> leads_by_ids(TaskId task_id,
                                                std::span<const LeadId> lead_ids) override {
    std::vector<store_api::LeadView> out;
    out.reserve(lead_ids.size());
    for (const auto lead_id : lead_ids) {
      auto& s = c_.leads->lead_by_id.bind(lead_id, task_id);
      if (s.step()) {
        out.push_back(read_lead(s));
      }
    }
    return out;
  }

  std::int64_t copy_leads(TaskId from, TaskId to, std::span<const domain::LeadState> states,
                          Timestamp now) override {
    c_.leads->copy_leads.bind(from, to, policy_columns::state_mask(states), millis(now)).run();
    const std::int64_t added = c_.db.changes();
    if (added > 0) {
      add_total_calls(c_, to, added, now);
    }
    return added;
  }
};

}  // namespace

std::unique_ptr<store_api::LeadStore> make_leads(Connection& c, store_api::TxMode) {
  return std::make_unique<SqliteLeads>(c);
}

}  // namespace dialtrack::storage::sqlite
