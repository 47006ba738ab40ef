#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/completion.hpp"
#include "domain/interface.hpp"
#include "domain/types.hpp"
#include "store_api/store.hpp"

namespace dialtrack::exports {

enum class Kind { kRecords, kLeads };
enum class Format { kCsv, kXlsx };

/// What to export.
struct Request {
  domain::TaskId task_id = 0;
  Kind kind = Kind::kRecords;
  Format format = Format::kCsv;
  /// Times are written in this offset from UTC (`display.utc_offset`, `?utc_offset=`).
  std::chrono::minutes utc_offset{480};
  /// Leads only: the leads in these states; empty: every lead.
  std::vector<domain::LeadState> states;
};

/// One export being written: its bytes piece by piece, each piece one page of rows read from
/// the store (a few thousand), so memory stays bounded whatever the size of the task. Blocking
/// (database reads, a temporary file): call it from a worker thread.
class Job : public domain::Interface {
 public:
  /// The next bytes of the file; an empty string while an XLSX workbook is still being written
  /// (nothing to send yet, call again); nothing at the end.
  virtual std::optional<std::string> next() = 0;
  /// The rows written so far (not counting the header row).
  [[nodiscard]] virtual std::int64_t rows() const = 0;
};

/// The file name an export is offered as: task-<id>-records.csv and the like.
std::string file_name(const Request& request);
/// Its media type.
std::string content_type(Format format);

/// Writes exports of a task's records and leads as CSV (UTF-8 with BOM, CRLF) or XLSX (typed
/// cells, written by libxlsxwriter in constant-memory mode to a temporary file). Used by the
/// HTTP routes and by `dialtrack export-records`. Columns: docs/api.md, "Exports".
class Exporter {
 public:
  /// `temp_dir`: where XLSX workbooks are written before they are sent (and deleted).
  Exporter(store_api::Store& store, std::string temp_dir);

  /// Starts an export; reads nothing yet. The task is not checked: ask TaskService first.
  [[nodiscard]] std::unique_ptr<Job> start(const Request& request) const;

 private:
  store_api::Store& store_;
  std::string temp_dir_;
};

}  // namespace dialtrack::exports
