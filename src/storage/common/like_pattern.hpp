#pragma once

#include <string>
#include <string_view>

namespace dialtrack::storage {

/// The LIKE pattern that matches a text containing `text` as a plain substring: `%` before and
/// after, and the wildcards `%` and `_` of `text` (and the escape character itself) preceded by
/// a backslash, for statements written `LIKE ? ESCAPE '\'` (SQLite) or `ILIKE $n ESCAPE '\'`
/// (PostgreSQL).
std::string contains_pattern(std::string_view text);

}  // namespace dialtrack::storage
