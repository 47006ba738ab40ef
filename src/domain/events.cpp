#include "domain/events.hpp"

#include <array>
#include <boost/json/object.hpp>
#include <cstdint>
#include <random>

#include "domain/json_text.hpp"
#include "domain/time.hpp"

namespace dialtrack::domain {

std::string status_event_payload(std::string_view event_id, std::string_view event, TaskId task_id,
                                 TaskType from, TaskType to, std::string_view reason,
                                 Timestamp at) {
  boost::json::object body;
  body["event_id"] = event_id;
  body["event"] = event;
  body["task_id"] = task_id;
  body["from"] = static_cast<int>(from);
  body["to"] = static_cast<int>(to);
  body["reason"] = reason;
  body["at"] = format_timestamp(at);
  return json_text(body);
}

std::string new_event_id() {
  // One generator per thread, seeded from the system's entropy once: ids need to be unique,
  // not secret.
  thread_local std::mt19937_64 generator{[] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }()};
  static constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                             '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string id;
  id.reserve(32);
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = generator();
    for (int digit = 0; digit < 16; ++digit) {
      id.push_back(kHex[bits & 0xFU]);
      bits >>= 4U;
    }
  }
  return id;
}

}  // namespace dialtrack::domain
