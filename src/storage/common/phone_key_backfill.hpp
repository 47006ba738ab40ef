#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store_api/store.hpp"

namespace spdlog {
class logger;
}

/// Keys the leads stored before phone keys (schema version 7 leaves their `phone_key` empty):
/// each gets the key of its phone; a lead whose key an earlier lead of its task already holds
/// keeps its row, is marked `key_shared` (records then find the earlier one), and is reported in
/// the log and by `recount`. Runs inside the migration's transaction, in batches.
namespace dialtrack::storage::phone_key_backfill {

/// The key of a normalised phone (domain::PhoneKeys::key).
using PhoneKeyFn = std::function<std::string(std::string_view)>;

struct UnkeyedLead {
  store_api::LeadId lead_id = 0;
  store_api::TaskId task_id = 0;
  std::string phone;
};

struct KeyedLead {
  store_api::LeadId lead_id = 0;
  std::string phone_key;
  bool shared = false;
};

/// What a backend does for the backfill.
class Backend {
 public:
  virtual ~Backend() = default;
  /// Leads without a key with ids above `after`, in id order, at most `limit`.
  virtual std::vector<UnkeyedLead> unkeyed(store_api::LeadId after, std::int64_t limit) = 0;
  /// Which of these (task, key) pairs a keyed, unshared lead already holds.
  virtual std::set<std::pair<store_api::TaskId, std::string>> held(
      std::span<const std::pair<store_api::TaskId, std::string>> keys) = 0;
  virtual void write(std::span<const KeyedLead> leads) = 0;
};

struct Outcome {
  std::int64_t keyed = 0;
  std::int64_t shared = 0;
};

/// Keys every lead without a key; an empty `key` keys a phone as itself.
Outcome run(Backend& backend, const PhoneKeyFn& key, spdlog::logger* log);

}  // namespace dialtrack::storage::phone_key_backfill
