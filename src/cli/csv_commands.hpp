#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "app/ingest_service.hpp"
#include "app/report_service.hpp"
#include "app/task_service.hpp"
#include "domain/types.hpp"
#include "export/exporter.hpp"

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

/// `dialtrack export-records TASK_ID [--output FILE] [--format csv|xlsx] [--utc-offset]`: the
/// task's records, oldest first, written page by page by the exporter of
/// `GET /tasks/{id}/records.csv|.xlsx` (the same columns and cells).
int export_records(app::TaskService& tasks, const exports::Exporter& exporter,
                   const exports::Request& request, const std::optional<std::string>& output);

}  // namespace dialtrack::cli
