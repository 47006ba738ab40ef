// GET /check_task_completion/{task_id} and GET /task_followup_records/{task_id} answered on the
// I/O thread: on SQLite a check or a page that only reads runs on a read connection of the I/O
// thread itself, and one whose counters say complete goes to a worker for the 2 -> 3 write as
// before (on PostgreSQL every check and page runs on a worker). A check or a page on any
// connection sees every push acknowledged before it; a task left with full counters on status 2
// (a crash between a push's commit and its own check) is completed by racing checks, or racing
// pages, exactly once; SIGTERM with those read connections open exits 0.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <functional>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "campaign_steps.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

/// Runs `sql` on the SQLite file at `path` (the server stopped), or fails the test.
void run_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  char* error = nullptr;
  const bool opened =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK;
  const bool ran = opened && sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK;
  const std::string reason =
      error != nullptr ? error : (db != nullptr ? sqlite3_errmsg(db) : "out of memory");
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_TRUE(ran) << sql << ": " << reason;
}

/// A task of `leads` phones created over `pusher` on a started server, and several keep-alive
/// connections to it (`readers`), so that their requests run on every I/O thread of it.
struct TaskReadEverywhere {
  HttpConnection pusher;
  std::vector<std::string> phones;
  std::int64_t task_id = 0;
  std::vector<HttpConnection> readers;
};

TaskReadEverywhere task_read_everywhere(ServerProcess& server, std::size_t leads,
                                        const std::string& name) {
  TaskReadEverywhere out{HttpConnection(server.port()), make_phones(leads), 0, {}};
  out.task_id = create_task(out.pusher, out.phones, name);
  for (int i = 0; i < 6; ++i) {
    out.readers.emplace_back(server.port());
  }
  return out;
}

TEST(InlineCheckTest, ChecksOnEveryConnectionSeeEachAcknowledgedPush) {
  ServerProcess server;
  server.start();
  auto [pusher, phones, task_id, checkers] = task_read_everywhere(server, 24, "read after write");
  for (std::size_t i = 0; i < phones.size(); ++i) {
    push(pusher, {call_record("raw-" + std::to_string(i), task_id, phones[i], "Connected")});
    for (auto& checker : checkers) {
      const auto checked = check_task(checker, task_id);
      ASSERT_EQ(checked.status, 200u) << checked.describe();
      EXPECT_EQ(int_field(checked.data_object(), "connected_calls"),
                static_cast<std::int64_t>(i + 1));
      EXPECT_EQ(bool_field(checked.data_object(), "is_completed"), i + 1 == phones.size());
    }
  }
  EXPECT_EQ(count_transitions(history(pusher, task_id), 2, 3), 1u);
  EXPECT_EQ(check_task(pusher, 9'999'999).status, 404u);
}

/// What a crash between a push's commit and its own check leaves (a task with full counters
/// on status 2), then eight connections asking at once, five times each, through `ask`: every
/// answer is 200 and says complete (`check_data` looks at each answer's data too), and the
/// task moved 2 -> 3 exactly once, for `reason`.
void race_on_full_counters(const std::function<Response(HttpConnection&, std::int64_t)>& ask,
                           std::string_view reason,
                           const std::function<void(const boost::json::object&)>& check_data) {
  ServerOptions options;
  options.env = {{"DIALTRACK_SWEEP_INTERVAL_MS", "0"}};  // the checks, not the sweep
  ServerProcess server(options);
  server.start();
  const auto phones = make_phones(8);
  std::int64_t task_id = 0;
  {
    HttpConnection http(server.port());
    task_id = create_task(http, phones, "left on 2");
    push(http, records_for("full-", task_id, phones, "Connected"));
  }
  ASSERT_EQ(server.terminate(), 0);
  // What a crash between the push's commit and its own check leaves: full counters on 2.
  const auto id = std::to_string(task_id);
  run_sql(server.db(),
          "UPDATE call_tasks SET task_type = 2, completed_at = NULL, completion_reason = NULL "
          "WHERE task_id = " +
              id + "; DELETE FROM task_status_history WHERE task_id = " + id + " AND to_type = 3");
  server.start();

  constexpr int kCheckers = 8;
  std::latch together(kCheckers);
  std::atomic<int> completed_answers{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> checkers;
  for (int t = 0; t < kCheckers; ++t) {
    checkers.emplace_back([&] {
      try {
        HttpConnection connection(server.port());
        together.arrive_and_wait();
        for (int round = 0; round < 5; ++round) {
          const auto checked = ask(connection, task_id);
          if (checked.status != 200) {
            failures.fetch_add(1);
          } else if (bool_field(checked.data_object(), "is_completed")) {
            completed_answers.fetch_add(1);
            check_data(checked.data_object());
          }
        }
      } catch (const std::exception&) {
        failures.fetch_add(1);
      }
    });
  }
  for (auto& checker : checkers) {
    checker.join();
  }
  EXPECT_EQ(failures.load(), 0);
  // Every check answered after the transition, whichever made it.
  EXPECT_EQ(completed_answers.load(), kCheckers * 5);
  HttpConnection http(server.port());
  const auto rows = history(http, task_id);
  ASSERT_EQ(count_transitions(rows, 2, 3), 1u);
  EXPECT_EQ(last_reason_into(http, task_id, 3), reason);
  EXPECT_EQ(int_field(get_task(http, task_id), "task_type"), 3);
}

TEST(InlineCheckTest, RacingChecksCompleteATaskWithFullCountersOnce) {
  if (on_postgresql()) {
    GTEST_SKIP() << "edits the SQLite file";
  }
  race_on_full_counters(check_task, "manual_check", [](const boost::json::object&) {});
}

TEST(InlineFollowupTest, PagesOnEveryConnectionShowEachAcknowledgedPush) {
  ServerProcess server;
  server.start();
  auto [pusher, phones, task_id, readers] = task_read_everywhere(server, 12, "page after write");
  for (std::size_t i = 0; i < phones.size(); ++i) {
    const auto call_id = "page-" + std::to_string(i);
    push(pusher, {call_record(call_id, task_id, phones[i], "Connected")});
    for (auto& reader : readers) {
      const auto page = followup(reader, task_id, 1, 50);
      ASSERT_EQ(page.status, 200u) << page.describe();
      const auto& data = page.data_object();
      EXPECT_EQ(int_field(data, "total_records"), static_cast<std::int64_t>(i + 1));
      EXPECT_EQ(int_field(data, "connected_calls"), static_cast<std::int64_t>(i + 1));
      EXPECT_EQ(bool_field(data, "is_completed"), i + 1 == phones.size());
      const auto& records = data.at("records").as_array();
      ASSERT_EQ(records.size(), i + 1);
      EXPECT_EQ(string_field(records.front().as_object(), "call_id"), call_id);
    }
  }
  EXPECT_EQ(count_transitions(history(pusher, task_id), 2, 3), 1u);
  EXPECT_EQ(followup(pusher, 9'999'999).status, 404u);
  const auto past_the_end = followup(pusher, task_id, 3, 10);
  ASSERT_EQ(past_the_end.status, 200u) << past_the_end.describe();
  EXPECT_TRUE(past_the_end.data_object().at("records").as_array().empty());
  EXPECT_EQ(int_field(past_the_end.data_object(), "total_records"), 12);
  // Past the first thousand records a page is read on a worker: the same answer.
  const auto deep = followup(pusher, task_id, 200, 10);
  ASSERT_EQ(deep.status, 200u) << deep.describe();
  EXPECT_TRUE(deep.data_object().at("records").as_array().empty());
  EXPECT_EQ(int_field(deep.data_object(), "total_records"), 12);
  EXPECT_TRUE(bool_field(deep.data_object(), "is_completed"));
}

TEST(InlineFollowupTest, RacingPagesCompleteATaskWithFullCountersOnce) {
  if (on_postgresql()) {
    GTEST_SKIP() << "edits the SQLite file";
  }
  race_on_full_counters(
      [](HttpConnection& http, std::int64_t task_id) { return followup(http, task_id, 1, 50); },
      "followup_query",
      [](const boost::json::object& data) {
        EXPECT_EQ(int_field(data, "total_records"), 8);
        EXPECT_EQ(data.at("records").as_array().size(), 8u);
      });
}

TEST(InlineCheckTest, SigtermWithTheIoThreadsReadConnectionsOpenExitsZero) {
  ServerProcess server;
  server.start();
  std::int64_t task_id = 0;
  {
    HttpConnection http(server.port());
    task_id = create_task(http, make_phones(3), "open readers");
  }
  std::vector<HttpConnection> connections;
  for (int i = 0; i < 8; ++i) {
    connections.emplace_back(server.port());
    ASSERT_EQ(check_task(connections.back(), task_id).status, 200u);
  }
  EXPECT_EQ(server.terminate(), 0);
  // The file is whole: the server opens it again and answers from it.
  server.start();
  HttpConnection http(server.port());
  const auto checked = check_task(http, task_id);
  ASSERT_EQ(checked.status, 200u) << checked.describe();
  EXPECT_EQ(int_field(checked.data_object(), "total_calls"), 3);
}

}  // namespace
}  // namespace dialtrack::test
