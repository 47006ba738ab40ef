#include "storage/common/migrations.hpp"

#include <algorithm>

namespace dialtrack::storage {

int apply_missing(std::span<const Migration> migrations, const std::set<std::int64_t>& applied,
                  const std::function<void(const Migration&)>& apply) {
  int reached = applied.empty() ? 0 : static_cast<int>(*applied.rbegin());
  for (const auto& m : migrations) {
    if (!applied.contains(m.version)) {
      apply(m);
      reached = std::max(reached, m.version);
    }
  }
  return reached;
}

}  // namespace dialtrack::storage
