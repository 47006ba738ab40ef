// SIGTERM drains and exits 0: hundreds of concurrent keep-alive connections are all served,
// open idle connections do not keep the server alive, and a request in flight is either
// answered (and then durable) or not applied at all.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <csignal>
#include <latch>
#include <mutex>
#include <thread>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

constexpr std::size_t kConnections = 300;

TEST(ShutdownTest, SigtermExitsZeroAndPrintsNothingMoreOnStdout) {
  ServerProcess server;
  server.start();
  {
    HttpConnection http(server.port());
    ASSERT_EQ(http.get("/healthz").status, 200u);
  }
  EXPECT_EQ(server.terminate(), 0);
  EXPECT_EQ(server.stdout_after_ready(), "");
}

TEST(ShutdownTest, ThreeHundredKeepAliveConnectionsAllGetAnswersThenSigtermExitsZero) {
  ServerProcess server;
  server.start();
  const auto phones = make_phones(kConnections);
  std::int64_t task_id = 0;
  {
    HttpConnection http(server.port());
    task_id = create_task(http, phones, "many connections");
  }

  // Every connection is opened first, then all of them send at once, twice each, so the
  // server really holds 300 sessions at the same time.
  std::vector<HttpConnection> connections;
  connections.reserve(kConnections);
  for (std::size_t i = 0; i < kConnections; ++i) {
    connections.emplace_back(server.port());
  }
  std::atomic<std::size_t> answered{0};
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  std::latch start_together(static_cast<std::ptrdiff_t>(kConnections));
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < kConnections; ++i) {
    clients.emplace_back([&, i] {
      start_together.arrive_and_wait();
      try {
        auto& http = connections[i];
        const auto pushed = push_records(
            http, {call_record("sd-" + std::to_string(i), task_id, phones[i], "Connected")});
        const auto checked = check_task(http, task_id);
        if (pushed.status == 200 && checked.status == 200) {
          answered.fetch_add(1);
          return;
        }
        std::lock_guard lock(failures_mutex);
        failures.push_back(pushed.describe() + " / " + checked.describe());
      } catch (const std::exception& error) {
        std::lock_guard lock(failures_mutex);
        failures.emplace_back(error.what());
      }
    });
  }
  for (auto& client : clients) {
    client.join();
  }
  EXPECT_EQ(answered.load(), kConnections) << (failures.empty() ? "" : failures.front());
  {
    HttpConnection http(server.port());
    const auto task = get_task(http, task_id);
    EXPECT_EQ(int_field(task, "connected_calls"), static_cast<std::int64_t>(kConnections));
    EXPECT_EQ(int_field(task, "task_type"), 3);
    EXPECT_EQ(count_transitions(history(http, task_id), 2, 3), 1u);
  }

  // All 300 connections are still open and idle: SIGTERM must not wait for them.
  EXPECT_EQ(server.terminate(), 0);
  // And they are closed by the server, not left dangling.
  for (std::size_t i = 0; i < kConnections; i += 37) {
    EXPECT_TRUE(connections[i].wait_for_close(answer_deadline())) << "connection " << i;
  }
}

TEST(ShutdownTest, RequestInFlightAtSigtermIsAnsweredOrNotAppliedAtAll) {
  ServerProcess server;
  server.start();
  const auto phones = make_phones(5000);
  std::int64_t task_id = 0;
  {
    HttpConnection http(server.port());
    task_id = create_task(http, phones, "in flight");
  }
  const auto records = records_for("if-", task_id, phones, "Connected");
  const std::string body = boost::json::serialize(boost::json::object{{"records", records}});
  const std::string request =
      "POST /outbound_call_records HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
      "application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;

  HttpConnection http(server.port());
  http.send_raw(request);
  server.send_signal(SIGTERM);
  std::optional<Response> answer;
  try {
    answer = http.read_response();
  } catch (const std::exception&) {
    // Closed without an answer: allowed only if nothing of the request was applied.
  }
  EXPECT_EQ(server.wait(), 0);

  server.restart();
  HttpConnection after(server.port());
  const auto task = get_task(after, task_id);
  if (answer && answer->status == 200) {
    EXPECT_EQ(int_field(answer->data_object(), "accepted"), 5000);
    EXPECT_EQ(int_field(task, "connected_calls"), 5000);
    EXPECT_EQ(int_field(task, "task_type"), 3);
  } else {
    if (answer) {
      EXPECT_TRUE(is_envelope(*answer));
      EXPECT_EQ(answer->status, 503u) << answer->describe();
    }
    EXPECT_EQ(int_field(task, "connected_calls"), 0);
    EXPECT_EQ(int_field(followup(after, task_id).data_object(), "total_records"), 0);
  }
}

}  // namespace
}  // namespace dialtrack::test
