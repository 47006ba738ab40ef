// Paging SearchTask by start time (dialers/alibaba/search_paging.hpp): every attempt delivered
// exactly once per pass whatever order the dialer gives attempts of one millisecond, and the
// cursors of the offset-paging version still read.
#include "dialers/alibaba/search_paging.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

namespace dialtrack::dialers::search_paging {
namespace {

/// The clock of these tests: after every attempt but where a test says otherwise.
constexpr std::int64_t kNow = 1'800'000'000'000;

struct Attempt {
  std::string id;
  std::int64_t started = 0;
  bool executing = false;
};

/// A dialer answering SearchTask from `attempts`: filtered by the request's range, sorted by
/// start time, attempts of one millisecond in a fresh random order on every request.
class ShufflingDialer {
 public:
  ShufflingDialer(std::vector<Attempt> attempts, unsigned seed, bool gives_total)
      : attempts_(std::move(attempts)), random_(seed), gives_total_(gives_total) {}

  /// The rows of one page, and the Total of the range.
  std::pair<std::vector<Row>, std::optional<std::int64_t>> answer(const Request& r,
                                                                  std::int64_t page_size) {
    std::vector<Attempt> in_range;
    for (const auto& a : attempts_) {
      if (a.started >= r.actual_time_gte.value_or(0) &&
          a.started <= r.actual_time_lte.value_or(INT64_MAX)) {
        in_range.push_back(a);
      }
    }
    std::shuffle(in_range.begin(), in_range.end(), random_);
    std::stable_sort(in_range.begin(), in_range.end(),
                     [](const Attempt& x, const Attempt& y) { return x.started < y.started; });
    std::vector<Row> rows;
    for (auto i = r.page_index * page_size;
         i < static_cast<std::int64_t>(in_range.size()) && i < (r.page_index + 1) * page_size;
         ++i) {
      const auto& a = in_range[static_cast<std::size_t>(i)];
      rows.push_back({a.id, a.started, a.executing});
    }
    return {rows, gives_total_ ? std::optional<std::int64_t>(in_range.size()) : std::nullopt};
  }

 private:
  std::vector<Attempt> attempts_;
  std::mt19937 random_;
  bool gives_total_;
};

/// Runs one pass from `cursor`: how often each id was delivered, the pages asked and the
/// cursor the pass ends with.
struct Pass {
  std::map<std::string, int> delivered;
  int pages = 0;
  Cursor end;
};

Pass run_pass(ShufflingDialer& dialer, Cursor cursor, std::int64_t page_size) {
  Pass pass;
  for (;;) {
    ++pass.pages;
    if (pass.pages > 100'000) {
      ADD_FAILURE() << "the pass does not end";
      return pass;
    }
    const auto [rows, total] = dialer.answer(request(cursor), page_size);
    auto outcome = step(cursor, rows, total, page_size, kNow);
    if (const auto* refusal = std::get_if<Refusal>(&outcome)) {
      ADD_FAILURE() << refusal->reason;
      return pass;
    }
    const auto& s = std::get<Step>(outcome);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (s.keep[i]) {
        ++pass.delivered[rows[i].call_id];
      }
    }
    // Through the stored text, as a restart would read it.
    cursor = parse(format(s.next));
    EXPECT_EQ(cursor, s.next);
    if (s.last) {
      pass.end = cursor;
      return pass;
    }
  }
}

/// `groups` runs of equal start times, of random sizes up to `largest`.
std::vector<Attempt> tied_attempts(unsigned seed, int groups, int largest) {
  std::mt19937 random(seed);
  std::vector<Attempt> out;
  std::int64_t at = 1'772'000'000'000;
  for (int g = 0; g < groups; ++g) {
    const int size = std::uniform_int_distribution<int>(1, largest)(random);
    for (int i = 0; i < size; ++i) {
      out.push_back({"a" + std::to_string(out.size()), at, false});
    }
    at += std::uniform_int_distribution<int>(1, 3)(random);
  }
  return out;
}

TEST(SearchPaging, EveryAttemptIsDeliveredOnceWhateverTheOrderOfTies) {
  for (unsigned seed = 1; seed <= 60; ++seed) {
    for (const std::int64_t page_size : {1, 3, 7, 10}) {
      for (const bool gives_total : {true, false}) {
        // Groups up to 25 attempts: many larger than a page, which are read alone (with Total:
        // without it only groups that fit a page are sure to be read whole).
        const auto attempts =
            tied_attempts(seed, 30, gives_total ? 25 : static_cast<int>(page_size));
        ShufflingDialer dialer(attempts, seed, gives_total);
        const auto pass = run_pass(dialer, Cursor{}, page_size);
        ASSERT_EQ(pass.delivered.size(), attempts.size())
            << "seed " << seed << " page size " << page_size << " total " << gives_total;
        for (const auto& [id, times] : pass.delivered) {
          ASSERT_EQ(times, 1) << id << " seed " << seed << " page size " << page_size;
        }
        // The next pass starts at the latest start, reading that millisecond again.
        EXPECT_EQ(pass.end, (Cursor{.from = attempts.back().started}));
      }
    }
  }
}

TEST(SearchPaging, DistinctTimesTakeOnePagePerPageSizeMinusTheRepeatedMillisecond) {
  std::vector<Attempt> attempts;
  for (int i = 0; i < 1000; ++i) {
    attempts.push_back({"a" + std::to_string(i), 1'772'000'000'000 + i * 1000, false});
  }
  ShufflingDialer dialer(attempts, 1, true);
  const auto pass = run_pass(dialer, Cursor{}, 100);
  EXPECT_EQ(pass.delivered.size(), 1000u);
  EXPECT_EQ(pass.pages, 1 + (900 + 98) / 99);  // 100, then 99 new attempts a page
}

TEST(SearchPaging, TheNextPassStartsAtTheEarliestAttemptStillExecuting) {
  std::vector<Attempt> attempts{
      {"a", 1000, false}, {"b", 2000, true}, {"c", 3000, false}, {"d", 4000, true}};
  ShufflingDialer dialer(attempts, 1, true);
  EXPECT_EQ(run_pass(dialer, Cursor{}, 2).end, (Cursor{.from = 2000}));
}

TEST(SearchPaging, AnAttemptStampedInTheFutureDoesNotMoveTheNextPassPastNow) {
  std::vector<Attempt> attempts{{"a", 1000, false}, {"b", 2000, false}, {"skewed", kNow * 2}};
  ShufflingDialer dialer(attempts, 1, true);
  EXPECT_EQ(run_pass(dialer, Cursor{}, 10).end, (Cursor{.from = kNow}));
  // A cursor already past now (stored before the cap) is not moved back.
  const auto past = std::get<Step>(step(Cursor{.from = kNow * 3}, {}, 0, 10, kNow));
  EXPECT_EQ(past.next, (Cursor{.from = kNow * 3}));
}

TEST(SearchPaging, RequestsFollowTheCursor) {
  EXPECT_EQ(request(Cursor{}).actual_time_gte, std::nullopt);
  const auto normal = request(Cursor{.from = 5000});
  EXPECT_EQ(normal.actual_time_gte, 5000);
  EXPECT_EQ(normal.actual_time_lte, std::nullopt);
  EXPECT_EQ(normal.page_index, 0);
  const auto tie = request(Cursor{.from = 5000, .tie_page = 2});
  EXPECT_EQ(tie.actual_time_gte, 5000);
  EXPECT_EQ(tie.actual_time_lte, 5000);
  EXPECT_EQ(tie.page_index, 2);
}

TEST(SearchPaging, AnswersOutsideTheRangeOrWithoutTimesAreRefused) {
  const Cursor at{.from = 5000};
  EXPECT_TRUE(std::holds_alternative<Refusal>(step(at, {{"a", 4999, false}}, 1, 10, kNow)));
  const Cursor tie{.from = 5000, .tie_page = 1};
  EXPECT_TRUE(std::holds_alternative<Refusal>(step(tie, {{"a", 5001, false}}, 1, 10, kNow)));
  EXPECT_TRUE(std::holds_alternative<Refusal>(
      step(at, {{"a", std::nullopt, false}, {"b", std::nullopt, false}}, 5, 2, kNow)));
  // A short page without times ends the pass; nothing to go on from.
  EXPECT_TRUE(std::get<Step>(step(at, {{"a", std::nullopt, false}}, 1, 2, kNow)).last);
}

TEST(SearchPaging, CursorsOfTheOffsetPagingVersionAreRead) {
  // Never synced, or the start of a pass.
  EXPECT_EQ(parse(""), Cursor{});
  EXPECT_EQ(parse("from=0;page=0;open=-;max=-"), Cursor{});
  EXPECT_EQ(parse("from=1772000000000;page=0;open=-;max=-"), (Cursor{.from = 1'772'000'000'000}));
  // In the middle of a pass (pages 0-4 stored): resume at the latest start those pages held.
  EXPECT_EQ(parse("from=1000;page=5;open=1500;max=9000"),
            (Cursor{.from = 9000, .open = 1500, .max = 9000}));
  EXPECT_EQ(parse("from=1000;page=5;open=-;max=-"), (Cursor{.from = 1000}));
  // Unreadable: from the beginning (every attempt read again, counted unchanged).
  EXPECT_EQ(parse("from=x;page=1"), Cursor{});
  EXPECT_EQ(parse("garbage"), Cursor{});
  EXPECT_EQ(parse("v=2;from=1;seen=%ZZ"), Cursor{});
}

TEST(SearchPaging, CursorsKeepCallIdsOfAnyText) {
  const Cursor c{.from = 42,
                 .seen = {"plain-id_1.x~", "with,comma;semi=eq%", "中文"},
                 .tie_page = 3,
                 .tie_rounds = 1,
                 .open = 7,
                 .max = 42};
  const auto text = format(c);
  EXPECT_TRUE(text.starts_with("v=2;from=42;tie=3;rounds=1;open=7;max=42;seen=")) << text;
  EXPECT_EQ(parse(text), c);
}

}  // namespace
}  // namespace dialtrack::dialers::search_paging
