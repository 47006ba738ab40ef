#include "export/exporter.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <array>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "app/transactions.hpp"
#include "csv/csv_writer.hpp"
#include "export/labels.hpp"
#include "export/tables.hpp"

namespace dialtrack::exports {
namespace {

/// Bytes of a finished XLSX file sent at a time.
constexpr std::size_t kFileChunk = std::size_t{256} * 1024;
/// The longest text an XLSX cell holds.
constexpr std::size_t kMaxCellText = 32767;

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
