#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "domain/interface.hpp"
#include "domain/types.hpp"

namespace dialtrack::store_api {

using domain::LeadId;
using domain::TaskId;
using domain::Timestamp;

/// A lead of a task, found by phone.
struct LeadMatch {
  TaskId task_id = 0;
  LeadId lead_id = 0;
  std::string phone;
  bool connected = false;
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
  /// Inserts the leads whose phone is not in the task yet; returns how many were added and
  /// raises `total_calls` by that number.
  virtual std::int64_t insert_leads(TaskId task_id, std::span<const domain::Lead> leads,
                                    Timestamp now) = 0;
  /// Finds leads by (task_id, phone) pairs; pairs without a lead are left out.
  virtual std::vector<LeadMatch> find_leads(
      std::span<const std::pair<TaskId, std::string>> keys) = 0;
  /// Finds leads by (job_group_id, phone). Where several tasks share the job group, the newest
  /// task that is not deleted wins.
  virtual std::vector<JobGroupLeadMatch> find_leads_by_job_group(
      std::span<const std::pair<std::string, std::string>> keys) = 0;
  /// Marks the leads connected where they were not yet, raises `connected_calls` of their tasks
  /// by the number of leads that changed, and returns those increments.
  virtual std::vector<ConnectedIncrement> mark_leads_connected(std::span<const LeadId> lead_ids,
                                                               Timestamp now) = 0;
};

}  // namespace dialtrack::store_api
