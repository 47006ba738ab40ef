#pragma once

/// SQL the task statements of both backends share, written once.
namespace dialtrack::storage {

/// The columns `read_task` reads, in its order.
inline constexpr const char* kTaskColumns =
    "task_id, name, job_group_id, task_type, total_calls, connected_calls, created_at, "
    "updated_at, completed_at, settled_calls, unreachable_calls, completion, max_attempts, "
    "final_statuses, parent_task_id, completion_reason";

/// The counter audit's SELECT up to the lead states, the same on both backends: a task `t`'s
/// stored counters beside the values recomputed from its leads and records, and the report's
/// aggregates (audit_counters), in CounterAudit's order. Each backend goes on with the lead
/// states, shared keys and final attempts in its own dialect.
inline constexpr const char* kAuditSelectHead =
    "SELECT t.task_id, t.total_calls, t.connected_calls, t.record_count, "
    "(SELECT count(*) FROM task_leads l WHERE l.task_id = t.task_id), "
    "(SELECT count(DISTINCT r.lead_id) FROM outbound_call_records r "
    "WHERE r.task_id = t.task_id AND r.connected), "
    "(SELECT count(*) FROM outbound_call_records r WHERE r.task_id = t.task_id), "
    "(SELECT coalesce(sum(calls), 0) FROM task_call_stats s WHERE s.task_id = t.task_id), "
    "(SELECT coalesce(sum(attempts), 0) FROM task_leads l WHERE l.task_id = t.task_id), "
    "t.settled_calls, t.unreachable_calls, ";

}  // namespace dialtrack::storage
