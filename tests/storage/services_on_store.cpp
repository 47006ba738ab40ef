#include "services_on_store.hpp"

#include <spdlog/sinks/null_sink.h>

namespace dialtrack::store_test {

std::shared_ptr<spdlog::logger> null_logger() {
  return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

app::RecordInput record_input(std::size_t index, std::string call_id, std::optional<TaskId> task_id,
                              std::string phone, std::string call_status,
                              std::optional<std::int64_t> event_time) {
  app::RecordInput input;
  input.index = index;
  input.call_id = std::move(call_id);
  input.task_id = task_id;
  input.phone = std::move(phone);
  input.fields.call_status = std::move(call_status);
  if (event_time) {
    input.fields.event_time = at(*event_time);
  }
  return input;
}

void ServicesOnStore::SetUp() {
  StoreContract::SetUp();
  completion_ = std::make_unique<app::CompletionService>(store(), clock_, log_);
  tasks_ = std::make_unique<app::TaskService>(store(), clock_, log_, phones_);
  ingest_ = std::make_unique<app::IngestService>(store(), clock_, domain::StatusClassifier{},
                                                 phones_, log_);
}

domain::Task ServicesOnStore::create_task(std::initializer_list<std::string_view> phones,
                                          const std::optional<std::string>& job_group_id) {
  return tasks_->create({"task", job_group_id, leads(phones)});
}

std::optional<domain::CallRecord> ServicesOnStore::stored_record(const std::string& call_id) {
  auto found = begin_read()->records().find_records(std::vector<std::string>{call_id});
  if (found.empty()) {
    return std::nullopt;
  }
  return std::move(found.front().record);
}

}  // namespace dialtrack::store_test
