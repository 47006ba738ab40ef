// The live stream, `GET /events` (SPEC §7), over real HTTP on both backends: a pushed record
// moves a task's counters in `task.progress`, a completion sends `task.status_changed` and
// `task.completed` with their outbox numbers as ids, `Last-Event-ID` replays what was missed,
// and progress goes at most once a second per task however fast records arrive.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/event_stream.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

using std::chrono::steady_clock;

std::chrono::milliseconds event_deadline() {
  return scaled(std::chrono::seconds(10));
}

/// Opens a stream and reads up to its `ready` event (sent once the stream is subscribed):
/// every change after that is on the stream.
std::unique_ptr<EventStreamClient> open_stream(std::uint16_t port, const Headers& headers = {}) {
  auto stream = std::make_unique<EventStreamClient>(port, headers);
  EXPECT_EQ(stream->status(), 200U) << stream->body_text();
  stream->read_until([](const SseEvent& e) { return e.event == "ready"; }, event_deadline());
  return stream;
}

bool progress_of(const SseEvent& e, std::int64_t task_id, std::int64_t connected) {
  if (e.event != "task.progress") {
    return false;
  }
  const auto data = e.object();
  return int_field(data, "task_id") == task_id && int_field(data, "connected_calls") == connected;
}

bool event_of(const SseEvent& e, std::string_view name, std::int64_t task_id) {
  return e.event == name && int_field(e.object(), "task_id") == task_id;
}

class EventsTest : public ServerTest {};

TEST_F(EventsTest, StreamHeadersAndAPushedRecordMovesTheProgress) {
  const auto phones = make_phones(3);
  const auto task = create_task(http(), phones);
  EventStreamClient stream(server_.port());
  ASSERT_EQ(stream.status(), 200U) << stream.body_text();
  EXPECT_EQ(stream.header("Content-Type").value_or(""), "text/event-stream; charset=utf-8");
  EXPECT_EQ(stream.header("Cache-Control").value_or(""), "no-cache");
  EXPECT_EQ(stream.header("X-Accel-Buffering").value_or(""), "no");
  const auto opening =
      stream.read_until([](const SseEvent& e) { return e.event == "ready"; }, event_deadline());
  // The stream names its latest event id at once, so a client that reconnects before any
  // status event still resumes from there.
  EXPECT_EQ(opening.back().id, std::to_string(int_field(opening.back().object(), "last_event_id")));

  push(http(), {call_record("ev-1", task, phones[0], "SucceededFinish")});
  const auto seen = stream.read_until([&](const SseEvent& e) { return progress_of(e, task, 1); },
                                      event_deadline());
  const auto progress = seen.back().object();
  EXPECT_EQ(int_field(progress, "total_calls"), 3);
  EXPECT_EQ(int_field(progress, "task_type"), 2);
  EXPECT_TRUE(seen.back().id.empty()) << "progress is the latest state, not a resumable event";
  EXPECT_TRUE(is_rfc3339_utc(string_field(progress, "updated_at")));

  const auto metrics = http().get("/metrics").body;
  EXPECT_NE(metrics.find("dialtrack_event_streams 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find(R"(dialtrack_events_sent_total{event="task.progress"})"),
            std::string::npos);
}

TEST_F(EventsTest, CompletionSendsStatusChangedAndCompletedWithIncreasingIds) {
  const auto phones = make_phones(2);
  const auto task = create_task(http(), phones);
  auto stream = open_stream(server_.port());
  push(http(), {call_record("ev-c1", task, phones[0], "SucceededFinish"),
                call_record("ev-c2", task, phones[1], "SucceededFinish")});
  const auto seen = stream->read_until(
      [&](const SseEvent& e) { return event_of(e, "task.completed", task); }, event_deadline());
  std::vector<std::pair<std::int64_t, std::int64_t>> moves;  // from -> to of status_changed
  std::int64_t last_id = 0;
  for (const auto& e : seen) {
    if (e.event != "task.status_changed" && e.event != "task.completed") {
      continue;
    }
    ASSERT_FALSE(e.id.empty()) << e.event << " needs an id to resume from";
    const auto id = std::stoll(e.id);
    EXPECT_GT(id, last_id) << "ids increase along one task's events";
    last_id = id;
    const auto data = e.object();
    EXPECT_EQ(string_field(data, "event"), e.event);
    EXPECT_EQ(string_field(data, "event_id").size(), 32U) << "the webhook body, as stored";
    if (e.event == "task.status_changed") {
      moves.emplace_back(int_field(data, "from"), int_field(data, "to"));
    }
  }
  const std::vector<std::pair<std::int64_t, std::int64_t>> expected{{1, 2}, {2, 3}};
  EXPECT_EQ(moves, expected);
  const auto completed = seen.back().object();
  EXPECT_EQ(int_field(completed, "to"), 3);
  EXPECT_EQ(string_field(completed, "reason"), "records_ingested");
}

TEST_F(EventsTest, StatusChangesByHandAreStreamed) {
  const auto phones = make_phones(2);
  const auto task = create_task(http(), phones);
  auto stream = open_stream(server_.port());
  ASSERT_EQ(start_task(http(), task).status, 200U);
  stream->read_until([&](const SseEvent& e) { return event_of(e, "task.status_changed", task); },
                     event_deadline());
  ASSERT_EQ(http().post("/tasks/" + std::to_string(task) + "/finish", boost::json::object{}).status,
            200U);
  const auto seen = stream->read_until(
      [&](const SseEvent& e) { return event_of(e, "task.completed", task); }, event_deadline());
  EXPECT_EQ(string_field(seen.back().object(), "reason"), "manual_finish");
}

TEST_F(EventsTest, LastEventIdReplaysWhatWasMissed) {
  const auto phones = make_phones(2);
  const auto task = create_task(http(), phones);
  std::string before;
  std::vector<std::string> missed;
  {
    EventStreamClient stream(server_.port());
    // The id the stream started from: what a client that disconnects now resumes after.
    before =
        stream.read_until([](const SseEvent& e) { return e.event == "ready"; }, event_deadline())
            .back()
            .id;
    push(http(), {call_record("ev-r1", task, phones[0], "SucceededFinish"),
                  call_record("ev-r2", task, phones[1], "SucceededFinish")});
    for (const auto& e :
         stream.read_until([&](const SseEvent& x) { return event_of(x, "task.completed", task); },
                           event_deadline())) {
      if (!e.id.empty() && e.event != "ready") {
        missed.push_back(e.event + "#" + e.id);
      }
    }
  }
  ASSERT_EQ(missed.size(), 3U);  // 1 -> 2, 2 -> 3, completed

  EventStreamClient resumed(server_.port(), {{"Last-Event-ID", before}});
  ASSERT_EQ(resumed.status(), 200U) << resumed.body_text();
  std::vector<std::string> replayed;
  bool progress_after_replay = false;
  const auto seen =
      resumed.read_until([](const SseEvent& e) { return e.event == "ready"; }, event_deadline());
  for (const auto& e : seen) {
    if (e.event == "task.status_changed" || e.event == "task.completed") {
      replayed.push_back(e.event + "#" + e.id);
    }
    progress_after_replay = progress_after_replay || progress_of(e, task, 2);
    EXPECT_NE(e.event, "resync");
  }
  EXPECT_EQ(replayed, missed);
  EXPECT_TRUE(progress_after_replay) << "the replayed tasks' present counters follow";
  // The new stream's id is the latest, so resuming from it replays nothing.
  EventStreamClient current(server_.port(), {{"Last-Event-ID", seen.back().id}});
  const auto again =
      current.read_until([](const SseEvent& e) { return e.event == "ready"; }, event_deadline());
  EXPECT_EQ(again.size(), 1U) << again.front().event;
}

TEST_F(EventsTest, AnIdThatCannotBeResumedAsksForAResync) {
  EventStreamClient stream(server_.port(), {{"Last-Event-ID", "999999999"}});
  ASSERT_EQ(stream.status(), 200U);
  const auto seen =
      stream.read_until([](const SseEvent& e) { return e.event == "ready"; }, event_deadline());
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen.front().event, "resync");
}

TEST_F(EventsTest, AMalformedLastEventIdIsRefusedNamingTheHeader) {
  EventStreamClient stream(server_.port(), {{"Last-Event-ID", "abc"}, {"Accept-Language", "en"}});
  EXPECT_EQ(stream.status(), 400U);
  EXPECT_NE(stream.body_text().find("Last-Event-ID"), std::string::npos) << stream.body_text();
  EventStreamClient chinese(server_.port(), {{"Last-Event-ID", "-5"}});
  EXPECT_EQ(chinese.status(), 400U);
  EXPECT_NE(chinese.body_text().find("Last-Event-ID"), std::string::npos);
}

TEST_F(EventsTest, ProgressIsCoalescedToOncePerSecondPerTask) {
  constexpr int kPushes = 30;
  const auto phones = make_phones(kPushes + 1);  // one lead never connects: no completion
  const auto task = create_task(http(), phones);
  auto stream = open_stream(server_.port());
  const auto started = steady_clock::now();
  for (int i = 0; i < kPushes; ++i) {
    push(http(), {call_record("ev-b" + std::to_string(i), task, phones[static_cast<std::size_t>(i)],
                              "SucceededFinish")});
  }
  const auto seen = stream->read_until(
      [&](const SseEvent& e) { return progress_of(e, task, kPushes); }, event_deadline());
  const auto took = steady_clock::now() - started;
  const auto progress = std::count_if(seen.begin(), seen.end(), [&](const SseEvent& e) {
    return e.event == "task.progress" && int_field(e.object(), "task_id") == task;
  });
  // One at once, then at most one per second: without coalescing there would be 30.
  const auto allowed = std::chrono::duration_cast<std::chrono::seconds>(took).count() + 2;
  EXPECT_LE(progress, allowed) << kPushes << " pushes in "
                               << std::chrono::duration<double>(took).count() << " s";
  EXPECT_GE(progress, 1);
}

TEST_F(EventsTest, ShutdownEndsAnOpenStreamAndExitsCleanly) {
  auto stream = open_stream(server_.port());
  EXPECT_EQ(server_.terminate(), 0);
  EXPECT_TRUE(stream->wait_for_end(event_deadline()));
}

}  // namespace
}  // namespace dialtrack::test
