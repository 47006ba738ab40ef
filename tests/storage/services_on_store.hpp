#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/clock.hpp"
#include "app/completion_service.hpp"
#include "app/ingest_service.hpp"
#include "app/task_service.hpp"
#include "domain/phone.hpp"
#include "store_contract.hpp"

namespace dialtrack::store_test {

/// A clock that moves only when told to; safe to read from several threads.
class TestClock final : public app::Clock {
 public:
  [[nodiscard]] Timestamp now() const override { return at(millis_.load()); }
  void advance(std::int64_t millis) { millis_ += millis; }

 private:
  std::atomic<std::int64_t> millis_{1'764'336'011'000};
};

/// A logger that writes nowhere.
std::shared_ptr<spdlog::logger> null_logger();

/// A pushed call record as the HTTP layer hands it to IngestService.
app::RecordInput record_input(std::size_t index, std::string call_id, std::optional<TaskId> task_id,
                              std::string phone, std::string call_status,
                              std::optional<std::int64_t> event_time = std::nullopt);

/// The use cases wired to a fresh store of the backend under test, with the default statuses.
class ServicesOnStore : public StoreContract {
 protected:
  void SetUp() override;

  /// Creates a task through TaskService.
  domain::Task create_task(std::initializer_list<std::string_view> phones,
                           const std::optional<std::string>& job_group_id = std::nullopt);
  app::IngestResult ingest(const std::vector<app::RecordInput>& records) {
    return ingest_->ingest(records, {});
  }
  /// The stored record for a call id, if any.
  std::optional<domain::CallRecord> stored_record(const std::string& call_id);

  TestClock clock_;
  std::shared_ptr<spdlog::logger> log_ = null_logger();
  domain::PhoneKeys phones_;
  std::unique_ptr<app::CompletionService> completion_;
  std::unique_ptr<app::TaskService> tasks_;
  std::unique_ptr<app::IngestService> ingest_;
};

}  // namespace dialtrack::store_test
