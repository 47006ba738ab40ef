#include "storage/common/report_stats.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "domain/completion.hpp"
#include "storage/common/time_columns.hpp"

namespace dialtrack::storage::report_stats {

using time_columns::millis;

std::int64_t first_slot_at_or_after(store_api::Timestamp at) {
  const std::int64_t ms = millis(at);
  return ms > 0 ? (ms + kSlotMillis - 1) / kSlotMillis : ms / kSlotMillis;
}

void require_quarter_hours(std::chrono::minutes utc_offset) {
  if (utc_offset.count() % 15 != 0) {
    throw std::invalid_argument("the daily summary counts in whole quarter hours: UTC offset of " +
                                std::to_string(utc_offset.count()) + " minutes");
  }
}

Contribution contribution(store_api::TaskId task_id, store_api::LeadId lead_id,
                          const domain::RecordFields& fields, bool connected, bool final_status,
                          store_api::Timestamp created_at) {
  Contribution c;
  c.final_status = final_status;
  c.task_id = task_id;
  c.lead_id = lead_id;
  c.call_status = fields.call_status;
  c.connected = connected;
  c.duration = fields.duration;
  c.call_time = millis(fields.started_at.value_or(fields.event_time.value_or(created_at)));
  c.latest_time = millis(
      fields.event_time.value_or(fields.ended_at.value_or(fields.started_at.value_or(created_at))));
  return c;
}

void Deltas::insert(const Contribution& record) {
  count(record, 1);
  candidate(record);
  auto& lead = leads_.at(record.lead_id);
  ++lead.attempts;
  lead.final_attempts += record.final_status ? 1 : 0;
}

void Deltas::update(const Contribution& before, const Contribution& after) {
  const bool same_row = before.task_id == after.task_id &&
                        before.call_status == after.call_status &&
                        before.call_time == after.call_time;
  if (!same_row || before.connected != after.connected || before.duration != after.duration) {
    count(before, -1);
    count(after, 1);
  }
  if (before.call_status != after.call_status || before.latest_time != after.latest_time) {
    candidate(after);
    auto& lead = leads_.at(after.lead_id);
    lead.replaced_at = std::max(lead.replaced_at.value_or(before.latest_time), before.latest_time);
    lead.final_attempts += (after.final_status ? 1 : 0) - (before.final_status ? 1 : 0);
  }
}

void Deltas::connect(store_api::TaskId task_id, store_api::LeadId lead_id) {
  lead(task_id, lead_id).connects = true;
}

LeadStatDelta& Deltas::lead(store_api::TaskId task_id, store_api::LeadId lead_id) {
  auto [it, added] = leads_.try_emplace(lead_id);
  if (added) {
    it->second.task_id = task_id;
    it->second.lead_id = lead_id;
  }
  return it->second;
}

void Deltas::count(const Contribution& record, std::int64_t sign) {
  const std::int64_t slot = record.call_time / kSlotMillis;
  auto [it, added] = calls_.try_emplace({record.task_id, record.call_status, slot});
  auto& row = it->second;
  if (added) {
    row.task_id = record.task_id;
    row.call_status = record.call_status;
    row.slot = slot;
  }
  row.calls += sign;
  if (record.connected) {
    row.connected_calls += sign;
    if (record.duration) {
      row.talk_seconds += sign * *record.duration;
      row.talk_calls += sign;
    }
  }
  if (sign > 0) {
    row.first_at = std::min(row.first_at.value_or(record.call_time), record.call_time);
    row.last_at = std::max(row.last_at.value_or(record.call_time), record.call_time);
  }
}

void Deltas::candidate(const Contribution& record) {
  auto& lead = this->lead(record.task_id, record.lead_id);
  // Later in the batch wins a tie, as the last stored record does.
  if (!lead.has_latest || record.latest_time >= lead.latest_at) {
    lead.has_latest = true;
    lead.latest_status = record.call_status;
    lead.latest_at = record.latest_time;
  }
}

std::vector<CallStatDelta> Deltas::call_stats() const {
  std::vector<CallStatDelta> out;
  out.reserve(calls_.size());
  for (const auto& [key, row] : calls_) {
    if (row.calls != 0 || row.connected_calls != 0 || row.talk_seconds != 0 ||
        row.talk_calls != 0 || row.first_at) {
      out.push_back(row);
    }
  }
  return out;
}

std::vector<LeadStatDelta> Deltas::lead_stats() const {
  std::vector<LeadStatDelta> out;
  out.reserve(leads_.size());
  for (const auto& [id, lead] : leads_) {
    out.push_back(lead);
  }
  return out;
}

LeadRow apply(const LeadRow& row, const LeadStatDelta& delta,
              std::optional<std::int64_t> max_attempts) {
  LeadRow out = row;
  out.attempts += delta.attempts;
  out.final_attempts += delta.final_attempts;
  if (delta.takes_latest(row.latest_at)) {
    out.latest_status = delta.latest_status;
    out.latest_at = delta.latest_at;
  }
  out.connected = row.connected || delta.connects;
  out.state = static_cast<int>(
      domain::lead_state(out.connected, out.final_attempts, out.attempts, max_attempts));
  return out;
}

void LeadMoves::add(const LeadRow& before, const LeadRow& after) {
  const auto is_settled = [](int state) {
    return domain::is_settled(static_cast<domain::LeadState>(state)) ? 1 : 0;
  };
  const auto is_unreachable = [](int state) {
    return state == static_cast<int>(domain::LeadState::kUnreachable) ? 1 : 0;
  };
  connected += (after.connected && !before.connected) ? 1 : 0;
  settled += is_settled(after.state) - is_settled(before.state);
  unreachable += is_unreachable(after.state) - is_unreachable(before.state);
}

Deltas settling(std::span<const store_api::LeadId> lead_ids,
                std::span<const store_api::LeadId> connected) {
  Deltas deltas;
  for (const auto id : lead_ids) {
    deltas.settle(id);
  }
  for (const auto id : connected) {
    deltas.connect(0, id);
  }
  return deltas;
}

}  // namespace dialtrack::storage::report_stats
