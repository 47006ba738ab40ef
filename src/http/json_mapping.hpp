#pragma once

#include <boost/json.hpp>

#include "app/completion_service.hpp"
#include "app/sync_service.hpp"
#include "domain/json_text.hpp"
#include "domain/types.hpp"
#include "store_api/store.hpp"

namespace dialtrack::http {

/// The task object of the API.
boost::json::object to_json(const domain::Task& task);
/// `{"until", "max_attempts", "final_statuses"}`.
boost::json::object to_json(const domain::CompletionPolicy& policy);
/// A lead as the leads API answers it (SPEC §6 "Leads").
boost::json::object to_json(const store_api::LeadView& lead);
/// The same lead written straight as text: json_text(to_json(lead))'s bytes.
void write_json(domain::JsonWriter& out, const store_api::LeadView& lead);
/// A page of leads as JSON text, written without a DOM: `items`, `total`, `page`,
/// `page_size`.
std::string lead_page_json(const store_api::LeadPage& leads, std::int64_t page,
                           std::int64_t page_size);
/// A call record as the follow-up query shows it.
boost::json::object to_json(const domain::CallRecord& record);
/// The same record written straight as text: json_text(to_json(record))'s bytes.
void write_json(domain::JsonWriter& out, const domain::CallRecord& record);
/// The data of a follow-up page as JSON text, written without a DOM (a page of 50 records is
/// about a thousand values): check_json's members, then `records`, `total_records`, `page`,
/// `page_size`.
std::string followup_json(const app::FollowupResult& result, std::int64_t page,
                          std::int64_t page_size);

/// followup_json's text written as the page is read (CompletionService::followup_without_blocking
/// hands it the check, the total and each record), without keeping the records.
class FollowupJson final : public app::FollowupVisitor {
 public:
  FollowupJson(std::int64_t page, std::int64_t page_size);

  void checked(const app::CheckResult& check) override;
  void total(std::int64_t total) override;
  void record(const domain::CallRecord& record) override;
  /// The whole text, once the check, the total and the records were written.
  [[nodiscard]] std::string finish() &&;

 private:
  std::string data_;
  domain::JsonWriter out_{data_};
  std::int64_t page_;
  std::int64_t page_size_;
  std::int64_t total_ = 0;
};
/// A status history row: `{"from", "to", "reason", "at"}`.
boost::json::object to_json(const domain::Transition& transition);
/// The answer of a completion check: `{"task_id", "task_type", "is_completed", "total_calls",
/// "connected_calls", "settled_calls"}`.
boost::json::object check_json(const app::CheckResult& result);
/// check_json's members written straight as text, into an object begun by the caller.
void write_check_members(domain::JsonWriter& out, const app::CheckResult& result);
/// check_json's text, written without a DOM.
std::string check_text(const app::CheckResult& result);
/// A task's last sync from the dialer: `{"last_sync_at", "last_sync_error", "last_sync_records"}`.
boost::json::object to_json(const store_api::TaskSyncState& state);
/// The answer of a sync: counts, pages, whether the last page was reached, the error if any.
boost::json::object sync_report_json(const app::SyncReport& report);

}  // namespace dialtrack::http
