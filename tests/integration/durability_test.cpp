// A 2xx answer means durable: kill -9 right after it and restart on the same database (file or
// PostgreSQL database), and everything acknowledged is there, counters included.
#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

TEST(DurabilityTest, AcknowledgedRecordsSurviveKill9) {
  ServerProcess server;
  server.start();
  const auto phones = make_phones(300);
  std::int64_t task_id = 0;
  std::int64_t other_task = 0;
  {
    HttpConnection http(server.port());
    task_id = create_task(http, phones, "durable");
    other_task = create_task(http, make_phones(2), "durable, incomplete");
    for (std::size_t start = 0; start < phones.size(); start += 100) {
      boost::json::array batch;
      for (std::size_t p = start; p < start + 100; ++p) {
        batch.push_back(call_record("d-miss-" + std::to_string(p), task_id, phones[p], "NoAnswer"));
        batch.push_back(call_record("d-ok-" + std::to_string(p), task_id, phones[p], "Connected"));
      }
      push(http, batch);
    }
    push(http, {call_record("d-other", other_task, "13900000000", "SucceededFinish")});
  }
  server.kill9();

  server.restart();
  HttpConnection http(server.port());
  const auto task = get_task(http, task_id);
  EXPECT_EQ(int_field(task, "total_calls"), 300);
  EXPECT_EQ(int_field(task, "connected_calls"), 300);
  EXPECT_EQ(int_field(task, "task_type"), 3);
  EXPECT_EQ(count_transitions(history(http, task_id), 2, 3), 1u);
  const auto records = all_records(http, task_id);
  EXPECT_EQ(records.size(), 600u);
  EXPECT_EQ(records.at("d-ok-299"), "Connected");
  EXPECT_EQ(records.at("d-miss-0"), "NoAnswer");

  const auto other = get_task(http, other_task);
  EXPECT_EQ(int_field(other, "connected_calls"), 1);
  EXPECT_EQ(int_field(other, "task_type"), 2);
}

TEST(DurabilityTest, AcknowledgedTasksAndStateChangesSurviveKill9) {
  ServerProcess server;
  server.start();
  std::vector<std::int64_t> ids;
  {
    HttpConnection http(server.port());
    for (int i = 0; i < 20; ++i) {
      ids.push_back(create_task(http, make_phones(3), "t" + std::to_string(i)));
    }
    ASSERT_EQ(start_task(http, ids[0]).status, 200u);
    ASSERT_EQ(delete_task(http, ids[1]).status, 200u);
    ASSERT_EQ(http.post("/tasks/" + std::to_string(ids[2]) + "/leads",
                        boost::json::object{{"leads", leads_of({"13700000000"})}})
                  .status,
              200u);
  }
  server.kill9();

  server.restart();
  HttpConnection http(server.port());
  EXPECT_EQ(int_field(http.get("/tasks").data_object(), "total"), 20);
  EXPECT_EQ(int_field(get_task(http, ids[0]), "task_type"), 2);
  EXPECT_EQ(int_field(get_task(http, ids[1]), "task_type"), 4);
  EXPECT_EQ(int_field(get_task(http, ids[2]), "total_calls"), 4);
  EXPECT_EQ(int_field(get_task(http, ids[19]), "total_calls"), 3);
}

TEST(DurabilityTest, Kill9DuringIngestionKeepsEveryAcknowledgedRecordAndExactCounters) {
  ServerProcess server;
  server.start();
  const auto phones = make_phones(2000);
  std::int64_t task_id = 0;
  {
    HttpConnection http(server.port());
    task_id = create_task(http, phones, "killed mid-stream");
  }

  // A writer streams batches; the server is killed once a few have been acknowledged, while
  // the writer is still sending.
  std::mutex mutex;
  std::condition_variable acknowledged_more;
  std::set<std::string> acknowledged;
  std::size_t batches_acknowledged = 0;
  std::thread writer([&] {
    try {
      HttpConnection http(server.port());
      for (std::size_t start = 0; start < phones.size(); start += 50) {
        boost::json::array batch;
        std::vector<std::string> ids;
        for (std::size_t p = start; p < start + 50; ++p) {
          const std::string id = "k-" + std::to_string(p);
          batch.push_back(call_record(id, task_id, phones[p], p % 3 == 0 ? "Busy" : "Connected"));
          ids.push_back(id);
        }
        const auto response = push_records(http, std::move(batch));
        if (response.status != 200) {
          break;
        }
        std::lock_guard lock(mutex);
        acknowledged.insert(ids.begin(), ids.end());
        ++batches_acknowledged;
        acknowledged_more.notify_all();
      }
    } catch (const std::exception&) {
      // The connection dies with the server: expected.
    }
    std::lock_guard lock(mutex);
    batches_acknowledged = SIZE_MAX;  // wake the main thread even if the server was fast
    acknowledged_more.notify_all();
  });
  {
    std::unique_lock lock(mutex);
    acknowledged_more.wait(lock, [&] { return batches_acknowledged >= 5; });
  }
  server.kill9();
  writer.join();

  server.restart();
  HttpConnection http(server.port());
  const auto records = all_records(http, task_id);
  for (const auto& id : acknowledged) {
    EXPECT_TRUE(records.contains(id)) << id << " was acknowledged but is gone";
  }
  // The counters agree with the records that survived (stored in one transaction with them).
  std::int64_t connected = 0;
  for (const auto& [id, status] : records) {
    connected += status == "Connected" ? 1 : 0;
  }
  const auto task = get_task(http, task_id);
  EXPECT_EQ(int_field(task, "connected_calls"), connected);
  EXPECT_EQ(int_field(task, "total_calls"), 2000);
}

}  // namespace
}  // namespace dialtrack::test
