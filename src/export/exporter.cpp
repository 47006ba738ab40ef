#include "export/exporter.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <array>
#include <boost/json.hpp>
#include <cstdio>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "app/transactions.hpp"
#include "csv/csv_writer.hpp"
#include "export/labels.hpp"

namespace dialtrack::exports {
namespace {

namespace json = boost::json;

/// Rows read from the store at a time: a page of records with their leads is a few MiB at most.
constexpr std::int64_t kPage = 2000;
/// Attribute (and extra field) keys that get a column of their own; the rest of an object goes
/// in one JSON column beside them.
constexpr std::size_t kMaxKeyColumns = 64;
/// Bytes of a finished XLSX file sent at a time.
constexpr std::size_t kFileChunk = std::size_t{256} * 1024;
/// The longest text an XLSX cell holds.
constexpr std::size_t kMaxCellText = 32767;

/// One cell of an export, typed so XLSX can write it as what it is.
struct Cell {
  enum class Type { kEmpty, kText, kPhone, kNumber, kTime };
  Type type = Type::kEmpty;
  std::string text;
  std::int64_t number = 0;
  domain::Timestamp at{};

  static Cell of_text(std::string value) { return {Type::kText, std::move(value), 0, {}}; }
  static Cell of_text(const std::optional<std::string>& value) {
    return value ? of_text(*value) : Cell{};
  }
  static Cell of_text(std::string_view value) { return of_text(std::string(value)); }
  static Cell of_phone(std::string value) { return {Type::kPhone, std::move(value), 0, {}}; }
  static Cell of_number(std::int64_t value) { return {Type::kNumber, {}, value, {}}; }
  static Cell of_number(std::optional<std::int64_t> value) {
    return value ? of_number(*value) : Cell{};
  }
  static Cell of_time(std::optional<domain::Timestamp> value) {
    return value ? Cell{Type::kTime, {}, 0, *value} : Cell{};
  }
};

using Row = std::vector<Cell>;

/// The rows of an export: the header (known once the first page is read) and pages of rows.
class Table {
 public:
  Table() = default;
  virtual ~Table() = default;
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  Table(Table&&) = delete;
  Table& operator=(Table&&) = delete;

  virtual std::vector<std::string> header() = 0;
  /// The next page of rows; empty at the end.
  virtual std::vector<Row> next_page() = 0;
};

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

std::unique_ptr<Table> make_table(store_api::Store& store, const Request& request) {
  if (request.kind == Kind::kLeads) {
    return std::make_unique<LeadsTable>(store, request);
  }
  return std::make_unique<RecordsTable>(store, request);
}

/// Milliseconds since the epoch in the export's offset.
std::int64_t local_millis(domain::Timestamp at, std::chrono::minutes offset) {
  return at.time_since_epoch().count() + std::chrono::milliseconds(offset).count();
}

/// `YYYY-MM-DD HH:MM:SS` in the export's offset.
std::string local_time_text(domain::Timestamp at, std::chrono::minutes offset) {
  const std::chrono::sys_time<std::chrono::milliseconds> local{
      std::chrono::milliseconds(local_millis(at, offset))};
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss time{std::chrono::floor<std::chrono::seconds>(local - day)};
  std::array<char, 96> out{};
  std::snprintf(out.data(), out.size(), "%04d-%02u-%02u %02lld:%02lld:%02lld",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long long>(time.hours().count()),
                static_cast<long long>(time.minutes().count()),
                static_cast<long long>(time.seconds().count()));
  return out.data();
}

class CsvJob final : public Job {
 public:
  CsvJob(std::unique_ptr<Table> table, std::chrono::minutes offset)
      : table_(std::move(table)), offset_(offset) {}

  std::optional<std::string> next() override {
    std::string out;
    csv::Writer writer(out);
    if (!started_) {
      started_ = true;
      out = csv::kUtf8Bom;
      writer.row(table_->header());
    }
    const auto page = table_->next_page();
    if (page.empty() && out.empty()) {
      return std::nullopt;
    }
    for (const auto& row : page) {
      for (const auto& cell : row) {
        switch (cell.type) {
          case Cell::Type::kEmpty:
            writer.field(std::string_view{});
            break;
          case Cell::Type::kText:
            writer.field(cell.text);
            break;
          case Cell::Type::kPhone:
            // A leading tab keeps spreadsheet programs from reading the phone as a number
            // (1.3901E+10); `dialtrack import-leads` trims it.
            writer.field(cell.text.empty() ? cell.text : "\t" + cell.text);
            break;
          case Cell::Type::kNumber:
            writer.field(cell.number);
            break;
          case Cell::Type::kTime:
            writer.field(local_time_text(cell.at, offset_));
            break;
        }
      }
      writer.end_row();
      ++rows_;
    }
    return out;
  }

  [[nodiscard]] std::int64_t rows() const override { return rows_; }

 private:
  std::unique_ptr<Table> table_;
  std::chrono::minutes offset_;
  bool started_ = false;
  std::int64_t rows_ = 0;
};

/// Cuts UTF-8 text to at most `limit` bytes without splitting a character.
std::string_view cut_utf8(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) {
    return text;
  }
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) {
    --end;
  }
  return text.substr(0, end);
}

class XlsxJob final : public Job {
 public:
  XlsxJob(std::unique_ptr<Table> table, std::chrono::minutes offset, const std::string& temp_dir,
          std::string sheet_name)
      : table_(std::move(table)),
        offset_(offset),
        temp_dir_(temp_dir),
        sheet_name_(std::move(sheet_name)) {
    path_ = temp_dir_ + "/dialtrack-export-XXXXXX.xlsx";
    const int fd = mkstemps(path_.data(), 5);
    if (fd < 0) {
      throw std::runtime_error("cannot create a temporary file in " + temp_dir_);
    }
    ::close(fd);
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    options.tmpdir = temp_dir_.data();
    options.use_zip64 = LXW_TRUE;
    workbook_ = workbook_new_opt(path_.c_str(), &options);
    if (workbook_ == nullptr) {
      ::unlink(path_.c_str());
      throw std::runtime_error("cannot start an XLSX workbook in " + temp_dir_);
    }
    bold_ = workbook_add_format(workbook_);
    format_set_bold(bold_);
    date_ = workbook_add_format(workbook_);
    format_set_num_format(date_, "yyyy-mm-dd hh:mm:ss");
  }

  ~XlsxJob() override {
    if (workbook_ != nullptr) {
      lxw_workbook_free(workbook_);  // cut short: nothing more is written
    }
    if (file_ != nullptr) {
      std::fclose(file_);
    }
    if (!unlinked_) {
      ::unlink(path_.c_str());
    }
  }
  XlsxJob(const XlsxJob&) = delete;
  XlsxJob& operator=(const XlsxJob&) = delete;
  XlsxJob(XlsxJob&&) = delete;
  XlsxJob& operator=(XlsxJob&&) = delete;

  std::optional<std::string> next() override {
    if (workbook_ != nullptr) {
      write_page();
      return std::string();
    }
    if (file_ == nullptr) {
      return std::nullopt;
    }
    std::string out(kFileChunk, '\0');
    const auto n = std::fread(out.data(), 1, out.size(), file_);
    if (n == 0) {
      const bool failed = std::ferror(file_) != 0;
      std::fclose(file_);
      file_ = nullptr;
      if (failed) {
        throw std::runtime_error("cannot read the XLSX workbook back");
      }
      return std::nullopt;
    }
    out.resize(n);
    return out;
  }

  [[nodiscard]] std::int64_t rows() const override { return rows_; }

 private:
  void add_sheet() {
    ++sheets_;
    const auto name = sheets_ == 1 ? sheet_name_ : sheet_name_ + " " + std::to_string(sheets_);
    sheet_ = workbook_add_worksheet(workbook_, name.c_str());
    if (sheet_ == nullptr) {
      throw std::runtime_error("cannot add a worksheet");
    }
    row_ = 0;
    for (std::size_t c = 0; c < header_.size(); ++c) {
      worksheet_write_string(sheet_, 0, static_cast<lxw_col_t>(c), header_[c].c_str(), bold_);
    }
    worksheet_freeze_panes(sheet_, 1, 0);
    row_ = 1;
  }

  void write_page() {
    if (sheet_ == nullptr) {
      header_ = table_->header();
      add_sheet();
    }
    const auto page = table_->next_page();
    if (page.empty()) {
      finish();
      return;
    }
    for (const auto& row : page) {
      if (row_ >= LXW_ROW_MAX) {
        add_sheet();  // a sheet holds 1,048,576 rows: the rest go on the next
      }
      for (std::size_t c = 0; c < row.size(); ++c) {
        write_cell(static_cast<lxw_col_t>(c), row[c]);
      }
      ++row_;
      ++rows_;
    }
  }

  void write_cell(lxw_col_t col, const Cell& cell) {
    switch (cell.type) {
      case Cell::Type::kEmpty:
        return;
      case Cell::Type::kText:
      case Cell::Type::kPhone: {
        const std::string text(cut_utf8(cell.text, kMaxCellText));
        worksheet_write_string(sheet_, row_, col, text.c_str(), nullptr);
        return;
      }
      case Cell::Type::kNumber:
        worksheet_write_number(sheet_, row_, col, static_cast<double>(cell.number), nullptr);
        return;
      case Cell::Type::kTime: {
        // Excel's day count: days since 1899-12-30, the time of day as the fraction.
        constexpr double kEpochSerial = 25569.0;
        constexpr double kDayMillis = 86'400'000.0;
        const double serial =
            kEpochSerial + static_cast<double>(local_millis(cell.at, offset_)) / kDayMillis;
        worksheet_write_number(sheet_, row_, col, serial, date_);
        return;
      }
    }
  }

  void finish() {
    auto* workbook = std::exchange(workbook_, nullptr);
    const auto error = workbook_close(workbook);
    if (error != LXW_NO_ERROR) {
      throw std::runtime_error(std::string("cannot write the XLSX workbook: ") +
                               lxw_strerror(error));
    }
    file_ = std::fopen(path_.c_str(), "rb");
    if (file_ == nullptr) {
      throw std::runtime_error("cannot read the XLSX workbook back");
    }
    // Open: the file stays readable until closed, and nothing is left behind whatever happens.
    ::unlink(path_.c_str());
    unlinked_ = true;
  }

  std::unique_ptr<Table> table_;
  std::chrono::minutes offset_;
  std::string temp_dir_;
  std::string sheet_name_;
  std::string path_;
  lxw_workbook* workbook_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* bold_ = nullptr;
  lxw_format* date_ = nullptr;
  std::vector<std::string> header_;
  lxw_row_t row_ = 0;
  int sheets_ = 0;
  std::int64_t rows_ = 0;
  FILE* file_ = nullptr;
  bool unlinked_ = false;
};

}  // namespace

std::string file_name(const Request& request) {
  return "task-" + std::to_string(request.task_id) +
         (request.kind == Kind::kLeads ? "-leads" : "-records") +
         (request.format == Format::kXlsx ? ".xlsx" : ".csv");
}

std::string content_type(Format format) {
  return format == Format::kXlsx
             ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
             : "text/csv; charset=utf-8";
}

Exporter::Exporter(store_api::Store& store, std::string temp_dir)
    : store_(store), temp_dir_(std::move(temp_dir)) {}

std::unique_ptr<Job> Exporter::start(const Request& request) const {
  auto table = make_table(store_, request);
  if (request.format == Format::kXlsx) {
    return std::make_unique<XlsxJob>(std::move(table), request.utc_offset, temp_dir_,
                                     request.kind == Kind::kLeads ? "leads" : "records");
  }
  return std::make_unique<CsvJob>(std::move(table), request.utc_offset);
}

}  // namespace dialtrack::exports
