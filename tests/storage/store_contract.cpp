#include "store_contract.hpp"

#include <stdexcept>
#include <utility>

#include "domain/phone.hpp"

namespace dialtrack::store_test {

void PrintTo(const StoreFactory& factory, std::ostream* out) {
  *out << factory.name;
}

std::string backend_name(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

std::function<std::string(std::string_view)> phone_key() {
  static const domain::PhoneKeys keys;
  return [](std::string_view phone) { return keys.key(phone); };
}

Timestamp at(std::int64_t millis) {
  return Timestamp{std::chrono::milliseconds{millis}};
}

std::vector<domain::Lead> leads(std::initializer_list<std::string_view> phones) {
  std::vector<domain::Lead> out;
  for (const auto phone : phones) {
    out.push_back(
        {std::string(phone), std::string(phone), std::nullopt, std::nullopt, std::nullopt});
  }
  return out;
}

store_api::RecordWrite record_write(std::string call_id, const store_api::LeadMatch& lead,
                                    std::string call_status, bool connected, bool is_new) {
  store_api::RecordWrite write;
  write.call_id = std::move(call_id);
  write.task_id = lead.task_id;
  write.lead_id = lead.lead_id;
  write.phone = lead.phone_key;
  write.fields.call_status = std::move(call_status);
  write.connected = connected;
  write.is_new = is_new;
  return write;
}

void StoreContract::SetUp() {
  database_ = GetParam().make_database();
  store_ = database_->open();
}

void StoreContract::reopen() {
  store_.reset();
  store_ = database_->open();
}

TaskId StoreContract::add_task(std::initializer_list<std::string_view> phones,
                               const std::optional<std::string>& job_group_id) {
  auto tx = begin_write();
  const TaskId id = tx->tasks().insert_task("task", job_group_id, at(1000));
  const auto task_leads = leads(phones);
  tx->leads().insert_leads(id, task_leads, at(1000));
  tx->commit();
  return id;
}

bool StoreContract::move(TaskId task_id, TaskType from, TaskType to) {
  auto tx = begin_write();
  const bool moved = tx->tasks().transition(task_id, from, to, "test", at(2000));
  tx->commit();
  return moved;
}

std::int64_t StoreContract::connect(TaskId task_id,
                                    std::initializer_list<std::string_view> phones) {
  std::vector<LeadId> ids;
  for (const auto phone : phones) {
    ids.push_back(lead(task_id, phone).lead_id);
  }
  auto tx = begin_write();
  std::int64_t changed = 0;
  for (const auto& increment : tx->leads().mark_leads_connected(ids, at(3000))) {
    changed += increment.newly_connected;
  }
  tx->commit();
  return changed;
}

void StoreContract::write_records(const std::vector<store_api::RecordWrite>& writes) {
  auto tx = begin_write();
  tx->records().upsert_records(writes, at(4000));
  tx->commit();
}

store_api::LeadMatch StoreContract::lead(TaskId task_id, std::string_view phone) {
  const std::pair<TaskId, std::string> key{task_id, std::string(phone)};
  const auto found = begin_read()->leads().find_leads({&key, 1});
  if (found.size() != 1) {
    throw std::logic_error("no lead " + std::string(phone) + " in task " + std::to_string(task_id));
  }
  return found.front();
}

domain::Task StoreContract::task(TaskId task_id) {
  const auto found = begin_read()->tasks().find_task(task_id);
  if (!found) {
    throw std::logic_error("no task " + std::to_string(task_id));
  }
  return *found;
}

std::vector<domain::Transition> StoreContract::history(TaskId task_id) {
  return begin_read()->tasks().history(task_id);
}

}  // namespace dialtrack::store_test
