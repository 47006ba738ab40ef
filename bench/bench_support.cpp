#include "bench_support.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>  // mkdtemp (POSIX)
#include <stdexcept>
#include <utility>
#include <vector>

#include "domain/integer.hpp"

namespace dialtrack::bench {

TempDir::TempDir(std::string_view prefix) {
  std::string dir =
      (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
  if (mkdtemp(dir.data()) == nullptr) {
    throw std::runtime_error("cannot create a temporary directory for the benchmark database");
  }
  path_ = dir;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string phone(std::string_view prefix, std::int64_t index) {
  std::array<char, 32> digits{};
  std::snprintf(digits.data(), digits.size(), "%08lld", static_cast<long long>(index));
  return std::string(prefix) + digits.data();
}

std::int64_t phone_index(std::string_view phone) {
  const auto index = domain::parse_int64(phone.substr(std::min<std::size_t>(3, phone.size())));
  if (!index) {
    throw std::invalid_argument("not a benchmark phone: " + std::string(phone));
  }
  return *index;
}

void insert_leads_in_batches(
    store_api::Transaction& tx, domain::TaskId task_id, std::int64_t phones,
    std::string_view prefix, domain::Timestamp now, std::int64_t batch,
    const std::function<void(std::span<const store_api::LeadMatch>)>& write_records) {
  std::vector<domain::Lead> leads;
  std::vector<std::pair<domain::TaskId, std::string>> keys;
  for (std::int64_t first = 0; first < phones; first += batch) {
    const std::int64_t last = std::min(phones, first + batch);
    leads.clear();
    keys.clear();
    for (std::int64_t i = first; i < last; ++i) {
      leads.push_back(
          {phone(prefix, i), phone(prefix, i), std::nullopt, std::nullopt, std::nullopt});
      keys.emplace_back(task_id, leads.back().phone);
    }
    tx.leads().insert_leads(task_id, leads, now);
    write_records(tx.leads().find_leads(keys));
  }
}

}  // namespace dialtrack::bench
