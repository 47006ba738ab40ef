// csv::parse and the incremental csv::Reader (CSV imports): the same rows whether the input
// arrives whole or split at any byte.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "csv/csv_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dialtrack;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto whole = csv::parse(text);
  // Split where the first byte says, as a network read or a file buffer might.
  const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
  csv::Reader reader;
  std::vector<csv::Row> rows;
  reader.feed(text.substr(0, split), rows);
  reader.feed(text.substr(split), rows);
  const bool complete = reader.finish(rows);
  if (complete != whole.has_value()) {
    std::abort();
  }
  if (whole) {
    if (rows.size() != whole->size()) {
      std::abort();
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].fields != (*whole)[i].fields || rows[i].line != (*whole)[i].line ||
          (i > 0 && rows[i].line <= rows[i - 1].line)) {
        std::abort();
      }
    }
  }
  return 0;
}
