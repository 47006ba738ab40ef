#pragma once

#include <chrono>

#include "app/task_service.hpp"
#include "export/exporter.hpp"
#include "http/router.hpp"

namespace dialtrack::http {

/// `GET /tasks/{task_id}/records.csv|.xlsx` and `GET /tasks/{task_id}/leads.csv|.xlsx`: the
/// checks (404 task, 400 `utc_offset` or `state`) run on a worker; the file is then streamed
/// (http/body_stream.hpp), each page read on the worker pool.
class ExportRoutes {
 public:
  /// `utc_offset`: the offset times are written in when the request names none
  /// (`display.utc_offset`).
  ExportRoutes(app::TaskService& tasks, const exports::Exporter& exporter,
               std::chrono::minutes utc_offset);

  Reply records_csv(const RequestContext& ctx) {
    return start(ctx, exports::Kind::kRecords, exports::Format::kCsv);
  }
  Reply records_xlsx(const RequestContext& ctx) {
    return start(ctx, exports::Kind::kRecords, exports::Format::kXlsx);
  }
  Reply leads_csv(const RequestContext& ctx) {
    return start(ctx, exports::Kind::kLeads, exports::Format::kCsv);
  }
  Reply leads_xlsx(const RequestContext& ctx) {
    return start(ctx, exports::Kind::kLeads, exports::Format::kXlsx);
  }

 private:
  Reply start(const RequestContext& ctx, exports::Kind kind, exports::Format format);

  app::TaskService& tasks_;
  const exports::Exporter& exporter_;
  std::chrono::minutes utc_offset_;
};

}  // namespace dialtrack::http
