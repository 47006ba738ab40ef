#include "dialers/alibaba/search_paging.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "domain/integer.hpp"

namespace dialtrack::dialers::search_paging {

namespace {

constexpr std::string_view kVersion = "v=2";

/// The next `;`-separated item of `text`, removed from it.
std::string_view take_item(std::string_view& text, char separator) {
  const auto end = text.find(separator);
  const auto item = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
  return item;
}

/// A non-negative number, `-` for none; false when it is neither.
bool read_number(std::string_view value, std::optional<std::int64_t>& out) {
  if (value == "-") {
    out.reset();
    return true;
  }
  const auto number = domain::parse_int64(value);
  if (!number || *number < 0) {
    return false;
  }
  out = *number;
  return true;
}

std::string number_text(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : std::string("-");
}

bool plain(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

std::string encode(std::string_view id) {
  std::string out;
  for (const char c : id) {
    if (plain(c)) {
      out += c;
    } else {
      std::array<char, 4> hex{};
      std::snprintf(hex.data(), hex.size(), "%%%02X", static_cast<unsigned char>(c));
      out += hex.data();
    }
  }
  return out;
}

std::optional<std::string> decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) {
      return std::nullopt;
    }
    unsigned value = 0;
    if (std::sscanf(std::string(text.substr(i + 1, 2)).c_str(), "%2x", &value) != 1) {
      return std::nullopt;
    }
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

/// The next `key=value` item of a cursor; false when it has no '='.
bool take_pair(std::string_view& text, std::string_view& key, std::string_view& value) {
  const auto item = take_item(text, ';');
  const auto eq = item.find('=');
  if (eq == std::string_view::npos) {
    return false;
  }
  key = item.substr(0, eq);
  value = item.substr(eq + 1);
  return true;
}

/// The cursor of the offset-paging version: `from=<ms>;page=<n>;open=<ms>|-;max=<ms>|-`.
Cursor parse_offset_cursor(std::string_view text) {
  std::optional<std::int64_t> from;
  std::optional<std::int64_t> page;
  Cursor c;
  while (!text.empty()) {
    std::string_view key;
    std::string_view number;
    std::optional<std::int64_t> value;
    if (!take_pair(text, key, number) || !read_number(number, value)) {
      return {};
    }
    if (key == "from") {
      from = value;
    } else if (key == "page") {
      page = value;
    } else if (key == "open") {
      c.open = value;
    } else if (key == "max") {
      c.max = value;
    }
  }
  // Pages before `page` covered every attempt up to the latest start they held (`max`); the
  // attempts of that millisecond are read again, as the new version does at every page.
  c.from = page.value_or(0) > 0 && c.max ? *c.max : from.value_or(0);
  return c;
}

}  // namespace

Cursor parse(std::string_view text) {
  if (!text.starts_with(kVersion)) {
    return parse_offset_cursor(text);
  }
  Cursor c;
  take_item(text, ';');
  while (!text.empty()) {
    std::string_view key;
    std::string_view value;
    if (!take_pair(text, key, value)) {
      return {};
    }
    std::optional<std::int64_t> number;
    if (key == "seen") {
      while (!value.empty()) {
        auto id = decode(take_item(value, ','));
        if (!id) {
          return {};
        }
        c.seen.insert(std::move(*id));
      }
    } else if (!read_number(value, number)) {
      return {};
    } else if (key == "from") {
      c.from = number.value_or(0);
    } else if (key == "tie") {
      c.tie_page = number;
    } else if (key == "rounds") {
      c.tie_rounds = number.value_or(0);
    } else if (key == "open") {
      c.open = number;
    } else if (key == "max") {
      c.max = number;
    }
  }
  return c;
}

std::string format(const Cursor& c) {
  std::string out = std::string(kVersion) + ";from=" + std::to_string(c.from) +
                    ";tie=" + number_text(c.tie_page) + ";rounds=" + std::to_string(c.tie_rounds) +
                    ";open=" + number_text(c.open) + ";max=" + number_text(c.max) + ";seen=";
  bool first = true;
  for (const auto& id : c.seen) {
    out += (first ? "" : ",") + encode(id);
    first = false;
  }
  return out;
}

Request request(const Cursor& c) {
  Request r;
  if (c.from > 0) {
    r.actual_time_gte = c.from;
  }
  if (c.tie_page) {
    r.actual_time_lte = c.from;
    r.page_index = *c.tie_page;
  }
  return r;
}

std::variant<Step, Refusal> step(const Cursor& c, const std::vector<Row>& rows,
                                 std::optional<std::int64_t> total, std::int64_t page_size,
                                 std::int64_t now) {
  Step out;
  out.keep.assign(rows.size(), true);
  Cursor next = c;
  std::optional<std::int64_t> latest;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (!row.started) {
      continue;
    }
    const auto at = *row.started;
    if (at < c.from || (c.tie_page && at != c.from)) {
      return Refusal{"an attempt started at " + std::to_string(at) +
                     " is outside the ActualTime range asked for (from " + std::to_string(c.from) +
                     ")"};
    }
    latest = std::max(latest.value_or(at), at);
    next.max = std::max(next.max.value_or(at), at);
    if (row.executing) {
      next.open = std::min(next.open.value_or(at), at);
    }
    out.keep[i] = !(at == c.from && c.seen.contains(row.call_id));
  }
  const bool full = static_cast<std::int64_t>(rows.size()) >= page_size;

  if (c.tie_page) {
    for (const auto& row : rows) {
      next.seen.insert(row.call_id);
    }
    const bool progress = next.seen.size() > c.seen.size();
    bool done = total && static_cast<std::int64_t>(next.seen.size()) >= *total;
    // A round ends past the millisecond's last page: where `Total` says, or at a short page,
    // or (without `Total`) at a page that brought nothing new, so a dialer that ignores
    // PageIndex cannot hold the pass here.
    const bool round_over =
        !full || (total && (*c.tie_page + 1) * page_size >= *total) || (!total && !progress);
    if (!done && round_over) {
      // Attempts of the millisecond still unseen (an order that changed between pages):
      // another round from its first page; without `Total` there is no telling, so one round.
      next.tie_page = 0;
      next.tie_rounds = c.tie_rounds + 1;
      done = !total || next.tie_rounds >= kMaxTieRounds;
    } else if (!done) {
      next.tie_page = *c.tie_page + 1;
    }
    if (done) {
      next.from = c.from + 1;
      next.seen.clear();
      next.tie_page.reset();
      next.tie_rounds = 0;
    }
    out.next = std::move(next);
    return out;
  }

  if (!full || (total && *total <= static_cast<std::int64_t>(rows.size()))) {
    // The pass is over. The next one starts at the earliest attempt still executing (its
    // result is still to come), or else at the latest start seen, reading that millisecond
    // again: an attempt reported late with that start is not missed. Never after now.
    Cursor start;
    start.from =
        std::min(next.open ? *next.open : next.max.value_or(c.from), std::max(now, c.from));
    out.next = start;
    out.last = true;
    return out;
  }
  if (!latest) {
    return Refusal{"a full page of attempts without ActualTime"};
  }
  next.seen.clear();
  if (*latest > c.from) {
    next.from = *latest;
  } else {
    // A whole page started in one millisecond: read that millisecond alone, page by page.
    next.seen = c.seen;
    next.tie_page = 1;
    next.tie_rounds = 0;
  }
  for (const auto& row : rows) {
    if (row.started == next.from) {
      next.seen.insert(row.call_id);
    }
  }
  out.next = std::move(next);
  return out;
}

}  // namespace dialtrack::dialers::search_paging
