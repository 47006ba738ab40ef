#pragma once

#include <cstdint>

namespace dialtrack::app {

/// What became of a batch's stored records: new, overwritten, already as sent, or older than
/// what is stored (see `IngestService::ingest`, ingest_service.hpp); also what a sync and an import
/// add up.
struct IngestCounts {
  std::int64_t accepted = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t stale = 0;

  IngestCounts& operator+=(const IngestCounts& other) {
    accepted += other.accepted;
    updated += other.updated;
    unchanged += other.unchanged;
    stale += other.stale;
    return *this;
  }
};

}  // namespace dialtrack::app
