#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace dialtrack::dialers::search_paging {

/// Where a pass through a job group's `SearchTask` attempts stands: the cursor stored per job
/// group. Pages follow start time (`ActualTime`), not offsets: SearchTask sorts by start time
/// but promises no order among attempts that started in the same millisecond, so paging by
/// `PageIndex` skips for good whichever of them an unstable order moves across a page
/// boundary. Each page asks for the attempts started at or after the latest start seen
/// (`from`) and drops those of that millisecond already delivered (`seen`, by call_id).
struct Cursor {
  std::int64_t from = 0;       ///< ActualTimeGte of the next request (ms); 0: no bound
  std::set<std::string> seen;  ///< call_ids started at `from` delivered in this pass
  /// Set while one millisecond holds more attempts than a page: that millisecond is read alone
  /// (ActualTimeLte = from) by PageIndex, in rounds, until every attempt the answers' `Total`
  /// counts in it was seen, or kMaxTieRounds rounds ended.
  std::optional<std::int64_t> tie_page;
  std::int64_t tie_rounds = 0;
  std::optional<std::int64_t> open;  ///< earliest start of an attempt seen `Executing`
  std::optional<std::int64_t> max;   ///< latest start seen in this pass

  bool operator==(const Cursor&) const = default;
};

/// Rounds through one crowded millisecond, at most, before the pass moves on. The millisecond
/// is left as soon as every attempt its `Total` counts was seen: mostly after one round; an
/// order that changes on every request needs a few more (a round of 3 pages that each show a
/// random 100 of 250 attempts leaves one unseen with probability 0.6^3). Without `Total` there
/// is no telling, so one round: only attempts beyond a page in one millisecond could then be
/// missed (SearchTask documents `Total`).
inline constexpr std::int64_t kMaxTieRounds = 64;

/// Reads a stored cursor. Cursors of the offset-paging version (`from=..;page=..;open=..;max=..`)
/// are read too: one in the middle of a pass resumes at the latest start it had seen (`max`),
/// so the attempts of that millisecond are read again (idempotent by call_id) and nothing
/// after it is skipped. An unreadable cursor starts from the beginning (every attempt read
/// again, each counted unchanged: nothing lost).
Cursor parse(std::string_view text);
/// `v=2;from=<ms>;tie=<page>|-;rounds=<n>;open=<ms>|-;max=<ms>|-;seen=<id>,<id>...` (ids
/// percent-encoded).
std::string format(const Cursor& cursor);

/// The SearchTask parameters of the page at `cursor`.
struct Request {
  std::optional<std::int64_t> actual_time_gte;
  std::optional<std::int64_t> actual_time_lte;
  std::int64_t page_index = 0;
};
Request request(const Cursor& cursor);

/// One row of an answer as paging sees it.
struct Row {
  std::string call_id;
  std::optional<std::int64_t> started;  ///< ActualTime (ms)
  bool executing = false;
};

/// What an answer means for the pass.
struct Step {
  std::vector<bool> keep;  ///< per row: false for an attempt this pass delivered already
  Cursor next;             ///< where the next page (or, when `last`, the next pass) starts
  bool last = false;
};

/// An answer paging cannot go on from (an attempt outside the range asked for, a full page
/// with no start time): the dialer ignored the filter, and going on could loop or skip.
struct Refusal {
  std::string reason;
};

/// Reads the page answered at `cursor`: its rows (in the answer's order), the answer's
/// `Total` when given, and the page size asked for. `now` (ms) caps where the next pass
/// starts: an attempt stamped in the future by a skewed dialer clock (which ingestion
/// rejects) must not move the window past attempts still to come before that time.
std::variant<Step, Refusal> step(const Cursor& cursor, const std::vector<Row>& rows,
                                 std::optional<std::int64_t> total, std::int64_t page_size,
                                 std::int64_t now);

}  // namespace dialtrack::dialers::search_paging
