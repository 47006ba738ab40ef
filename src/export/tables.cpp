#include "export/tables.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <unordered_map>

#include "app/transactions.hpp"
#include "export/labels.hpp"

namespace dialtrack::exports {
namespace {

namespace json = boost::json;

/// Rows read from the store at a time: a page of records with their leads is a few MiB at most.
constexpr std::int64_t kPage = 2000;
/// Attribute (and extra field) keys that get a column of their own; the rest of an object goes
/// in one JSON column beside them.
constexpr std::size_t kMaxKeyColumns = 64;

/// A JSON object's keys in first-seen order, up to kMaxKeyColumns.
class KeyColumns {
 public:
  void learn(const std::optional<std::string>& object_json) {
    const auto object = parse(object_json);
    for (const auto& entry : object) {
      if (keys_.size() >= kMaxKeyColumns) {
        return;
      }
      const std::string key(entry.key());
      if (std::find(keys_.begin(), keys_.end(), key) == keys_.end()) {
        keys_.push_back(key);
      }
    }
  }

  void add_header(std::vector<std::string>& header, std::string_view prefix,
                  std::string_view rest) const {
    for (const auto& key : keys_) {
      header.push_back(std::string(prefix) + key);
    }
    header.emplace_back(rest);
  }

  /// A cell per key, then the other keys as one JSON object (empty when none).
  void add_cells(Row& row, const std::optional<std::string>& object_json) const {
    auto object = parse(object_json);
    for (const auto& key : keys_) {
      const auto* value = object.if_contains(key);
      row.push_back(value == nullptr ? Cell{} : Cell::of_text(value_text(*value)));
      object.erase(key);
    }
    row.push_back(object.empty() ? Cell{} : Cell::of_text(json::serialize(object)));
  }

 private:
  static json::object parse(const std::optional<std::string>& object_json) {
    if (!object_json || object_json->empty()) {
      return {};
    }
    boost::system::error_code ec;
    auto value = json::parse(*object_json, ec);
    if (ec || !value.is_object()) {
      return {};
    }
    return std::move(value.as_object());
  }

  static std::string value_text(const json::value& value) {
    if (value.is_string()) {
      return std::string(value.as_string());
    }
    if (value.is_null()) {
      return {};
    }
    return json::serialize(value);
  }

  std::vector<std::string> keys_;
};

void add_status(Row& row, const std::optional<std::string>& status) {
  row.push_back(Cell::of_text(status));
  const auto label = status ? status_label(*status) : std::nullopt;
  row.push_back(label ? Cell::of_text(label->zh) : Cell{});
  row.push_back(label ? Cell::of_text(label->en) : Cell{});
}

/// The first page of a task's leads (in lead order): where the attribute columns come from.
std::vector<store_api::LeadView> lead_page(store_api::Store& store, domain::TaskId task_id,
                                           const std::vector<domain::LeadState>& states,
                                           domain::LeadId after) {
  store_api::LeadQuery query;
  query.task_id = task_id;
  query.states = states;
  query.page_size = kPage;
  query.after = after;
  return app::run_transaction(store, store_api::TxMode::kRead, [&](store_api::Transaction& tx) {
    return tx.leads().list_leads(query).items;
  });
}

class LeadsTable final : public Table {
 public:
  LeadsTable(store_api::Store& store, const Request& request)
      : store_(store), task_id_(request.task_id), states_(request.states) {}

  std::vector<std::string> header() override {
    pending_ = lead_page(store_, task_id_, states_, 0);
    for (const auto& lead : pending_) {
      attrs_.learn(lead.lead.attrs_json);
    }
    std::vector<std::string> out{"phone", "phone_key", "name", "job_id"};
    attrs_.add_header(out, "attr.", "attrs");
    for (const auto* name : {"state", "state_zh", "state_en", "attempts", "latest_status",
                             "latest_status_zh", "latest_status_en", "latest_at", "connected_at"}) {
      out.emplace_back(name);
    }
    return out;
  }

  std::vector<Row> next_page() override {
    auto leads = std::move(pending_);
    pending_.clear();
    if (leads.empty() && !done_) {
      leads = lead_page(store_, task_id_, states_, after_);
    }
    done_ = done_ || static_cast<std::int64_t>(leads.size()) < kPage;
    std::vector<Row> rows;
    rows.reserve(leads.size());
    for (const auto& v : leads) {
      after_ = v.lead_id;
      Row row;
      row.push_back(Cell::of_phone(v.lead.phone));
      row.push_back(Cell::of_phone(v.lead.phone_key));
      row.push_back(Cell::of_text(v.lead.name));
      row.push_back(Cell::of_text(v.lead.job_id));
      attrs_.add_cells(row, v.lead.attrs_json);
      const auto state = lead_state_label(v.state);
      row.push_back(Cell::of_text(domain::to_string(v.state)));
      row.push_back(Cell::of_text(state.zh));
      row.push_back(Cell::of_text(state.en));
      row.push_back(Cell::of_number(v.attempts));
      add_status(row, v.latest_status);
      row.push_back(Cell::of_time(v.latest_at));
      row.push_back(Cell::of_time(v.connected_at));
      rows.push_back(std::move(row));
    }
    return rows;
  }

 private:
  store_api::Store& store_;
  domain::TaskId task_id_;
  std::vector<domain::LeadState> states_;
  KeyColumns attrs_;
  std::vector<store_api::LeadView> pending_;
  domain::LeadId after_ = 0;
  bool done_ = false;
};

class RecordsTable final : public Table {
 public:
  RecordsTable(store_api::Store& store, const Request& request)
      : store_(store), task_id_(request.task_id) {}

  std::vector<std::string> header() override {
    for (const auto& lead : lead_page(store_, task_id_, {}, 0)) {
      attrs_.learn(lead.lead.attrs_json);
    }
    pending_ = read_page();
    for (const auto& [record_id, stored] : pending_.records) {
      extra_.learn(stored.record.fields.extra_json);
    }
    std::vector<std::string> out{"call_id", "task_id", "phone", "phone_key", "lead_name"};
    attrs_.add_header(out, "attr.", "attrs");
    for (const auto* name :
         {"call_status", "call_status_zh", "call_status_en", "connected", "started_at", "ended_at",
          "duration", "event_time", "job_group_id", "job_id"}) {
      out.emplace_back(name);
    }
    extra_.add_header(out, "extra.", "extra");
    out.emplace_back("created_at");
    out.emplace_back("updated_at");
    return out;
  }

  std::vector<Row> next_page() override {
    auto page = std::move(pending_);
    pending_ = {};
    if (page.records.empty() && !done_) {
      page = read_page();
    }
    done_ = done_ || static_cast<std::int64_t>(page.records.size()) < kPage;
    std::unordered_map<domain::LeadId, const store_api::LeadView*> leads;
    for (const auto& lead : page.leads) {
      leads.emplace(lead.lead_id, &lead);
    }
    std::vector<Row> rows;
    rows.reserve(page.records.size());
    for (const auto& [record_id, stored] : page.records) {
      after_ = record_id;
      const auto& r = stored.record;
      const auto found = leads.find(stored.lead_id);
      const store_api::LeadView* lead = found == leads.end() ? nullptr : found->second;
      Row row;
      row.push_back(Cell::of_text(r.call_id));
      row.push_back(Cell::of_number(r.task_id));
      row.push_back(Cell::of_phone(r.phone));
      row.push_back(lead ? Cell::of_phone(lead->lead.phone_key) : Cell{});
      row.push_back(lead ? Cell::of_text(lead->lead.name) : Cell{});
      attrs_.add_cells(row, lead ? lead->lead.attrs_json : std::nullopt);
      add_status(row, r.fields.call_status);
      row.push_back(Cell::of_text(std::string(r.connected ? "true" : "false")));
      row.push_back(Cell::of_time(r.fields.started_at));
      row.push_back(Cell::of_time(r.fields.ended_at));
      row.push_back(Cell::of_number(r.fields.duration));
      row.push_back(Cell::of_time(r.fields.event_time));
      row.push_back(Cell::of_text(r.fields.job_group_id));
      row.push_back(Cell::of_text(r.fields.job_id));
      extra_.add_cells(row, r.fields.extra_json);
      row.push_back(Cell::of_time(r.created_at));
      row.push_back(Cell::of_time(r.updated_at));
      rows.push_back(std::move(row));
    }
    return rows;
  }

 private:
  struct Page {
    std::vector<std::pair<std::int64_t, store_api::StoredRecord>> records;
    std::vector<store_api::LeadView> leads;
  };

  /// A page of records after `after_` and their leads, in one read transaction.
  Page read_page() {
    return app::run_transaction(store_, store_api::TxMode::kRead, [&](store_api::Transaction& tx) {
      Page page;
      page.records = tx.records().task_records_after(task_id_, after_, kPage);
      std::vector<domain::LeadId> ids;
      ids.reserve(page.records.size());
      for (const auto& [record_id, stored] : page.records) {
        if (stored.lead_id != 0) {
          ids.push_back(stored.lead_id);
        }
      }
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      if (!ids.empty()) {
        page.leads = tx.leads().leads_by_ids(task_id_, ids);
      }
      return page;
    });
  }

  store_api::Store& store_;
  domain::TaskId task_id_;
  KeyColumns attrs_;
  KeyColumns extra_;
  Page pending_;
  std::int64_t after_ = 0;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Table> make_table(store_api::Store& store, const Request& request) {
  if (request.kind == Kind::kLeads) {
    return std::make_unique<LeadsTable>(store, request);
  }
  return std::make_unique<RecordsTable>(store, request);
}

}  // namespace dialtrack::exports
