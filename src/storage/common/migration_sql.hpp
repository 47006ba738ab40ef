#pragma once

#include <algorithm>
#include <array>
#include <cstddef>

/// The SQL that both backends' migrations (storage/sqlite/migrations.cpp,
/// storage/postgres/pg_migrations.cpp) run to the letter, once, and how a migration's text is
/// composed of it and its dialect's own. A released migration's text never changes
/// (tests/storage/migration_sql_test.cpp pins it): continuation lines stay aligned as they were
/// in the statement, which starts a line there.
namespace dialtrack::storage::sql {

/// The texts one after another, as one constant text (its terminating NUL included).
template <std::size_t... N>
constexpr auto joined(const char (&... parts)[N]) {
  std::array<char, (N + ...) - sizeof...(N) + 1> out{};
  auto at = out.begin();
  ((at = std::copy_n(parts, N - 1, at)), ...);
  return out;
}

/// Version 1: the tasks by state and by job group.
inline constexpr char kTaskIndexes[] =
    R"sql(CREATE INDEX call_tasks_by_type ON call_tasks (task_type, task_id);
CREATE INDEX call_tasks_by_job_group ON call_tasks (job_group_id) WHERE job_group_id IS NOT NULL;
)sql";

/// Version 3: the deliveries due, and each webhook's deliveries.
inline constexpr char kDeliveryIndexes[] =
    R"sql(CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, delivery_id);
)sql";

/// Version 4: the tasks by creation and by completion, for the summary.
inline constexpr char kSummaryIndexes[] =
    R"sql(CREATE INDEX call_tasks_by_created ON call_tasks (created_at);
CREATE INDEX call_tasks_by_completed ON call_tasks (completed_at) WHERE completed_at IS NOT NULL;
)sql";

/// Version 6: the report indexes of version 4 go (the aggregates answer the report).
inline constexpr char kDropReportIndexes[] =
    R"sql(DROP INDEX IF EXISTS outbound_call_records_report;
DROP INDEX IF EXISTS outbound_call_records_by_call_time;
)sql";

/// Version 7: the FROM clause of the fill of each lead's final attempts: its records with a
/// default final status, counted per lead as `f` (lead_id, n).
inline constexpr char kFinalAttemptsByLead[] =
    R"sql(FROM (SELECT lead_id, count(*) AS n FROM outbound_call_records
      WHERE call_status IN ('ContactBlockList', 'EmptyNumber', 'HighRiskSipCode', 'NotExist',
                            'OutOfService', 'OutOfServiceNoCall')
      GROUP BY lead_id) AS f
)sql";

/// Version 7: each lead's state from its connection and final attempts (domain::LeadState).
inline constexpr char kLeadStatesFromCounts[] =
    R"sql(UPDATE task_leads SET state = CASE WHEN connected_at IS NOT NULL THEN 1
                                   WHEN final_attempts > 0 THEN 2 ELSE 0 END
WHERE connected_at IS NOT NULL OR final_attempts > 0;
)sql";

}  // namespace dialtrack::storage::sql
