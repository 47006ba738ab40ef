#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "domain/interface.hpp"
#include "domain/types.hpp"
#include "store_api/page.hpp"

namespace dialtrack::store_api {

using domain::LeadId;
using domain::TaskId;
using domain::Timestamp;

/// A lead of a task, found by the key of its phone (domain::PhoneKeys).
struct LeadMatch {
  TaskId task_id = 0;
  LeadId lead_id = 0;
  std::string phone_key;
  bool connected = false;
};

/// A lead as the leads API answers it.
struct LeadView {
  LeadId lead_id = 0;
  TaskId task_id = 0;
  domain::Lead lead;  ///< phone (as the operator wrote it, normalised), key, name, job id, attrs
  domain::LeadState state = domain::LeadState::kPending;
  std::int64_t attempts = 0;
  std::optional<std::string> latest_status;
  std::optional<Timestamp> latest_at;
  std::optional<Timestamp> connected_at;
};

struct LeadQuery {
  TaskId task_id = 0;
  /// Only leads in these states; empty: every lead.
  std::vector<domain::LeadState> states;
  /// Only the lead with this phone key.
  std::optional<std::string> phone_key;
  std::int64_t page = 1;
  std::int64_t page_size = 20;
  /// Only leads with a lead id above this (keyset paging: an export asks for page 1 after the
  /// last lead id it read, so each page costs the same at any depth).
  LeadId after = 0;

  std::int64_t offset() const { return page_offset(page, page_size); }
};

struct LeadPage {
  std::vector<LeadView> items;
  std::int64_t total = 0;
};

/// A lead found through the dialer's job group id and the phone.
struct JobGroupLeadMatch {
  std::string job_group_id;
  LeadMatch lead;
};

/// How many leads of a task a write newly connected.
struct ConnectedIncrement {
  TaskId task_id = 0;
  std::int64_t newly_connected = 0;
};

/// The leads port: the phones of a task and whether each was connected.
class LeadStore : public domain::Interface {
 public:
  /// Inserts the leads whose phone key is not in the task yet (an empty `phone_key` is the
  /// phone itself); returns how many were added and raises `total_calls` by that number.
  virtual std::int64_t insert_leads(TaskId task_id, std::span<const domain::Lead> leads,
                                    Timestamp now) = 0;
  /// Finds leads by (task_id, phone key) pairs; pairs without a lead are left out.
  virtual std::vector<LeadMatch> find_leads(
      std::span<const std::pair<TaskId, std::string>> keys) = 0;
  /// Finds leads by (job_group_id, phone key). Where several tasks share the job group, the newest
  /// task that is not deleted wins.
  virtual std::vector<JobGroupLeadMatch> find_leads_by_job_group(
      std::span<const std::pair<std::string, std::string>> keys) = 0;
  /// After `RecordStore::upsert_records` wrote records of these leads (`lead_ids`, sorted,
  /// unique: those whose state may have changed): marks `connected` (a sorted subset)
  /// connected where they were not yet, sets each lead's state from its row
  /// (domain::lead_state with its task's `max_attempts`), and moves the tasks'
  /// `connected_calls`, `settled_calls` and `unreachable_calls` by the leads that changed.
  /// Returns the connected increments.
  virtual std::vector<ConnectedIncrement> settle_leads(std::span<const LeadId> lead_ids,
                                                       std::span<const LeadId> connected,
                                                       Timestamp now) = 0;
  /// `settle_leads` of leads whose records are connected (any order).
  std::vector<ConnectedIncrement> mark_leads_connected(std::span<const LeadId> lead_ids,
                                                       Timestamp now) {
    std::vector<LeadId> ids(lead_ids.begin(), lead_ids.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return settle_leads(ids, ids, now);
  }
  /// Sets every lead's count of attempts with a final status from its records (under the
  /// task's `final_statuses`), then its state, then the task's settled and unreachable
  /// counters: what a change of the completion policy and `recount` do. A scan of the task.
  virtual void resettle_task(TaskId task_id, Timestamp now) = 0;

  /// One page of a task's leads in lead order, and how many the query matches (from the task's
  /// counters, unless a phone is asked for). Reads the task's leads in order from the page's
  /// offset, skipping those in other states (no index by state: it would cost every connected
  /// lead a page at ingestion).
  virtual LeadPage list_leads(const LeadQuery& query) = 0;
  /// The leads of `task_id` with these ids (any order; ids of other tasks or of no lead are
  /// left out): the lead of each record of an export page. One read per page.
  virtual std::vector<LeadView> leads_by_ids(TaskId task_id, std::span<const LeadId> lead_ids) = 0;
  /// Copies the leads of `from` in these states (with their phones, keys, names, job ids and
  /// attrs, in lead order) into `to` as new leads, and raises `to`'s `total_calls`; returns
  /// how many were copied. One statement.
  virtual std::int64_t copy_leads(TaskId from, TaskId to, std::span<const domain::LeadState> states,
                                  Timestamp now) = 0;
};

}  // namespace dialtrack::store_api
