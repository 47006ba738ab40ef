#include "sim/dialer.hpp"

#include <algorithm>
#include <utility>

namespace dialtrack::sim {
namespace {

constexpr std::size_t kResendWindow = 1000;

}  // namespace

const std::vector<std::string>& Dialer::connected_statuses() {
  static const std::vector<std::string> kStatuses{"SucceededFinish", "SucceededClientHangUp",
                                                  "SucceededTransferByIntent",
                                                  "SucceededChatbotHangUpAfterSilence"};
  return kStatuses;
}

const std::vector<std::string>& Dialer::failed_statuses() {
  static const std::vector<std::string> kStatuses{
      "NoAnswer", "Busy",   "PoweredOff", "Unreachable",
      "Rejected", "Failed", "NotExist",   "SuspendedOrPoweredOff"};
  return kStatuses;
}

Dialer::Dialer(DialerOptions options, const std::vector<TaskPhones>& tasks)
    : options_(std::move(options)), rng_(options_.seed) {
  // Phones of all tasks interleaved, so the tasks progress together as on a real dialer.
  std::size_t longest = 0;
  for (const auto& t : tasks) {
    longest = std::max(longest, t.phones.size());
  }
  for (std::size_t i = 0; i < longest; ++i) {
    for (const auto& t : tasks) {
      if (i < t.phones.size()) {
        queue_.push_back({t.task_id, t.phones[i], 0});
      }
    }
  }
}

bool Dialer::chance(double p) {
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p;
}

SimCall Dialer::attempt(Phone& phone, domain::Timestamp now) {
  ++phone.attempts;
  SimCall call;
  call.call_id = "sim-" + options_.run_id + "-" + std::to_string(next_call_++);
  call.task_id = phone.task_id;
  call.phone = phone.phone;
  call.connected = chance(options_.connect_rate);
  // Weighted as answered calls usually end: most finish normally, some hang up.
  const auto& statuses = call.connected ? connected_statuses() : failed_statuses();
  if (call.connected) {
    const double r = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    call.call_status = r < 0.6    ? statuses[0]
                       : r < 0.85 ? statuses[1]
                       : r < 0.95 ? statuses[2]
                                  : statuses[3];
    call.duration = std::uniform_int_distribution<std::int64_t>(8, 240)(rng_);
  } else {
    call.call_status =
        statuses[std::uniform_int_distribution<std::size_t>(0, statuses.size() - 1)(rng_)];
    call.duration = 0;
  }
  // Ringing before the answer (or before giving up), then the talk.
  const auto ring = std::chrono::seconds(std::uniform_int_distribution<int>(3, 40)(rng_));
  call.ended_at = now;
  call.started_at = now - std::chrono::seconds(call.duration) - ring;
  call.event_time = now;
  ++stats_.calls;
  if (call.connected) {
    ++stats_.connected_calls;
  }
  return call;
}

std::vector<SimCall> Dialer::next_batch(std::size_t count, domain::Timestamp now) {
  std::vector<SimCall> batch;
  // Late older updates go out after the newer record they belong to was sent.
  while (!late_.empty() && batch.size() < count) {
    batch.push_back(std::move(late_.back()));
    late_.pop_back();
  }
  while (!queue_.empty() && batch.size() < count) {
    if (!sent_.empty() && chance(options_.duplicate_rate)) {
      const auto i = std::uniform_int_distribution<std::size_t>(0, sent_.size() - 1)(rng_);
      batch.push_back(sent_[i]);
      ++stats_.duplicates;
      continue;
    }
    Phone phone = std::move(queue_.front());
    queue_.pop_front();
    auto call = attempt(phone, now);
    if (chance(options_.out_of_order_rate)) {
      // The call's "ringing" progress callback, older than its result, arrives after it.
      SimCall older = call;
      older.call_status = "Executing";
      older.connected = false;
      older.duration = 0;
      older.ended_at = older.started_at;
      older.event_time = call.event_time - std::chrono::seconds(1);
      late_.push_back(std::move(older));
      ++stats_.out_of_order;
    }
    if (call.connected) {
      ++stats_.phones_connected;
    } else if (options_.max_attempts > 0 && phone.attempts >= options_.max_attempts) {
      ++stats_.phones_given_up;
    } else {
      queue_.push_back(std::move(phone));
    }
    if (sent_.size() < kResendWindow) {
      sent_.push_back(call);
    } else {
      sent_[static_cast<std::size_t>(stats_.calls) % kResendWindow] = call;
    }
    batch.push_back(std::move(call));
  }
  return batch;
}

}  // namespace dialtrack::sim
