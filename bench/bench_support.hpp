#pragma once

// What the benchmarks that populate a SQLite file share: a temporary directory for it, the
// phones of their leads, and leads inserted in batches with the records of each batch written
// by the benchmark beside them.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "domain/types.hpp"
#include "store_api/store.hpp"

namespace dialtrack::bench {

/// A new directory under the system's temporary directory, removed with its contents when the
/// object goes.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// `prefix` followed by `index` in eight digits: "138" and 7 give "13800000007".
std::string phone(std::string_view prefix, std::int64_t index);
/// The index back from such a phone (the digits after a three-digit prefix).
std::int64_t phone_index(std::string_view phone);

/// Inserts the leads phone(prefix, i) for 0 <= i < phones into the task, `batch` at a time, in
/// the caller's transaction; after each batch, `write_records` gets the stored leads of that
/// batch to write their records.
void insert_leads_in_batches(
    store_api::Transaction& tx, domain::TaskId task_id, std::int64_t phones,
    std::string_view prefix, domain::Timestamp now, std::int64_t batch,
    const std::function<void(std::span<const store_api::LeadMatch>)>& write_records);

}  // namespace dialtrack::bench
