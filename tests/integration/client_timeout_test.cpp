// A slow or idle client is cut off (`[http] read_timeout_ms`, `[http] idle_timeout_ms`), so
// it cannot hold a connection slot forever. The timeouts are made short in a config file;
// the test waits for the close itself, with a generous deadline, never for a fixed time.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class ClientTimeoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.config_toml = "[http]\nread_timeout_ms = 300\nidle_timeout_ms = 300\n";
    server_ = std::make_unique<ServerProcess>(options);
    server_->start();
  }
  std::chrono::milliseconds close_deadline() { return scaled(std::chrono::seconds(15)); }

  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ClientTimeoutTest, IdleKeepAliveConnectionIsClosed) {
  HttpConnection http(server_->port());
  ASSERT_EQ(http.get("/healthz").status, 200u);
  EXPECT_TRUE(http.wait_for_close(close_deadline()));
}

TEST_F(ClientTimeoutTest, ConnectionThatNeverSendsIsClosed) {
  HttpConnection silent(server_->port());
  EXPECT_TRUE(silent.wait_for_close(close_deadline()));
}

TEST_F(ClientTimeoutTest, HalfSentHeaderIsCutOff) {
  HttpConnection slow(server_->port());
  slow.send_raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
  EXPECT_TRUE(slow.wait_for_close(close_deadline()));
}

TEST_F(ClientTimeoutTest, HalfSentBodyIsCutOffAndNothingIsStored) {
  HttpConnection slow(server_->port());
  slow.send_raw(
      "POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: 100\r\n\r\n{\"name\":\"never finished\"");
  EXPECT_TRUE(slow.wait_for_close(close_deadline()));
  HttpConnection http(server_->port());
  EXPECT_EQ(int_field(http.get("/tasks").data_object(), "total"), 0);
}

TEST_F(ClientTimeoutTest, BusyClientIsNotCutOff) {
  // Requests closer together than the idle timeout keep the connection open.
  HttpConnection http(server_->port());
  for (int i = 0; i < 200; ++i) {
    const auto response = http.get("/healthz");
    ASSERT_EQ(response.status, 200u) << "request " << i;
  }
}

}  // namespace
}  // namespace dialtrack::test
