#pragma once

#include "app/report_service.hpp"
#include "http/router.hpp"

namespace dialtrack::http {

/// `/reports`: a task's report and the per-day summary, as JSON or (`?format=csv`) CSV.
class ReportRoutes {
 public:
  explicit ReportRoutes(app::ReportService& reports);

  Reply task(const RequestContext& ctx);
  Reply summary(const RequestContext& ctx);

 private:
  app::ReportService& reports_;
};

/// The task report's `data` object.
boost::json::object task_report_json(const app::TaskReport& report);
/// The task report as CSV: BOM, `section,key,value` header, one row per number.
std::string task_report_csv(const app::TaskReport& report);

/// The summary's `data` object.
boost::json::object summary_json(const app::SummaryRange& range,
                                 const std::vector<app::DaySummary>& days);
/// The summary as CSV: BOM, header, one row per day.
std::string summary_csv(const std::vector<app::DaySummary>& days);

}  // namespace dialtrack::http
