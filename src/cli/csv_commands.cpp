#include "cli/csv_commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <variant>

#include "cli/csv_rows.hpp"
#include "csv/csv_reader.hpp"
#include "csv/csv_writer.hpp"
#include "csv/encoding.hpp"
#include "http/messages.hpp"

namespace dialtrack::cli {
namespace {

constexpr std::size_t kChunk = 1 << 20;

/// The input cannot be read on (not a bad row): stops the import.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

/// Rows of a CSV file, decoded to UTF-8 chunk by chunk (bounded memory), BOM dropped.
class CsvSource {
 public:
  CsvSource(const std::string& path, const std::string& encoding_name)
      : file_(std::fopen(path.c_str(), "rb")), buffer_(kChunk) {
    if (!file_) {
      throw InputError("cannot open " + path);
    }
    if (encoding_name != "auto") {
      forced_ = csv::encoding_from_name(encoding_name);
      if (!forced_) {
        throw InputError("unknown encoding " + encoding_name + " (auto, utf-8 or gbk)");
      }
    }
  }

  /// The next row, or nothing at the end of the file.
  std::optional<csv::Row> next() {
    while (rows_.empty() && !done_) {
      read_chunk();
    }
    if (rows_.empty()) {
      return std::nullopt;
    }
    auto row = std::move(rows_.front());
    rows_.pop_front();
    return row;
  }

  [[nodiscard]] csv::Encoding encoding() const { return encoding_; }

 private:
  void read_chunk() {
    const std::size_t n = std::fread(buffer_.data(), 1, buffer_.size(), file_.get());
    if (n == 0 && std::ferror(file_.get()) != 0) {
      throw InputError("read error");
    }
    const std::string_view bytes(buffer_.data(), n);
    if (!decoder_) {
      encoding_ = forced_.value_or(csv::detect_encoding(bytes));
      decoder_.emplace(encoding_);
    }
    std::string text;
    if (!decoder_->feed(bytes, text)) {
      throw InputError("the file is not valid GBK at byte " +
                       std::to_string(decoder_->bad_offset()));
    }
    if (first_) {
      first_ = false;
      if (text.starts_with(csv::kUtf8Bom)) {
        text.erase(0, csv::kUtf8Bom.size());
      }
    }
    std::vector<csv::Row> rows;
    reader_.feed(text, rows);
    if (n == 0) {
      done_ = true;
      if (!decoder_->finish()) {
        throw InputError("the file ends inside a GBK character");
      }
      if (!reader_.finish(rows)) {
        throw InputError("line " + std::to_string(reader_.open_quote_line()) +
                         ": a quoted field is never closed");
      }
    }
    for (auto& r : rows) {
      rows_.push_back(std::move(r));
    }
  }

  File file_;
  std::vector<char> buffer_;
  std::optional<csv::Encoding> forced_;
  csv::Encoding encoding_ = csv::Encoding::kUtf8;
  std::optional<csv::Utf8Decoder> decoder_;
  csv::Reader reader_;
  std::deque<csv::Row> rows_;
  bool first_ = true;
  bool done_ = false;
};

/// Rows and rows per second on stderr, redrawn at most 5 times a second, when stderr is a
/// terminal; bad rows printed through it so they do not mix with the bar.
class Progress {
 public:
  Progress() : on_(isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()) {}

  void update(std::int64_t rows) {
    if (!on_) {
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) {
      return;
    }
    last_ = now;
    draw(rows, now);
  }

  void bad_row(std::int64_t line, const std::string& reason) {
    if (on_) {
      std::cerr << "\r\033[K";
    }
    std::cerr << "line " << line << ": " << reason << "\n";
  }

  void finish(std::int64_t rows) {
    if (on_) {
      draw(rows, std::chrono::steady_clock::now());
      std::cerr << "\n";
    }
  }

  [[nodiscard]] double rate(std::int64_t rows) const {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    return elapsed.count() > 0 ? static_cast<double>(rows) / elapsed.count() : 0.0;
  }

 private:
  void draw(std::int64_t rows, std::chrono::steady_clock::time_point now) {
    const std::chrono::duration<double> elapsed = now - start_;
    const double per_second =
        elapsed.count() > 0 ? static_cast<double>(rows) / elapsed.count() : 0.0;
    std::cerr << "\r\033[K[" << bar(elapsed.count()) << "] " << rows << " rows, "
              << static_cast<std::int64_t>(per_second) << " rows/s" << std::flush;
  }

  /// A moving block: the size of the input is not known while streaming.
  static std::string bar(double seconds) {
    constexpr int kWidth = 20;
    std::string out(kWidth, ' ');
    const int at = static_cast<int>(seconds * 10) % kWidth;
    for (int i = 0; i < 4; ++i) {
      out[static_cast<std::size_t>((at + i) % kWidth)] = '#';
    }
    return out;
  }

  bool on_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
};

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

/// The header row, names trimmed and lower-cased; throws when `required` columns are missing.
std::vector<std::string> read_header(CsvSource& source,
                                     std::initializer_list<std::string_view> required) {
  const auto row = source.next();
  if (!row) {
    throw InputError("the file is empty: a header row is needed");
  }
  std::vector<std::string> header;
  for (const auto& f : row->fields) {
    std::string name = trim(f);
    for (auto& c : name) {
      c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    header.push_back(std::move(name));
  }
  for (const auto need : required) {
    if (std::find(header.begin(), header.end(), need) == header.end()) {
      throw InputError("the header row has no " + std::string(need) + " column");
    }
  }
  return header;
}

/// Why a row cannot be read at all; nothing when it can.
std::optional<std::string> row_problem(const csv::Row& row, const std::vector<std::string>& header,
                                       csv::Encoding encoding) {
  if (row.fields.size() != header.size()) {
    return std::to_string(row.fields.size()) + " fields, the header has " +
           std::to_string(header.size());
  }
  if (encoding == csv::Encoding::kUtf8) {
    for (const auto& f : row.fields) {
      if (!csv::is_valid_utf8(f)) {
        return std::string("not valid UTF-8 (is the file GBK? try --encoding gbk)");
      }
    }
  }
  return std::nullopt;
}

int fatal(const std::string& message) {
  std::cerr << "dialtrack: " << message << "\n";
  return 2;
}

}  // namespace

/// Rows read and rows refused (by the reader, by the row's decoding or by the store).
struct RowCounts {
  std::int64_t rows = 0;
  std::int64_t bad = 0;
};

/// The loop of both imports: reads the file after its header row by row, reports each bad row
/// (its line and reason) and goes on, gives each good row's trimmed fields to `decode` (which
/// returns the item or the reason the row is bad) and hands the items, in batches of
/// `options.batch_size`, with the line of each, to `submit`. Throws InputError when the file
/// cannot be read on.
template <typename Item, typename Decode, typename Submit>
void import_rows(const std::string& path, const ImportOptions& options,
                 std::initializer_list<std::string_view> required, Progress& progress,
                 RowCounts& counts, Decode decode, Submit submit) {
  CsvSource source(path, options.encoding);
  const auto header = read_header(source, required);
  std::vector<Item> batch;
  std::vector<std::int64_t> lines;  // the line of each item of the batch
  auto flush = [&] {
    if (!batch.empty()) {
      submit(batch, lines);
      batch.clear();
      lines.clear();
    }
  };
  std::vector<std::string> values;
  while (auto row = source.next()) {
    ++counts.rows;
    if (auto problem = row_problem(*row, header, source.encoding())) {
      ++counts.bad;
      progress.bad_row(row->line, *problem);
      continue;
    }
    values.clear();
    for (const auto& field : row->fields) {
      values.push_back(trim(field));
    }
    std::variant<Item, std::string> decoded = decode(header, values, batch.size());
    if (auto* reason = std::get_if<std::string>(&decoded)) {
      ++counts.bad;
      progress.bad_row(row->line, *reason);
      continue;
    }
    batch.push_back(std::move(std::get<Item>(decoded)));
    lines.push_back(row->line);
    if (batch.size() >= options.batch_size) {
      flush();
    }
    progress.update(counts.rows);
  }
  flush();
}

int import_leads(app::TaskService& tasks, domain::TaskId task_id, const std::string& path,
                 const ImportOptions& options) {
  const auto task = tasks.get(task_id);
  if (!task) {
    return fatal("task " + std::to_string(task_id) + " not found");
  }
  if (task->task_type == domain::TaskType::kDeleted) {
    return fatal("task " + std::to_string(task_id) + " is deleted");
  }
  RowCounts counts;
  std::int64_t added = 0;
  std::int64_t duplicates = 0;
  Progress progress;
  auto summary = [&](std::string_view tail) {
    std::cout << "rows " << counts.rows << ", added " << added << ", duplicates " << duplicates
              << ", bad " << counts.bad << tail << "\n";
  };
  try {
    import_rows<domain::Lead>(
        path, options, {"phone"}, progress, counts,
        [](const auto& header, const auto& values, std::size_t) {
          return lead_of_row(header, values);
        },
        [&](const std::vector<domain::Lead>& batch, const std::vector<std::int64_t>&) {
          auto outcome = tasks.add_leads(task_id, batch);
          if (std::holds_alternative<app::TaskFailure>(outcome)) {
            throw InputError("task " + std::to_string(task_id) + " was deleted during the import");
          }
          const auto& result = std::get<app::LeadsAdded>(outcome);
          added += result.added;
          duplicates += result.duplicates;
        });
  } catch (const InputError& e) {
    progress.finish(counts.rows);
    summary("");
    return fatal(e.what());
  }
  progress.finish(counts.rows);
  summary(" (" + std::to_string(static_cast<std::int64_t>(progress.rate(counts.rows))) +
          " rows/s)");
  return counts.bad == 0 ? 0 : 1;
}

int import_records(app::IngestService& ingest, const std::string& path,
                   const ImportOptions& options) {
  RowCounts counts;
  app::IngestCounts total;
  std::size_t completed = 0;
  Progress progress;
  auto summary = [&] {
    std::cout << "rows " << counts.rows << ", accepted " << total.accepted << ", updated "
              << total.updated << ", unchanged " << total.unchanged << ", stale " << total.stale
              << ", rejected " << counts.bad << ", tasks completed " << completed << " ("
              << static_cast<std::int64_t>(progress.rate(counts.rows)) << " rows/s)\n";
  };
  try {
    import_rows<app::RecordInput>(
        path, options, {"call_id", "phone", "call_status"}, progress, counts, record_of_row,
        [&](const std::vector<app::RecordInput>& batch, const std::vector<std::int64_t>& lines) {
          const auto result = ingest.ingest(batch, {});
          total += result;
          completed += result.completed_tasks.size();
          for (const auto& r : result.rejected) {
            ++counts.bad;
            progress.bad_row(lines.at(r.index), http::rejection_text(r, kCsvLanguage));
          }
        });
  } catch (const InputError& e) {
    progress.finish(counts.rows);
    summary();
    return fatal(e.what());
  }
  progress.finish(counts.rows);
  summary();
  return counts.bad == 0 ? 0 : 1;
}

int export_records(app::TaskService& tasks, const exports::Exporter& exporter,
                   const exports::Request& request, const std::optional<std::string>& output) {
  if (!tasks.get(request.task_id)) {
    return fatal("task " + std::to_string(request.task_id) + " not found");
  }
  File file;
  FILE* out = stdout;
  if (output) {
    file.reset(std::fopen(output->c_str(), "wb"));
    if (!file) {
      return fatal("cannot write " + *output);
    }
    out = file.get();
  }
  // The writer of GET /tasks/{id}/records.csv|.xlsx, page by page.
  const auto job = exporter.start(request);
  while (const auto piece = job->next()) {
    if (std::fwrite(piece->data(), 1, piece->size(), out) != piece->size()) {
      return fatal("write error");
    }
  }
  if (std::fflush(out) != 0) {
    return fatal("write error");
  }
  std::cerr << job->rows() << " records exported\n";
  return 0;
}

}  // namespace dialtrack::cli
