#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "store_api/records.hpp"

/// The report's aggregates, kept at write time by both backends (schema version 6): one row
/// per task, call status and quarter hour of call time in `task_call_stats`, and per lead its
/// number of attempts and the status of its latest one in `task_leads`. `upsert_records`
/// computes what a batch changes with `Deltas` and applies it in its own transaction, so every
/// path that writes records keeps them in step.
namespace dialtrack::storage::report_stats {

/// A quarter hour: the time slot of `task_call_stats` (`slot` = call time / kSlotMillis). UTC
/// offsets are whole quarter hours, so a slot never straddles two local days.
inline constexpr std::int64_t kSlotMillis = 900'000;

/// The first slot that starts at or after `at`: the daily summary counts the slots that start
/// in [from, to).
std::int64_t first_slot_at_or_after(store_api::Timestamp at);

/// Throws std::invalid_argument unless the offset is a whole number of quarter hours (every UTC
/// offset in use is), the precision of the daily summary's calls.
void require_quarter_hours(std::chrono::minutes utc_offset);

/// What one version of a stored record adds to its task's report.
struct Contribution {
  store_api::TaskId task_id = 0;
  store_api::LeadId lead_id = 0;
  std::string call_status;
  bool connected = false;
  bool final_status = false;  ///< the status is final under the task's policy
  std::optional<std::int64_t> duration;
  std::int64_t call_time = 0;    ///< started_at, else event_time, else created_at (ms)
  std::int64_t latest_time = 0;  ///< event_time, else ended_at, else started_at, else created_at
};

Contribution contribution(store_api::TaskId task_id, store_api::LeadId lead_id,
                          const domain::RecordFields& fields, bool connected, bool final_status,
                          store_api::Timestamp created_at);

/// What to add to one row of `task_call_stats` (inserted when missing). The counts are signed:
/// an overwritten record is taken out of the row it was counted in. `first_at` and `last_at`
/// are the earliest and latest call time of the records added to the row (empty when the delta
/// only takes records out); the stored ones only widen, so after an update that moved a record
/// out of a row that keeps other records, the row's bounds may still include its old call time
/// (which lies in the row's quarter hour).
struct CallStatDelta {
  store_api::TaskId task_id = 0;
  std::string call_status;
  std::int64_t slot = 0;
  std::int64_t calls = 0;
  std::int64_t connected_calls = 0;
  std::int64_t talk_seconds = 0;  ///< sum of duration over connected records
  std::int64_t talk_calls = 0;    ///< connected records with a duration
  std::optional<std::int64_t> first_at;
  std::optional<std::int64_t> last_at;
};

/// What to add to one lead: attempts (records inserted), attempts with a final status, and the
/// latest of the lead's records
/// the batch wrote (`has_latest`), which becomes the lead's latest attempt when it is at least
/// as late as the stored one, or when the batch overwrote the stored latest attempt itself
/// (`replaced_at`: the latest time, before the batch, of the lead's records the batch
/// overwrote; the stored `latest_at` is then no later than it); and whether the batch wrote a
/// connected record of the lead (`connects`: the lead is connected from now on).
struct LeadStatDelta {
  store_api::TaskId task_id = 0;
  store_api::LeadId lead_id = 0;
  std::int64_t attempts = 0;
  std::int64_t final_attempts = 0;
  bool has_latest = false;
  std::string latest_status;
  std::int64_t latest_at = 0;
  std::optional<std::int64_t> replaced_at;
  bool connects = false;

  /// Whether the candidate becomes the latest attempt of a lead whose latest attempt is at
  /// `stored_at` (empty: none yet).
  [[nodiscard]] bool takes_latest(std::optional<std::int64_t> stored_at) const {
    return has_latest &&
           (!stored_at || latest_at >= *stored_at || (replaced_at && *stored_at <= *replaced_at));
  }
};

/// A lead's row before and after a batch's `LeadStatDelta`: what the backends write in one
/// statement per batch, with the state it puts the lead in (domain::lead_state).
struct LeadRow {
  store_api::TaskId task_id = 0;
  store_api::LeadId lead_id = 0;
  int state = 0;  ///< domain::LeadState as stored
  bool connected = false;
  std::int64_t attempts = 0;
  std::int64_t final_attempts = 0;
  std::optional<std::string> latest_status;
  std::optional<std::int64_t> latest_at;
};

/// `row` with `delta` applied and its state set from the result under the task's
/// `max_attempts`.
LeadRow apply(const LeadRow& row, const LeadStatDelta& delta,
              std::optional<std::int64_t> max_attempts);

/// How a batch moves a task's lead counters: leads newly connected, settled and unreachable
/// (signed: a lead may leave a state).
struct LeadMoves {
  std::int64_t connected = 0;
  std::int64_t settled = 0;
  std::int64_t unreachable = 0;
  void add(const LeadRow& before, const LeadRow& after);
  [[nodiscard]] bool empty() const { return connected == 0 && settled == 0 && unreachable == 0; }
};

/// The aggregate changes of one batch of record writes, in the order the batch wrote them.
class Deltas {
 public:
  /// A record inserted.
  void insert(const Contribution& record);
  /// A record overwritten: `before` as it was stored, `after` as it is now (same task and lead).
  void update(const Contribution& before, const Contribution& after);
  /// A connected record of the lead written: the lead is connected (when it was not yet).
  void connect(store_api::TaskId task_id, store_api::LeadId lead_id);
  /// The lead's state is set again from its row, even if nothing else of it moves.
  void settle(store_api::LeadId lead_id) { lead(0, lead_id); }

  /// The rows to change, by (task_id, call_status, slot); rows that the batch leaves as they
  /// are are left out.
  [[nodiscard]] std::vector<CallStatDelta> call_stats() const;
  /// The leads to change, by lead id (each lead a batch wrote a record of and that may change:
  /// its attempts, final attempts, latest attempt or connection).
  [[nodiscard]] std::vector<LeadStatDelta> lead_stats() const;
  [[nodiscard]] bool empty() const { return calls_.empty() && leads_.empty(); }

 private:
  void count(const Contribution& record, std::int64_t sign);
  void candidate(const Contribution& record);
  LeadStatDelta& lead(store_api::TaskId task_id, store_api::LeadId lead_id);

  std::map<std::tuple<store_api::TaskId, std::string, std::int64_t>, CallStatDelta> calls_;
  std::map<store_api::LeadId, LeadStatDelta> leads_;
};

/// What `LeadStore::settle_leads` changes: the state of each of `lead_ids` set again from its
/// row, and each of `connected` connected (when it was not yet).
Deltas settling(std::span<const store_api::LeadId> lead_ids,
                std::span<const store_api::LeadId> connected);

}  // namespace dialtrack::storage::report_stats
