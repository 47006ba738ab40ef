#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dialtrack::test {

/// The tests' own small RFC 4180 reader (independent of src/csv): rows of fields, quoted
/// fields with commas, doubled quotes and line breaks, CRLF or LF. A leading UTF-8 BOM is
/// not removed: tests check it first.
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

/// The bytes as a file `name` in `dir`; returns its path.
std::string write_file(const std::string& dir, const std::string& name, std::string_view bytes);

}  // namespace dialtrack::test
