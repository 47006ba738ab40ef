// Limits not covered elsewhere: open connections (`http.max_connections`: one more is answered
// with a 503 envelope and closed), the header block (`http.header_limit`: 431), leads per request
// (`limits.max_leads_per_request`: 400 naming `leads`), and a slowloris crowd: connections that
// send their headers a byte at a time neither stop a normal client from being served nor stay
// open past `http.read_timeout_ms`.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <thread>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

/// A raw non-blocking TCP connection to the server, for clients that misbehave on purpose.
class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 ||
        ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
      throw std::runtime_error("cannot connect to the server");
    }
  }
  ~RawSocket() { ::close(fd_); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  /// Sends one byte; false when the server has closed the connection.
  bool send_byte(char byte) const {
    return ::send(fd_, &byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1;
  }
  /// True when the server closed (end of stream or reset); reads and drops anything else.
  [[nodiscard]] bool closed_by_server() const {
    std::array<char, 1024> buffer{};
    const auto got = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
    return got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  int fd_;
};

TEST(ConnectionLimitTest, OneConnectionTooManyGetsA503AndIsClosed) {
  ServerOptions options;
  options.env = {{"DIALTRACK_HTTP_MAX_CONNECTIONS", "2"}};
  ServerProcess server(options);
  server.start();
  auto first = std::make_unique<HttpConnection>(server.port());
  HttpConnection second(server.port());
  // Both are registered once they were answered.
  ASSERT_EQ(first->get("/healthz").status, 200u);
  ASSERT_EQ(second.get("/healthz").status, 200u);

  HttpConnection third(server.port());
  const auto refused = third.read_response();
  EXPECT_TRUE(is_error(refused, 503)) << refused.describe();
  EXPECT_TRUE(has_chinese(refused.message()));
  EXPECT_FALSE(refused.keep_alive);
  EXPECT_TRUE(third.wait_for_close(answer_deadline()));
  // The open ones are still served.
  EXPECT_EQ(second.get("/healthz").status, 200u);

  // Once one closes, its slot is free again (the server notices the close asynchronously:
  // try until a connection is served, within the answer deadline).
  first.reset();
  const auto deadline = SteadyClock::now() + answer_deadline();
  bool served = false;
  while (!served && SteadyClock::now() < deadline) {
    HttpConnection next(server.port());
    try {
      served = next.get("/healthz").status == 200u;
    } catch (const std::exception&) {
      served = false;  // answered 503 first, then closed
    }
  }
  EXPECT_TRUE(served);
}

TEST(HeaderLimitTest, HeadersOverTheLimitAre431) {
  ServerOptions options;
  options.config_toml = "[http]\nheader_limit = 2048\n";
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  const auto response = http.send_raw_until_answer(
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
  EXPECT_TRUE(is_error(response, 431)) << response.describe();
  HttpConnection fresh(server.port());
  EXPECT_EQ(fresh.get("/healthz", {{"X-Small", std::string(512, 'b')}}).status, 200u);
}

TEST(LeadsLimitTest, TooManyLeadsIs400AndCreatesNothing) {
  ServerOptions options;
  options.env = {{"DIALTRACK_LIMITS_MAX_LEADS_PER_REQUEST", "3"}};
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  EXPECT_TRUE(is_field_error(
      http.post("/tasks", json::object{{"name", "big"}, {"leads", leads_of(make_phones(4))}}),
      "leads"));
  EXPECT_EQ(int_field(http.get("/tasks").data_object(), "total"), 0);
  const auto task_id = create_task(http, make_phones(3));
  EXPECT_TRUE(
      is_field_error(http.post("/tasks/" + std::to_string(task_id) + "/leads",
                               json::object{{"leads", leads_of(make_phones(4, 13800000000))}}),
                     "leads"));
  EXPECT_EQ(int_field(get_task(http, task_id), "total_calls"), 3);
}

TEST(SlowlorisTest, SlowClientsDoNotBlockOthersAndAreCutOff) {
  ServerOptions options;
  options.config_toml = "[http]\nread_timeout_ms = 1000\nidle_timeout_ms = 1000\n";
  ServerProcess server(options);
  server.start();
  constexpr int kSlowClients = 64;
  const std::string header =
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(4000, 'z') + "\r\n\r\n";

  std::vector<std::unique_ptr<RawSocket>> slow;
  for (int i = 0; i < kSlowClients; ++i) {
    slow.push_back(std::make_unique<RawSocket>(server.port()));
  }
  std::atomic<int> cut_off{0};
  // Every slow client must be cut off: the header would take over 200 s at this pace, the read
  // timeout is 1 s; the deadline is only there so that a failure does not hang.
  const auto deadline = SteadyClock::now() + scaled(std::chrono::seconds(60));
  // One thread plays every slow client: one byte each per 50 ms tick. The pace is kept by the
  // clock, not by poll(): a socket the server has closed reports POLLHUP whatever the events
  // mask, so waking on it would send the rest of the header at full speed and let a "slow"
  // client finish its request before the read timeout.
  std::thread crowd([&] {
    std::vector<bool> closed(slow.size(), false);
    auto tick = SteadyClock::now();
    for (std::size_t offset = 0; offset < header.size() && SteadyClock::now() < deadline;
         ++offset) {
      for (std::size_t i = 0; i < slow.size(); ++i) {
        if (!closed[i] && (!slow[i]->send_byte(header[offset]) || slow[i]->closed_by_server())) {
          closed[i] = true;
          ++cut_off;
        }
      }
      if (cut_off == kSlowClients) {
        return;
      }
      tick += std::chrono::milliseconds(50);
      std::this_thread::sleep_until(tick);
    }
  });

  // Meanwhile a normal client is served, on fresh connections and on a kept one.
  HttpConnection normal(server.port());
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(normal.get("/healthz").status, 200u);
    EXPECT_EQ(get_once(server.port(), "/tasks").status, 200u);
  }
  EXPECT_GT(create_task(normal, make_phones(1)), 0);
  crowd.join();
  EXPECT_EQ(cut_off.load(), kSlowClients);
  EXPECT_EQ(get_once(server.port(), "/healthz").status, 200u);
}

}  // namespace
}  // namespace dialtrack::test
