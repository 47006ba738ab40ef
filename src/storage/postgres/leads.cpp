#include <algorithm>
#include <optional>
#include <type_traits>

#include "storage/common/names.hpp"
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

/// The lead in the columns from `first` on of a find statement: task_id, lead_id, phone and
/// whether it is connected.
store_api::LeadMatch read_lead(const Result& r, int row, int first) {
  return {r.int64(row, first), r.int64(row, first + 1), std::string(r.text(row, first + 2)),
          r.boolean(row, first + 3)};
}

}  // namespace

std::vector<NamedStatement> lead_statements() {
  return {
      // Both writes of the leads also move their tasks' counters (call_tasks, the tasks port's
      // rows) in the same statement, after the leads' rows as every writer locks them: a
      // statement of its own would cost a round trip more, and mark_leads_connected runs on
      // every push of records. A task that does not exist returns no row: its leads count
      // for nothing.
      {"insert_leads",
       "WITH ins AS (INSERT INTO task_leads (task_id, phone, name, job_id, attrs, created_at) "
       "SELECT $1, u.phone, u.name, u.job_id, u.attrs, $6 "
       "FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) "
       "WITH ORDINALITY AS u(phone, name, job_id, attrs, n) ORDER BY u.n "
       "ON CONFLICT (task_id, phone) DO NOTHING RETURNING 1), "
       "added AS (SELECT count(*) AS n FROM ins) "
       "UPDATE call_tasks SET total_calls = total_calls + added.n, updated_at = $6 "
       "FROM added WHERE task_id = $1 RETURNING added.n"},
      {"find_leads",
       "SELECT l.task_id, l.lead_id, l.phone, l.connected_at IS NOT NULL "
       "FROM unnest($1::bigint[], $2::text[]) AS k(task_id, phone) "
       "JOIN task_leads l ON l.task_id = k.task_id AND l.phone = k.phone"},
      {"find_leads_by_job_group",
       "SELECT DISTINCT ON (k.job_group_id, k.phone) k.job_group_id, l.task_id, l.lead_id, "
       "l.phone, l.connected_at IS NOT NULL "
       "FROM unnest($1::text[], $2::text[]) AS k(job_group_id, phone) "
       "JOIN call_tasks t ON t.job_group_id = k.job_group_id "
       "JOIN task_leads l ON l.task_id = t.task_id AND l.phone = k.phone "
       "ORDER BY k.job_group_id, k.phone, t.task_type = 4, t.task_id DESC"},
      // connected_calls goes up by the number of leads that changed, per task.
      {"mark_leads_connected",
       "WITH upd AS (UPDATE task_leads SET connected_at = $2 "
       "WHERE lead_id = ANY($1::bigint[]) AND connected_at IS NULL RETURNING task_id), "
       "counts AS (SELECT task_id, count(*) AS n FROM upd GROUP BY task_id) "
       "UPDATE call_tasks t SET connected_calls = t.connected_calls + counts.n, updated_at = $2 "
       "FROM counts WHERE t.task_id = counts.task_id RETURNING t.task_id, counts.n"},
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

void repair_connected_flags(Connection& c, TaskId task_id, Timestamp now) {
  c.run("repair_connect_leads", Params{}.add(task_id).add(millis(now)));
  c.run("repair_disconnect_leads", Params{}.add(task_id));
}

namespace {

/// The leads port: the phones of a task and whether each was connected.
class PgLeads final : public store_api::LeadStore {
 public:
  explicit PgLeads(Connection& connection) : c_(connection) {}

  std::int64_t insert_leads(TaskId task_id, std::span<const domain::Lead> leads,
                            Timestamp now) override {
    if (leads.empty()) {
      return 0;
    }
    std::vector<std::optional<std::string>> phones;
    std::vector<std::optional<std::string>> names;
    std::vector<std::optional<std::string>> job_ids;
    std::vector<std::optional<std::string>> attrs;
    for (const auto& lead : leads) {
      phones.emplace_back(lead.phone);
      names.push_back(lead.name);
      job_ids.push_back(lead.job_id);
      attrs.push_back(lead.attrs_json);
    }
    const auto r = c_.run("insert_leads", Params{}
                                              .add(task_id)
                                              .add_array(phones)
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

  std::vector<store_api::ConnectedIncrement> mark_leads_connected(std::span<const LeadId> lead_ids,
                                                                  Timestamp now) override {
    if (lead_ids.empty()) {
      return {};
    }
    // Sorted ids lock the lead rows in one order in every transaction: no deadlock between them.
    std::vector<std::int64_t> ids(lead_ids.begin(), lead_ids.end());
    std::sort(ids.begin(), ids.end());
    return c_.run("mark_leads_connected", Params{}.add_array(ids).add(millis(now)))
        .read_all([](const Result& r, int row) {
          return store_api::ConnectedIncrement{r.int64(row, 0), r.int64(row, 1)};
        });
  }

 private:
  Connection& c_;
};

}  // namespace

std::unique_ptr<store_api::LeadStore> make_leads(Connection& c, store_api::TxMode) {
  return std::make_unique<PgLeads>(c);
}

}  // namespace dialtrack::storage::postgres
