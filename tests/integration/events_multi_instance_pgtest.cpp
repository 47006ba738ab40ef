// Several instances on one PostgreSQL database: each streams every change (SPEC §7). A record
// pushed to instance A shows up as `task.progress` on instance B's `GET /events`, and A's
// completion as B's `task.completed`, through LISTEN/NOTIFY.
#include <gtest/gtest.h>

#include "support/event_stream.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

TEST(EventsMultiInstancePgTest, ARecordPushedToOneInstanceIsStreamedByTheOther) {
  if (!on_postgresql()) {
    GTEST_SKIP() << "several instances on one database is the PostgreSQL deployment";
  }
  const TestDatabase shared;
  ServerOptions options;
  options.db = shared.url();
  ServerProcess a(options);
  ServerProcess b(options);
  a.start();
  b.start();
  HttpConnection to_a(a.port());
  const auto phones = make_phones(2);
  const auto task = create_task(to_a, phones);

  const auto deadline = scaled(std::chrono::seconds(10));
  EventStreamClient on_b(b.port());
  ASSERT_EQ(on_b.status(), 200U) << on_b.body_text();
  on_b.read_until([](const SseEvent& e) { return e.event == "ready"; }, deadline);

  push(to_a, {call_record("mi-ev-1", task, phones[0], "SucceededFinish")});
  const auto progress = on_b.read_until(
      [&](const SseEvent& e) {
        return e.event == "task.progress" && int_field(e.object(), "task_id") == task &&
               int_field(e.object(), "connected_calls") == 1;
      },
      deadline);
  EXPECT_EQ(int_field(progress.back().object(), "total_calls"), 2);

  push(to_a, {call_record("mi-ev-2", task, phones[1], "SucceededFinish")});
  const auto completed = on_b.read_until(
      [&](const SseEvent& e) {
        return e.event == "task.completed" && int_field(e.object(), "task_id") == task;
      },
      deadline);
  EXPECT_FALSE(completed.back().id.empty());
  // B's stream resumes from the shared outbox too.
  EventStreamClient resumed(b.port(), {{"Last-Event-ID", "0"}});
  const auto replay =
      resumed.read_until([](const SseEvent& e) { return e.event == "ready"; }, deadline);
  EXPECT_TRUE(std::any_of(replay.begin(), replay.end(), [&](const SseEvent& e) {
    return e.event == "task.completed" && e.id == completed.back().id;
  }));
}

}  // namespace
}  // namespace dialtrack::test
