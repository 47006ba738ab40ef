#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "app/ingest_service.hpp"
#include "app/report_service.hpp"
#include "app/task_service.hpp"
#include "domain/types.hpp"

namespace dialtrack::cli {

struct ImportOptions {
  std::string encoding = "auto";  ///< auto, utf-8 or gbk
  std::size_t batch_size = 5000;  ///< rows per transaction
};

/// `dialtrack import-leads TASK_ID FILE.csv`: a header row (phone, name, job_id; other columns
/// become attrs), rows added through TaskService in batches. Exit 0, 1 when a row was bad
/// (reported by line, the good rows stored), 2 when nothing could be imported.
int import_leads(app::TaskService& tasks, domain::TaskId task_id, const std::string& path,
                 const ImportOptions& options);

/// `dialtrack import-records FILE.csv`: the fields of a pushed call record as columns, rows
/// ingested through IngestService in batches, exactly as `POST /outbound_call_records` does.
int import_records(app::IngestService& ingest, const std::string& path,
                   const ImportOptions& options);

/// `dialtrack export-records TASK_ID [--output FILE]`: the task's records as CSV (UTF-8 BOM,
/// header row), oldest first, read page by page.
int export_records(app::TaskService& tasks, app::ReportService& reports, domain::TaskId task_id,
                   const std::optional<std::string>& output);

}  // namespace dialtrack::cli
