#pragma once

#include <cstdint>

namespace dialtrack::store_api {

/// How many rows come before page `page` (pages count from 1) of `page_size` rows: what every
/// paged list skips.
constexpr std::int64_t page_offset(std::int64_t page, std::int64_t page_size) {
  return (page - 1) * page_size;
}

}  // namespace dialtrack::store_api
