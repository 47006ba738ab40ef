#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.hpp"
#include "store_api/store.hpp"

/// The store contract: one suite of behaviour every backend of store_api::Store must show. A
/// backend joins it with one INSTANTIATE_TEST_SUITE_P line naming its StoreFactory.
namespace dialtrack::store_test {

using domain::LeadId;
using domain::TaskId;
using domain::TaskType;
using domain::Timestamp;

/// Lengths of time in milliseconds, as the store's time columns hold them.
inline constexpr std::int64_t kSecond = 1'000;
inline constexpr std::int64_t kMinute = 60 * kSecond;
inline constexpr std::int64_t kHour = 60 * kMinute;
inline constexpr std::int64_t kDay = 24 * kHour;

/// An empty database that belongs to one test and is dropped with this object.
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  /// Opens a store on this database; called again, it reopens the same data.
  virtual std::unique_ptr<store_api::Store> open() = 0;
  /// Runs SQL without results on the database directly, beside any open store: how a test
  /// plants what the store never writes, such as counters that drifted from the records.
  virtual void execute(std::string_view sql) = 0;
  /// Applies the backend's schema migrations up to `version` only, recording them as the store
  /// does, on a database no store has opened yet: a database of an older schema, which the
  /// next `open` migrates.
  virtual void migrate_through(int version) = 0;
};

/// A backend under test: its name (a gtest parameter name) and how to make a fresh database.
struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<TestDatabase>()> make_database;
};

/// Prints the backend by name in gtest messages instead of the object's bytes; gtest looks
/// the function up by this name.
// NOLINTNEXTLINE(readability-identifier-naming)
void PrintTo(const StoreFactory& factory, std::ostream* out);

/// Names instantiated tests after the backend: `Sqlite/StoreContract.InsertTask/sqlite`.
std::string backend_name(const ::testing::TestParamInfo<StoreFactory>& info);

/// The task ids of these rows (tasks, counter audits), in their order.
template <typename Rows>
std::vector<TaskId> task_ids(const Rows& rows) {
  std::vector<TaskId> ids;
  for (const auto& row : rows) {
    ids.push_back(row.task_id);
  }
  return ids;
}

/// The phone keys of the service's default region (CN), as the program gives its stores: what
/// keys the leads stored before phone keys when a store migrates them.
std::function<std::string(std::string_view)> phone_key();

/// A time `millis` after the epoch; small numbers keep the expectations readable.
Timestamp at(std::int64_t millis);

/// Leads with these (already normalised) phones and nothing else.
std::vector<domain::Lead> leads(std::initializer_list<std::string_view> phones);

/// A record write for the lead, with a status and whether it counts as connected.
store_api::RecordWrite record_write(std::string call_id, const store_api::LeadMatch& lead,
                                    std::string call_status, bool connected, bool is_new);

/// Each test gets a fresh store on an empty database of the backend named by the parameter.
class StoreContract : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;

  store_api::Store& store() { return *store_; }
  std::unique_ptr<store_api::Transaction> begin_write() {
    return store_->begin(store_api::TxMode::kWrite);
  }
  std::unique_ptr<store_api::Transaction> begin_read() {
    return store_->begin(store_api::TxMode::kRead);
  }
  /// Closes the store and opens the same database again.
  void reopen();
  /// Runs SQL on the database behind the store's back (see TestDatabase::execute).
  void execute_sql(std::string_view sql) { database_->execute(sql); }
  /// Another empty database of the backend under test, that no store has opened.
  std::unique_ptr<TestDatabase> another_database() { return GetParam().make_database(); }

  /// Commits a task in state 1 with these leads.
  TaskId add_task(std::initializer_list<std::string_view> phones,
                  const std::optional<std::string>& job_group_id = std::nullopt);
  /// Commits a conditional transition and returns what it returned.
  bool move(TaskId task_id, TaskType from, TaskType to);
  /// Commits marking these phones of the task connected; returns how many leads changed.
  std::int64_t connect(TaskId task_id, std::initializer_list<std::string_view> phones);
  /// Commits these record writes as they are, without touching the leads' connected flags.
  void write_records(const std::vector<store_api::RecordWrite>& writes);
  /// The lead of the task with this phone (it must exist).
  store_api::LeadMatch lead(TaskId task_id, std::string_view phone);

  /// Reads in a fresh read transaction, so only committed data is seen.
  domain::Task task(TaskId task_id);
  std::vector<domain::Transition> history(TaskId task_id);

 private:
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<store_api::Store> store_;
};

}  // namespace dialtrack::store_test
