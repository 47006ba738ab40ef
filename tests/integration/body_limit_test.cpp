// A body over the limit is a 413 (8 MiB by default, `[http] body_limit` or
// DIALTRACK_HTTP_BODY_LIMIT); a body at the limit is read normally.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

constexpr std::size_t kSmallLimit = 4096;

/// A valid POST /tasks body of exactly `size` bytes (padded with JSON whitespace).
std::string task_body_of_size(std::size_t size) {
  std::string body = R"({"name":"padded"})";
  body.insert(body.size() - 1, size - body.size(), ' ');
  return body;
}

std::string raw_post(std::string_view target, std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

class SmallBodyLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.env = {{"DIALTRACK_HTTP_BODY_LIMIT", std::to_string(kSmallLimit)}};
    server_ = std::make_unique<ServerProcess>(options);
    server_->start();
  }
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(SmallBodyLimitTest, OneByteOverTheLimitIs413) {
  HttpConnection http(server_->port());
  const auto response =
      http.send_raw_until_answer(raw_post("/tasks", task_body_of_size(kSmallLimit + 1)));
  EXPECT_TRUE(is_error(response, 413));
  // Nothing was created, and the server still answers on a new connection.
  HttpConnection fresh(server_->port());
  EXPECT_EQ(int_field(fresh.get("/tasks").data_object(), "total"), 0);
}

TEST_F(SmallBodyLimitTest, BodyAtTheLimitIsAccepted) {
  HttpConnection http(server_->port());
  const auto response = http.post_text("/tasks", task_body_of_size(kSmallLimit));
  EXPECT_EQ(response.status, 201u) << response.describe();
}

TEST_F(SmallBodyLimitTest, OversizedIngestionIs413AndStoresNothing) {
  HttpConnection http(server_->port());
  const auto task_id = create_task(http, make_phones(1));
  boost::json::array records;
  for (int i = 0; i < 100; ++i) {
    records.push_back(call_record("big-" + std::to_string(i), task_id, "13900000000", "NoAnswer"));
  }
  const auto body = boost::json::serialize(boost::json::object{{"records", records}});
  ASSERT_GT(body.size(), kSmallLimit);
  EXPECT_TRUE(is_error(http.send_raw_until_answer(raw_post("/outbound_call_records", body)), 413));
  HttpConnection fresh(server_->port());
  EXPECT_EQ(int_field(followup(fresh, task_id).data_object(), "total_records"), 0);
}

TEST_F(SmallBodyLimitTest, ChunkedBodyOverTheLimitIs413) {
  // Without Content-Length the limit must be enforced while the chunks arrive.
  HttpConnection http(server_->port());
  const std::string chunk(1024, ' ');
  std::string request =
      "POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 8; ++i) {
    request += "400\r\n" + chunk + "\r\n";
  }
  request += "0\r\n\r\n";
  EXPECT_TRUE(is_error(http.send_raw_until_answer(request), 413));
}

TEST(ConfigFileBodyLimitTest, LimitFromTheConfigFileApplies) {
  ServerOptions options;
  options.config_toml = "[http]\nbody_limit = 2048\n";
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  EXPECT_TRUE(
      is_error(http.send_raw_until_answer(raw_post("/tasks", task_body_of_size(2049))), 413));
  HttpConnection fresh(server.port());
  EXPECT_EQ(fresh.post_text("/tasks", task_body_of_size(2048)).status, 201u);
}

TEST(DefaultBodyLimitTest, NineMebibytesIs413) {
  ServerProcess server;
  server.start();
  HttpConnection http(server.port());
  const auto response =
      http.send_raw_until_answer(raw_post("/tasks", task_body_of_size(9 * 1024 * 1024)));
  EXPECT_TRUE(is_error(response, 413));
}

TEST(DefaultBodyLimitTest, SevenMebibytesIsRead) {
  // Under the default limit a large body is parsed like any other.
  ServerProcess server;
  server.start();
  HttpConnection http(server.port());
  const auto response = http.post_text("/tasks", task_body_of_size(7 * 1024 * 1024));
  EXPECT_EQ(response.status, 201u) << response.describe();
}

}  // namespace
}  // namespace dialtrack::test
