#include <algorithm>
#include <map>
#include <optional>
#include <type_traits>

#include "storage/common/lead_state_sql.hpp"
#include "storage/common/names.hpp"
#include "storage/common/policy_columns.hpp"
#include "storage/common/report_stats.hpp"
#include "storage/postgres/pg_sql.hpp"
#include "storage/postgres/ports.hpp"

namespace dialtrack::storage::postgres {

namespace {

/// (key, phone) pairs as the parameters $1 and $2 of a statement that joins on unnest($1, $2):
/// the keys (task ids or job group ids), then the phones.
template <typename Key>
Params key_and_phone_arrays(std::span<const std::pair<Key, std::string>> pairs) {
  std::vector<std::conditional_t<std::is_integral_v<Key>, std::int64_t, std::optional<std::string>>>
      keys;
  std::vector<std::optional<std::string>> phones;
  for (const auto& [key, phone] : pairs) {
    keys.emplace_back(key);
    phones.emplace_back(phone);
  }
  return Params{}.add_array(keys).add_array(phones);
}

/// The lead in the columns from `first` on of a find statement: task_id, lead_id, phone key and
/// whether it is connected.
store_api::LeadMatch read_lead(const Result& r, int row, int first) {
  return {r.int64(row, first), r.int64(row, first + 1), std::string(r.text(row, first + 2)),
          r.boolean(row, first + 3)};
}

constexpr std::string_view kLeadColumns =
    "lead_id, task_id, phone, phone_key, name, job_id, attrs, state, attempts, latest_status, "
    "latest_at, connected_at";

store_api::LeadView read_lead_view(const Result& r, int row) {
  store_api::LeadView v;
  v.lead_id = r.int64(row, 0);
  v.task_id = r.int64(row, 1);
  v.lead.phone = std::string(r.text(row, 2));
  v.lead.phone_key = r.optional_text(row, 3).value_or(v.lead.phone);
  v.lead.name = r.optional_text(row, 4);
  v.lead.job_id = r.optional_text(row, 5);
  v.lead.attrs_json = r.optional_text(row, 6);
  v.state = domain::lead_state_from_int(r.int64(row, 7)).value_or(domain::LeadState::kPending);
  v.attempts = r.int64(row, 8);
  v.latest_status = r.optional_text(row, 9);
  v.latest_at = timestamp(r.optional_int64(row, 10));
  v.connected_at = timestamp(r.optional_int64(row, 11));
  return v;
}

}  // namespace

std::vector<NamedStatement> lead_statements() {
  return {
      // The writes of the leads (insert, copy, settle) also move their tasks' counters
      // (call_tasks, the tasks port's rows) in the same statement, after the leads' rows as
      // every writer locks them: a statement of its own would cost a round trip more, and
      // settle_leads runs on every push of records. A task that does not exist returns no row:
      // its leads count for nothing.
      {"insert_leads",
       "WITH ins AS (INSERT INTO task_leads (task_id, phone, phone_key, name, job_id, attrs, "
       "created_at) SELECT $1, u.phone, u.phone_key, u.name, u.job_id, u.attrs, $7 "
       "FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) "
       "WITH ORDINALITY AS u(phone, phone_key, name, job_id, attrs, n) ORDER BY u.n "
       "ON CONFLICT DO NOTHING RETURNING 1), "
       "added AS (SELECT count(*) AS n FROM ins) "
       "UPDATE call_tasks SET total_calls = total_calls + added.n, updated_at = $7 "
       "FROM added WHERE task_id = $1 RETURNING added.n"},
      // Redial: the leads of $1 in the states of the mask $3 into $2, in lead order.
      {"copy_leads",
       "WITH ins AS (INSERT INTO task_leads (task_id, phone, phone_key, name, job_id, attrs, "
       "created_at) SELECT $2, phone, phone_key, name, job_id, attrs, $4 FROM task_leads "
       "WHERE task_id = $1 AND ($3::bigint >> state) & 1 = 1 ORDER BY lead_id "
       "ON CONFLICT DO NOTHING RETURNING 1), "
       "added AS (SELECT count(*) AS n FROM ins) "
       "UPDATE call_tasks SET total_calls = total_calls + added.n, updated_at = $4 "
       "FROM added WHERE task_id = $2 RETURNING added.n"},
      {"find_leads",
       "SELECT l.task_id, l.lead_id, l.phone_key, l.connected_at IS NOT NULL "
       "FROM unnest($1::bigint[], $2::text[]) AS k(task_id, phone_key) "
       "JOIN task_leads l ON l.task_id = k.task_id AND l.phone_key = k.phone_key "
       "AND NOT l.key_shared"},
      {"find_leads_by_job_group",
       "SELECT DISTINCT ON (k.job_group_id, k.phone_key) k.job_group_id, l.task_id, l.lead_id, "
       "l.phone_key, l.connected_at IS NOT NULL "
       "FROM unnest($1::text[], $2::text[]) AS k(job_group_id, phone_key) "
       "JOIN call_tasks t ON t.job_group_id = k.job_group_id "
       "JOIN task_leads l ON l.task_id = t.task_id AND l.phone_key = k.phone_key "
       "AND NOT l.key_shared "
       "ORDER BY k.job_group_id, k.phone_key, t.task_type = 4, t.task_id DESC"},
      // What a batch of record writes changes in its leads, in one statement (one write of each
      // lead row): attempts, final attempts, the latest attempt (a candidate (status, at) becomes
      // it when it is at least as late, or when the batch overwrote the stored latest attempt:
      // its old time replaced_at reaches latest_at), connection, and the state that follows
      // (domain::lead_state as SQL), or with $10 false only the attempts and the latest attempt
      // (RecordStore::upsert_records). The rows are locked in lead id order (the CTE), as every
      // writer locks leads, and before any task: no deadlock. Returns how each task's
      // connected, settled and unreachable counters move; the caller moves them once it holds
      // the tasks (add_record_stats).
      {"write_leads",
       sql({"WITH u AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], "
            "$4::boolean[], $5::text[], $6::bigint[], $7::bigint[], $8::boolean[]) "
            "AS u(lead_id, attempts, final_attempts, has_latest, status, at, replaced_at, "
            "connects)), "
            "cur AS MATERIALIZED (SELECT l.lead_id, l.task_id, l.state AS old_state, "
            "(l.connected_at IS NULL AND u.connects) AS connects, "
            "(u.has_latest AND (l.latest_at IS NULL OR u.at >= l.latest_at "
            "OR l.latest_at <= u.replaced_at)) AS takes, ",
            "CASE WHEN $10::boolean THEN ",
            lead_state_sql("(l.connected_at IS NOT NULL OR u.connects)",
                           "(l.final_attempts + u.final_attempts)", "(l.attempts + u.attempts)"),
            " ELSE l.state END AS new_state FROM task_leads l JOIN u ON u.lead_id = l.lead_id "
            "JOIN call_tasks t ON t.task_id = l.task_id ORDER BY l.lead_id FOR UPDATE OF l), "
            "upd AS (UPDATE task_leads l SET attempts = l.attempts + u.attempts, "
            "final_attempts = l.final_attempts + u.final_attempts, "
            "latest_status = CASE WHEN cur.takes THEN u.status ELSE l.latest_status END, "
            "latest_at = CASE WHEN cur.takes THEN u.at ELSE l.latest_at END, "
            "state = cur.new_state, "
            "connected_at = CASE WHEN cur.connects THEN $9 ELSE l.connected_at END "
            "FROM cur JOIN u ON u.lead_id = cur.lead_id WHERE l.lead_id = cur.lead_id "
            "RETURNING cur.task_id, cur.old_state, cur.new_state, cur.connects) "
            "SELECT task_id, sum(connects::int), "
            "sum((new_state <> 0)::int - (old_state <> 0)::int), "
            "sum((new_state = 2)::int - (old_state = 2)::int) FROM upd GROUP BY task_id"})},
      {"resettle_final_attempts",
       "UPDATE task_leads l SET final_attempts = coalesce(f.n, 0) FROM task_leads k "
       "LEFT JOIN (SELECT r.lead_id, count(*) AS n FROM outbound_call_records r "
       "JOIN call_tasks t ON t.task_id = r.task_id WHERE r.task_id = $1 "
       "AND r.call_status = ANY(string_to_array(t.final_statuses, ',')) GROUP BY r.lead_id) f "
       "ON f.lead_id = k.lead_id WHERE k.task_id = $1 AND l.lead_id = k.lead_id "
       "AND l.final_attempts <> coalesce(f.n, 0)"},
      {"resettle_states",
       sql({"UPDATE task_leads l SET state = ", kLeadStateSql,
            " FROM call_tasks t WHERE t.task_id = l.task_id AND l.task_id = $1 AND l.state <> ",
            kLeadStateSql})},
      {"recount_settled_calls",
       "UPDATE call_tasks t SET settled_calls = s.settled, unreachable_calls = s.unreachable, "
       "updated_at = $2 FROM (SELECT count(*) FILTER (WHERE state <> 0) AS settled, "
       "count(*) FILTER (WHERE state = 2) AS unreachable FROM task_leads WHERE task_id = $1) s "
       "WHERE t.task_id = $1"},
      {"list_leads", sql({"SELECT ", kLeadColumns,
                          " FROM task_leads WHERE task_id = $1 AND lead_id > $4 "
                          "ORDER BY lead_id LIMIT $2 OFFSET $3"})},
      {"list_leads_in_state", sql({"SELECT ", kLeadColumns,
                                   " FROM task_leads WHERE task_id = $1 AND state = $2 "
                                   "AND lead_id > $5 ORDER BY lead_id LIMIT $3 OFFSET $4"})},
      {"list_leads_in_states", sql({"SELECT ", kLeadColumns,
                                    " FROM task_leads WHERE task_id = $1 "
                                    "AND ($2::bigint >> state) & 1 = 1 AND lead_id > $5 "
                                    "ORDER BY lead_id LIMIT $3 OFFSET $4"})},
      {"leads_by_ids",
       sql({"SELECT ", kLeadColumns,
            " FROM task_leads WHERE task_id = $1 AND lead_id = ANY($2::bigint[])"})},
      {"leads_by_key", sql({"SELECT ", kLeadColumns,
                            " FROM task_leads WHERE task_id = $1 AND phone_key = $2 "
                            "ORDER BY key_shared, lead_id"})},
      {"lead_counters",
       "SELECT total_calls, connected_calls, settled_calls, unreachable_calls FROM call_tasks "
       "WHERE task_id = $1"},
      {"repair_connect_leads",
       "UPDATE task_leads SET connected_at = $2 WHERE task_id = $1 AND connected_at IS NULL "
       "AND lead_id IN (SELECT lead_id FROM outbound_call_records WHERE task_id = $1 AND "
       "connected)"},
      {"repair_disconnect_leads",
       "UPDATE task_leads SET connected_at = NULL WHERE task_id = $1 AND connected_at IS NOT NULL "
       "AND lead_id NOT IN (SELECT lead_id FROM outbound_call_records "
       "WHERE task_id = $1 AND connected)"},
  };
}

std::map<TaskId, report_stats::LeadMoves> write_leads(
    Connection& c, std::span<const report_stats::LeadStatDelta> leads, Timestamp now, bool settle) {
  std::map<TaskId, report_stats::LeadMoves> moves;
  if (leads.empty()) {
    return moves;
  }
  std::vector<std::int64_t> lead_ids, attempts, final_attempts, latest_at;
  std::vector<std::optional<std::string>> has_latest, latest_status, replaced_at, connects;
  for (const auto& d : leads) {  // in lead id order
    lead_ids.push_back(d.lead_id);
    attempts.push_back(d.attempts);
    final_attempts.push_back(d.final_attempts);
    has_latest.emplace_back(d.has_latest ? "t" : "f");
    latest_status.emplace_back(d.latest_status);
    latest_at.push_back(d.latest_at);
    replaced_at.push_back(int_text(d.replaced_at));
    connects.emplace_back(d.connects ? "t" : "f");
  }
  const auto r = c.run("write_leads", Params{}
                                          .add_array(lead_ids)
                                          .add_array(attempts)
                                          .add_array(final_attempts)
                                          .add_array(has_latest)
                                          .add_array(latest_status)
                                          .add_array(latest_at)
                                          .add_array(replaced_at)
                                          .add_array(connects)
                                          .add(millis(now))
                                          .add(settle ? "t" : "f"));
  for (int row = 0; row < r.rows(); ++row) {
    moves[r.int64(row, 0)] = {r.int64(row, 1), r.int64(row, 2), r.int64(row, 3)};
  }
  return moves;
}

void repair_connected_flags(Connection& c, TaskId task_id, Timestamp now) {
  c.run("repair_connect_leads", Params{}.add(task_id).add(millis(now)));
  c.run("repair_disconnect_leads", Params{}.add(task_id));
}

void resettle(Connection& c, TaskId task_id, Timestamp now) {
  c.run("resettle_final_attempts", Params{}.add(task_id));
  c.run("resettle_states", Params{}.add(task_id));
  c.run("recount_settled_calls", Params{}.add(task_id).add(millis(now)));
}

namespace {

/// The leads port: the phones of a task and whether each was connected.
class PgLeads final : public PortOn<store_api::LeadStore, Connection> {
 public:
  using PortOn::PortOn;

  std::int64_t insert_leads(TaskId task_id, std::span<const domain::Lead> leads,
                            Timestamp now) override {
    if (leads.empty()) {
      return 0;
    }
    std::vector<std::optional<std::string>> phones;
    std::vector<std::optional<std::string>> keys;
    std::vector<std::optional<std::string>> names;
    std::vector<std::optional<std::string>> job_ids;
    std::vector<std::optional<std::string>> attrs;
    for (const auto& lead : leads) {
      phones.emplace_back(lead.phone);
      keys.emplace_back(lead.phone_key.empty() ? lead.phone : lead.phone_key);
      names.push_back(lead.name);
      job_ids.push_back(lead.job_id);
      attrs.push_back(lead.attrs_json);
    }
    const auto r = c_.run("insert_leads", Params{}
                                              .add(task_id)
                                              .add_array(phones)
                                              .add_array(keys)
                                              .add_array(names)
                                              .add_array(job_ids)
                                              .add_array(attrs)
                                              .add(millis(now)));
    return r.rows() == 1 ? r.int64(0, 0) : 0;
  }

  std::vector<store_api::LeadMatch> find_leads(
      std::span<const std::pair<TaskId, std::string>> keys) override {
    if (keys.empty()) {
      return {};
    }
    return c_.run("find_leads", key_and_phone_arrays(keys)).read_all([](const Result& r, int row) {
      return read_lead(r, row, 0);
    });
  }

  std::vector<store_api::JobGroupLeadMatch> find_leads_by_job_group(
      std::span<const std::pair<std::string, std::string>> keys) override {
    if (keys.empty()) {
      return {};
    }
    return c_.run("find_leads_by_job_group", key_and_phone_arrays(keys))
        .read_all([](const Result& r, int row) {
          return store_api::JobGroupLeadMatch{std::string(r.text(row, 0)), read_lead(r, row, 1)};
        });
  }

  std::vector<store_api::ConnectedIncrement> settle_leads(std::span<const LeadId> lead_ids,
                                                          std::span<const LeadId> connected,
                                                          Timestamp now) override {
    const auto deltas = report_stats::settling(lead_ids, connected);
    const auto moves = write_leads(c_, deltas.lead_stats(), now, true);
    std::vector<TaskId> tasks;
    std::vector<store_api::ConnectedIncrement> out;
    for (const auto& [task_id, m] : moves) {
      tasks.push_back(task_id);
      if (m.connected > 0) {
        out.push_back({task_id, m.connected});
      }
    }
    lock_task_rows(c_, tasks);
    add_record_stats(c_, {}, moves, {}, now);
    return out;
  }

  void resettle_task(TaskId task_id, Timestamp now) override { resettle(c_, task_id, now); }

  store_api::LeadPage list_leads(const store_api::LeadQuery& query) override {
    store_api::LeadPage page;
    if (query.phone_key) {
      return policy_columns::key_page(
          c_.run("leads_by_key", Params{}.add(query.task_id).add(*query.phone_key))
              .read_all(read_lead_view),
          query);
    }
    if (query.states.empty()) {
      page.items = c_.run("list_leads", Params{}
                                            .add(query.task_id)
                                            .add(query.page_size)
                                            .add(query.offset())
                                            .add(query.after))
                       .read_all(read_lead_view);
    } else if (query.states.size() == 1) {
      page.items = c_.run("list_leads_in_state", Params{}
                                                     .add(query.task_id)
                                                     .add(static_cast<int>(query.states[0]))
                                                     .add(query.page_size)
                                                     .add(query.offset())
                                                     .add(query.after))
                       .read_all(read_lead_view);
    } else {
      page.items = c_.run("list_leads_in_states", Params{}
                                                      .add(query.task_id)
                                                      .add(policy_columns::state_mask(query.states))
                                                      .add(query.page_size)
                                                      .add(query.offset())
                                                      .add(query.after))
                       .read_all(read_lead_view);
    }
    const auto counters = c_.run("lead_counters", Params{}.add(query.task_id));
    if (counters.rows() == 1) {
      domain::Task task;
      task.total_calls = counters.int64(0, 0);
      task.connected_calls = counters.int64(0, 1);
      task.settled_calls = counters.int64(0, 2);
      task.unreachable_calls = counters.int64(0, 3);
      page.total = policy_columns::leads_in_states(task, query.states);
    }
    return page;
  }

  std::vector<store_api::LeadView> leads_by_ids(TaskId task_id,
                                                std::span<const LeadId> lead_ids) override {
    return c_.run("leads_by_ids", Params{}.add(task_id).add_array(lead_ids))
        .read_all(read_lead_view);
  }

  std::int64_t copy_leads(TaskId from, TaskId to, std::span<const domain::LeadState> states,
                          Timestamp now) override {
    const auto r =
        c_.run("copy_leads",
               Params{}.add(from).add(to).add(policy_columns::state_mask(states)).add(millis(now)));
    return r.rows() == 1 ? r.int64(0, 0) : 0;
  }
};

}  // namespace

std::unique_ptr<store_api::LeadStore> make_leads(Connection& c, store_api::TxMode) {
  return std::make_unique<PgLeads>(c);
}

}  // namespace dialtrack::storage::postgres
