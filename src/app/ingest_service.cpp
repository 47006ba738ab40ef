#include "app/ingest_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <unordered_map>

#include "app/transactions.hpp"
#include "domain/task_rules.hpp"
#include "domain/time.hpp"
#include "store_api/errors.hpp"

namespace dialtrack::app {

using domain::LeadId;
using domain::TaskId;
using domain::TaskType;

namespace {

/// The latest known state of one call_id while the batch is applied in order.
struct RecordState {
  store_api::RecordWrite write;
  std::optional<std::string> stored_status;  ///< the status stored before this batch
  bool dirty = false;
};

}  // namespace

std::string_view reject_reason_name(RejectReason reason) {
  switch (reason) {
    case RejectReason::kInvalidField:
      return "invalid_field";
    case RejectReason::kTaskNotFound:
      return "task_not_found";
    case RejectReason::kLeadNotFound:
      return "lead_not_found";
    case RejectReason::kCallIdMoved:
      return "call_id_moved";
  }
  return "unknown";
}

void IngestService::note_rejections(const std::vector<Rejection>& rejected) {
  if (rejected.empty()) {
    return;
  }
  std::array<std::int64_t, 4> by_reason{};
  for (const auto& r : rejected) {
    ++by_reason.at(static_cast<std::size_t>(r.reason));
  }
  for (std::size_t i = 0; i < by_reason.size(); ++i) {
    if (by_reason[i] > 0) {
      if (observer_) {
        observer_(static_cast<RejectReason>(i), by_reason[i]);
      }
      unlogged_[i] += by_reason[i];
    }
  }
  // One line per 10 s at most: a dialer that keeps sending unknown phones must not flood the
  // log, and the line says how many were rejected since the last one.
  const auto at = clock_.now().time_since_epoch().count();
  auto last = rejections_logged_at_.load();
  if (at - last < 10'000 || !rejections_logged_at_.compare_exchange_strong(last, at)) {
    return;
  }
  std::string counts;
  for (std::size_t i = 0; i < unlogged_.size(); ++i) {
    if (const auto n = unlogged_[i].exchange(0); n > 0) {
      counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n,
                            reject_reason_name(static_cast<RejectReason>(i)));
    }
  }
  const auto& first = rejected.front();
  log_->warn("call records rejected since the last report: {}; e.g. call_id {} ({}{})", counts,
             first.call_id, reject_reason_name(first.reason),
             first.field ? " " + first.field->field : std::string());
}

IngestService::IngestService(store_api::Store& store, const Clock& clock,
                             domain::StatusClassifier classifier, const domain::PhoneKeys& phones,
                             std::shared_ptr<spdlog::logger> log,
                             std::chrono::milliseconds max_future_skew)
    : store_(store),
      clock_(clock),
      classifier_(std::move(classifier)),
      phones_(phones),
      log_(std::move(log)),
      max_future_skew_(max_future_skew) {}

IngestResult IngestService::ingest(
    const std::vector<RecordInput>& all_records, std::vector<Rejection> rejected,
    const std::function<void(store_api::Transaction&)>& in_transaction) {
  const auto now = clock_.now();
  // Records stamped in the future are rejected before anything is read: stored, their
  // event_time would make every true update of the call stale until that time.
  std::vector<RecordInput> sane;  // the batch without them, copied only when there are some
  bool skewed = false;
  const std::size_t rejected_before = rejected.size();
  for (std::size_t i = 0; i < all_records.size(); ++i) {
    const auto& r = all_records[i];
    auto error = domain::future_time_error(r.fields, now, max_future_skew_, r.field_prefix);
    if (error && !skewed) {
      skewed = true;
      sane.assign(all_records.begin(), all_records.begin() + static_cast<std::ptrdiff_t>(i));
    }
    if (error) {
      rejected.push_back({r.index, r.call_id, RejectReason::kInvalidField, std::move(error)});
    } else if (skewed) {
      sane.push_back(r);
    }
  }
  const auto& records = skewed ? sane : all_records;
  if (skewed) {
    const auto at = now.time_since_epoch().count();
    auto last = skew_logged_at_.load();
    if (at - last >= 10'000 && skew_logged_at_.compare_exchange_strong(last, at)) {
      const auto& first = rejected[rejected_before];
      log_->warn(
          "{} call records rejected for times more than {} s ahead of this server's clock ({}), "
          "e.g. call_id {}: {} {}; check the sender's clock and time zone",
          rejected.size() - rejected_before,
          std::chrono::duration_cast<std::chrono::seconds>(max_future_skew_).count(),
          domain::format_timestamp(now), first.call_id, first.field->field, first.field->expected);
    }
  }
  const std::size_t decode_rejections = rejected.size();
  // Records find their lead by the key of their phone: any form of the number.
  std::vector<std::string> keys;
  keys.reserve(records.size());
  for (const auto& r : records) {
    keys.push_back(phones_.key(r.phone));
  }
  IngestCounts counts;
  std::set<TaskId> touched;
  std::vector<AppliedTransition> applied;
  std::vector<TaskId> completed;
  // Set when an attempt lost to a completion policy change (6): the attempts after it lock the
  // tasks before reading their policies (4), so an operator changing the policy again and
  // again cannot make one batch lose every time.
  bool lock_tasks_first = false;

  run_transaction(store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) {
    counts = {};
    touched.clear();
    applied.clear();
    completed.clear();
    rejected.resize(decode_rejections);

    // Nothing is locked while the batch is read and decided: the stored records are locked by
    // call_id (find_records), a new call_id pushed twice at once loses the race on its unique
    // key and runs again (StoreConflict), and the tasks are locked only for their counters
    // (upsert_records), so concurrent writers for one task overlap up to that point.

    // 0. The leads of records named by job group.
    std::vector<std::pair<std::string, std::string>> by_group_all;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto& r = records[i];
      if (!r.task_id && r.fields.job_group_id) {
        by_group_all.emplace_back(*r.fields.job_group_id, keys[i]);
      }
    }
    std::map<std::pair<std::string, std::string>, store_api::LeadMatch> group_leads;
    for (auto& m : tx.leads().find_leads_by_job_group(by_group_all)) {
      group_leads.emplace(std::pair{m.job_group_id, m.lead.phone_key}, m.lead);
    }

    // 1. What is stored already, by call_id.
    std::vector<std::string> call_ids;
    call_ids.reserve(records.size());
    for (const auto& r : records) {
      call_ids.push_back(r.call_id);
    }
    std::sort(call_ids.begin(), call_ids.end());
    call_ids.erase(std::unique(call_ids.begin(), call_ids.end()), call_ids.end());
    std::unordered_map<std::string, RecordState> state;
    std::vector<std::string> write_order;  // first change of each call_id, in push order
    for (auto& stored : tx.records().find_records(call_ids)) {
      auto& s = state[stored.record.call_id];
      s.stored_status = stored.record.fields.call_status;
      s.write = {stored.record.call_id, stored.record.task_id,           stored.lead_id,
                 stored.record.phone,   std::move(stored.record.fields), stored.record.connected};
    }

    // 2. The leads of the new records named by task id (job-group leads were found in step 0).
    std::vector<std::pair<TaskId, std::string>> by_task;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto& r = records[i];
      if (r.task_id && !state.contains(r.call_id)) {
        by_task.emplace_back(*r.task_id, keys[i]);
      }
    }
    std::map<std::pair<TaskId, std::string>, store_api::LeadMatch> leads;
    for (auto& m : tx.leads().find_leads(by_task)) {
      leads.emplace(std::pair{m.task_id, m.phone_key}, m);
    }
    // Whether a task named by a record without a lead exists (to tell the two reasons apart).
    std::map<TaskId, bool> task_exists;
    auto exists = [&](TaskId id) {
      auto it = task_exists.find(id);
      if (it == task_exists.end()) {
        const std::array ids{id};
        it = task_exists.emplace(id, !tx.tasks().find_tasks(ids).empty()).first;
      }
      return it->second;
    };

    // 3. Apply the batch in order, so a call_id repeated inside it behaves like separate pushes.
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto& r = records[i];
      const auto& key = keys[i];
      const bool connected = classifier_.is_connected(r.fields.call_status);
      auto it = state.find(r.call_id);
      if (it != state.end()) {
        auto& s = it->second;
        if ((r.task_id && *r.task_id != s.write.task_id) ||
            (r.phone != s.write.phone && key != phones_.key(s.write.phone))) {
          rejected.push_back({r.index, r.call_id, RejectReason::kCallIdMoved, std::nullopt});
          continue;
        }
        domain::RecordFields merged;
        switch (domain::decide_record_update(s.write.fields, s.write.connected, r.fields, connected,
                                             merged)) {
          case domain::RecordDecision::kStale:
            ++counts.stale;
            break;
          case domain::RecordDecision::kUnchanged:
            ++counts.unchanged;
            break;
          case domain::RecordDecision::kUpdated:
          case domain::RecordDecision::kAccepted:
            ++counts.updated;
            s.write.fields = std::move(merged);
            s.write.connected = connected;
            if (!s.dirty) {
              write_order.push_back(r.call_id);
            }
            s.dirty = true;
            touched.insert(s.write.task_id);
            break;
        }
        continue;
      }
      const store_api::LeadMatch* lead = nullptr;
      if (r.task_id) {
        if (const auto found = leads.find({*r.task_id, key}); found != leads.end()) {
          lead = &found->second;
        } else {
          rejected.push_back(
              {r.index, r.call_id,
               exists(*r.task_id) ? RejectReason::kLeadNotFound : RejectReason::kTaskNotFound,
               std::nullopt});
          continue;
        }
      } else {
        const auto found = group_leads.find({r.fields.job_group_id.value_or(""), key});
        if (found == group_leads.end()) {
          rejected.push_back({r.index, r.call_id, RejectReason::kLeadNotFound, std::nullopt});
          continue;
        }
        lead = &found->second;
      }
      ++counts.accepted;
      auto& s = state[r.call_id];
      s.write = {r.call_id, lead->task_id, lead->lead_id, r.phone, r.fields, connected, true};
      s.dirty = true;
      write_order.push_back(r.call_id);
      touched.insert(lead->task_id);
    }

    // 4. The touched tasks, for their completion policies (which statuses mean a dead number).
    // Read without locks and checked again under the lock (6); after a lost race with a policy
    // change, read under the lock (held to the end, in the order `PUT .../completion` takes it:
    // the task, then its leads).
    const std::vector<TaskId> touched_ids(touched.begin(), touched.end());
    if (lock_tasks_first) {
      tx.tasks().lock_tasks(touched_ids);
    }
    const auto tasks = tx.tasks().find_tasks(touched_ids);
    std::unordered_map<TaskId, const domain::Task*> task_of;
    for (const auto& task : tasks) {
      task_of.emplace(task.task_id, &task);
    }
    auto is_final = [&](TaskId task_id, const std::string& status) {
      const auto found = task_of.find(task_id);
      return found != task_of.end() && found->second->completion.is_final(status);
    };

    // 5. Write the records; the store settles their leads with them (connection, state) and
    // moves the counters by the leads that changed.
    std::vector<store_api::RecordWrite> writes;
    writes.reserve(write_order.size());
    for (const auto& call_id : write_order) {
      auto& s = state.at(call_id);
      writes.push_back(std::move(s.write));
      auto& w = writes.back();
      w.final_status = is_final(w.task_id, w.fields.call_status);
      w.stored_final = s.stored_status && is_final(w.task_id, *s.stored_status);
    }
    // The tasks come back as the write left them, read by the statements that locked and
    // counted them (every round trip while a writer holds a task makes the writers queued
    // behind it wait longer).
    const auto locked = tx.records().upsert_and_settle(writes, now);

    // 6. The tasks again, now that this writer holds their rows (upsert_records locked them on
    // backends with row locks): a completion policy changed since step 4 (PUT .../completion,
    // which locks the task first and resettles it from the committed records) would leave the
    // final flags above wrong, so the whole batch runs again under the new policy.
    for (const auto& task : locked) {
      const auto read = task_of.find(task.task_id);
      if (read != task_of.end() && !(read->second->completion == task.completion)) {
        lock_tasks_first = true;
        throw store_api::StoreConflict("the completion policy of task " +
                                       std::to_string(task.task_id) +
                                       " changed while its records were written");
      }
    }
    // 7. A task's first call record starts it (1 -> 2).
    std::vector<TaskId> full;  // calling tasks whose counters say complete
    for (const auto& task : locked) {
      auto type = task.task_type;
      if (const auto to = domain::transitions::on_start(task.task_type)) {
        if (tx.tasks().transition(task.task_id, task.task_type, *to,
                                  domain::reason::kFirstCallRecord, now)) {
          applied.push_back({task.task_id, task.task_type, *to, domain::reason::kFirstCallRecord});
          type = *to;
        }
      }
      if (type == TaskType::kCalling && task.counters_say_complete()) {
        full.push_back(task.task_id);
      }
    }
    // 8. The completion of the tasks whose counters say complete, in the same transaction and
    // one statement: the counters are final here (this writer holds the task rows and read them
    // after its write), so the writer that settles a task's last lead is the one that completes
    // it, before it answers. The statement checks the rule again itself (exactly once: only a
    // task still calling moves); a batch that completes nothing spends no statement on it.
    if (!full.empty()) {
      completed =
          tx.tasks().complete_where_counters_full(full, domain::reason::kRecordsIngested, now);
    }
    for (const TaskId id : completed) {
      const auto found = task_of.find(id);
      const bool settled = found != task_of.end() &&
                           found->second->completion.until == domain::CompletionUntil::kAllSettled;
      applied.push_back({id, TaskType::kCalling, TaskType::kCompleted,
                         settled ? domain::reason::kAllSettled : domain::reason::kRecordsIngested});
    }
    if (in_transaction) {
      in_transaction(tx);
    }
  });
  log_transitions(*log_, applied);
  if (changes_ != nullptr) {
    changes_->changed(std::vector<TaskId>(touched.begin(), touched.end()));
  }

  IngestResult result;
  static_cast<IngestCounts&>(result) = counts;
  result.rejected = std::move(rejected);
  std::stable_sort(result.rejected.begin(), result.rejected.end(),
                   [](const Rejection& a, const Rejection& b) { return a.index < b.index; });

  result.completed_tasks = std::move(completed);
  note_rejections(result.rejected);
  return result;
}

}  // namespace dialtrack::app
