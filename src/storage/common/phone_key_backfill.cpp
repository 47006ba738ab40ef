#include "storage/common/phone_key_backfill.hpp"

#include <spdlog/logger.h>

#include <map>

namespace dialtrack::storage::phone_key_backfill {

namespace {

constexpr std::int64_t kBatch = 5'000;
/// Shared keys logged one by one at most; the rest are counted.
constexpr std::int64_t kLoggedShares = 100;

}  // namespace

Outcome run(Backend& backend, const PhoneKeyFn& key, spdlog::logger* log) {
  Outcome outcome;
  store_api::LeadId after = 0;
  for (;;) {
    const auto batch = backend.unkeyed(after, kBatch);
    if (batch.empty()) {
      break;
    }
    after = batch.back().lead_id;
    std::vector<std::pair<store_api::TaskId, std::string>> keys;
    keys.reserve(batch.size());
    for (const auto& lead : batch) {
      keys.emplace_back(lead.task_id, key ? key(lead.phone) : lead.phone);
    }
    auto held = backend.held(keys);
    // The first lead of a key in lead order holds it: earlier batches' leads are in `held`,
    // this batch's are added as they come.
    std::map<std::pair<store_api::TaskId, std::string>, store_api::LeadId> first;
    std::vector<KeyedLead> out;
    out.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto& lead = batch[i];
      const bool shared = held.contains(keys[i]) || first.contains(keys[i]);
      if (!shared) {
        first.emplace(keys[i], lead.lead_id);
      } else {
        ++outcome.shared;
        if (log != nullptr && outcome.shared <= kLoggedShares) {
          log->warn(
              "migration: lead {} of task {} (phone {}) has the phone key {} of an earlier lead "
              "of the task; both are kept, records find the earlier one (recount lists them)",
              lead.lead_id, lead.task_id, lead.phone, keys[i].second);
        }
      }
      out.push_back({lead.lead_id, keys[i].second, shared});
    }
    backend.write(out);
    outcome.keyed += static_cast<std::int64_t>(batch.size());
  }
  if (log != nullptr && outcome.keyed > 0) {
    log->info("migration: {} leads keyed by phone identity, {} share a key with an earlier lead",
              outcome.keyed, outcome.shared);
  }
  return outcome;
}

}  // namespace dialtrack::storage::phone_key_backfill
