// The service's HTTP(S) client (src/net) against a real loopback server: the answer as the
// callers read it, one deadline for the whole request, cut and oversized answers, the connect
// filter (it refuses, or picks the address actually connected to), https verified against a CA
// file, and several awaitable requests at once on one io_context.
#include "net/http_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http.hpp>
#include <mutex>

#include "loopback_http_server.hpp"
#include "support/temp_dir.hpp"

namespace dialtrack::test {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using std::chrono::milliseconds;
using Reply = LoopbackHttpServer::Reply;

constexpr milliseconds kAmple{10'000};

/// A loopback server whose answers the test chooses, and what it was asked.
class Server {
 public:
  /// `answer` gives the wire of the reply (nothing: hold the request until the server stops).
  explicit Server(
      std::function<std::optional<std::string>(const LoopbackHttpServer::Request&)> answer,
      const std::optional<ReceiverTls>& tls = std::nullopt)
      : answer_(std::move(answer)),
        server_(
            0, tls,
            [this](LoopbackHttpServer::Request request) -> asio::awaitable<std::optional<Reply>> {
              {
                const std::lock_guard lock(mutex_);
                requests_.push_back(request);
              }
              auto wire = answer_(request);
              if (!wire) {
                co_await server_.hold();
                co_return std::nullopt;
              }
              co_return Reply{std::move(*wire), {}};
            },
            "test server") {}

  [[nodiscard]] net::Endpoint endpoint() const { return *net::Endpoint::parse(server_.url()); }
  [[nodiscard]] std::uint16_t port() const { return server_.port(); }
  [[nodiscard]] std::vector<LoopbackHttpServer::Request> requests() const {
    const std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  std::function<std::optional<std::string>(const LoopbackHttpServer::Request&)> answer_;
  mutable std::mutex mutex_;
  std::vector<LoopbackHttpServer::Request> requests_;
  LoopbackHttpServer server_;  ///< last: its thread stops before the state above goes
};

std::string reply(unsigned status, std::string_view body, std::string_view extra_headers = {}) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\n" + std::string(extra_headers) +
         "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
         std::string(body);
}

TEST(HttpClientTest, AnAnswerHasItsStatusLowerCaseHeadersAndBody) {
  Server server([](const auto&) { return reply(201, "{\"ok\":1}", "X-Rate-Limit: 7\r\n"); });
  const net::HttpClient client;
  const auto outcome = client.request_blocking(
      server.endpoint(),
      {.method = "POST", .target = "/a?b=c", .headers = {{"X-Mine", "1"}}, .body = "hello"},
      kAmple);
  ASSERT_TRUE(std::holds_alternative<net::HttpAnswer>(outcome));
  const auto& answer = std::get<net::HttpAnswer>(outcome);
  EXPECT_EQ(answer.status, 201);
  EXPECT_EQ(answer.headers.at("x-rate-limit"), "7");
  EXPECT_EQ(answer.body, "{\"ok\":1}");

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method(), http::verb::post);
  EXPECT_EQ(requests[0].target(), "/a?b=c");
  EXPECT_EQ(requests[0][http::field::host], "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(requests[0]["X-Mine"], "1");
  EXPECT_EQ(requests[0].body(), "hello");
}

TEST(HttpClientTest, OneDeadlineEndsARequestLeftUnanswered) {
  Server server([](const auto&) { return std::nullopt; });
  const net::HttpClient client;
  const auto started = std::chrono::steady_clock::now();
  const auto outcome = client.request_blocking(server.endpoint(), {}, milliseconds{300});
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(std::holds_alternative<net::HttpFailure>(outcome));
  const auto& failure = std::get<net::HttpFailure>(outcome);
  EXPECT_FALSE(failure.truncated);
  EXPECT_FALSE(failure.status);
  EXPECT_NE(failure.message.find("within 300 ms"), std::string::npos) << failure.message;
  EXPECT_GE(took, milliseconds{300});
  EXPECT_LT(took, milliseconds{5'000});
}

TEST(HttpClientTest, ACutBodyIsTruncatedAndKeepsTheStatus) {
  Server server([](const auto&) {
    return std::string("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
  });
  const net::HttpClient client;
  const auto outcome = client.request_blocking(server.endpoint(), {}, kAmple);
  ASSERT_TRUE(std::holds_alternative<net::HttpFailure>(outcome));
  const auto& failure = std::get<net::HttpFailure>(outcome);
  EXPECT_TRUE(failure.truncated);
  EXPECT_EQ(failure.status, 200);
}

TEST(HttpClientTest, ABodyBeyondTheLimitIsRefusedWithItsStatus) {
  Server server([](const auto&) { return reply(503, std::string(100, 'x')); });
  const net::HttpClient client({.max_answer_body = 10});
  const auto outcome = client.request_blocking(server.endpoint(), {}, kAmple);
  ASSERT_TRUE(std::holds_alternative<net::HttpFailure>(outcome));
  EXPECT_TRUE(std::get<net::HttpFailure>(outcome).truncated);
  EXPECT_EQ(std::get<net::HttpFailure>(outcome).status, 503);
}

TEST(HttpClientTest, AConnectFilterRefusalConnectsNowhere) {
  Server server([](const auto&) { return reply(200, ""); });
  const net::HttpClient client(
      {.connect_filter = [](std::string_view host, std::span<const asio::ip::tcp::endpoint>)
           -> std::variant<std::vector<asio::ip::tcp::endpoint>, std::string> {
        return "refused: " + std::string(host);
      }});
  const auto outcome = client.request_blocking(server.endpoint(), {}, kAmple);
  ASSERT_TRUE(std::holds_alternative<net::HttpFailure>(outcome));
  EXPECT_EQ(std::get<net::HttpFailure>(outcome).message, "refused: 127.0.0.1");
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpClientTest, TheConnectionGoesToTheAddressTheFilterKept) {
  Server server([](const auto&) { return reply(204, ""); });
  const auto port = server.port();
  // The name resolves to port 1 (nothing listens there); the filter sends it to the server.
  const net::HttpClient client(
      {.connect_filter = [port](std::string_view, std::span<const asio::ip::tcp::endpoint>)
           -> std::variant<std::vector<asio::ip::tcp::endpoint>, std::string> {
        return std::vector{asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)};
      }});
  const auto outcome =
      client.request_blocking(*net::Endpoint::parse("http://localhost:1"), {}, kAmple);
  ASSERT_TRUE(std::holds_alternative<net::HttpAnswer>(outcome));
  EXPECT_EQ(std::get<net::HttpAnswer>(outcome).status, 204);
  EXPECT_EQ(server.requests().at(0)[http::field::host], "localhost:1");
}

TEST(HttpClientTest, HttpsIsVerifiedAgainstTheCaFile) {
  TempDir certificates;
  const auto tls = make_test_certificate(certificates.path().string());
  Server server([](const auto&) { return reply(200, "secure"); }, tls);
  const auto endpoint = server.endpoint();
  ASSERT_TRUE(endpoint.tls);

  const net::HttpClient trusting({.ca_file = tls.cert_file});
  const auto answered = trusting.request_blocking(endpoint, {}, kAmple);
  ASSERT_TRUE(std::holds_alternative<net::HttpAnswer>(answered));
  EXPECT_EQ(std::get<net::HttpAnswer>(answered).body, "secure");

  const net::HttpClient system_roots_only;
  const auto refused = system_roots_only.request_blocking(endpoint, {}, kAmple);
  ASSERT_TRUE(std::holds_alternative<net::HttpFailure>(refused));
  EXPECT_NE(std::get<net::HttpFailure>(refused).message.find("certificate"), std::string::npos)
      << std::get<net::HttpFailure>(refused).message;
}

TEST(HttpClientTest, AnUnreadableCaFileNamesItsSetting) {
  try {
    const net::HttpClient client({.ca_file = "/nonexistent/ca.pem", .ca_file_setting = "x.ca"});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("x.ca /nonexistent/ca.pem"), std::string::npos)
        << e.what();
  }
}

TEST(HttpClientTest, AwaitableRequestsRunTogetherOnOneContext) {
  Server slow([](const auto&) { return std::nullopt; });
  Server fast([](const auto& request) { return reply(200, std::string(request.target())); });
  const net::HttpClient client;
  asio::io_context io;
  std::vector<net::HttpOutcome> outcomes(3);
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    // The first waits on a server that never answers; the others are not held up by it.
    const auto endpoint = i == 0 ? slow.endpoint() : fast.endpoint();
    asio::co_spawn(io,
                   client.request(endpoint, {.target = "/" + std::to_string(i)},
                                  i == 0 ? milliseconds{500} : kAmple),
                   [&outcomes, i](const std::exception_ptr&, net::HttpOutcome outcome) {
                     outcomes[i] = std::move(outcome);
                   });
  }
  io.run();
  ASSERT_TRUE(std::holds_alternative<net::HttpFailure>(outcomes[0]));
  for (std::size_t i = 1; i < outcomes.size(); ++i) {
    ASSERT_TRUE(std::holds_alternative<net::HttpAnswer>(outcomes[i])) << i;
    EXPECT_EQ(std::get<net::HttpAnswer>(outcomes[i]).body, "/" + std::to_string(i));
  }
}

TEST(HttpClientTest, UrlsSplitIntoEndpointAndTarget) {
  const auto location = net::Location::parse("https://[::1]:8443/hook?x=1");
  ASSERT_TRUE(location);
  EXPECT_TRUE(location->endpoint.tls);
  EXPECT_EQ(location->endpoint.host, "::1");
  EXPECT_EQ(location->endpoint.port, "8443");
  EXPECT_EQ(location->endpoint.host_header, "[::1]:8443");
  EXPECT_EQ(location->target, "/hook?x=1");
  EXPECT_EQ(net::Location::parse("http://example.com")->target, "/");
  EXPECT_EQ(net::Location::parse("http://example.com")->endpoint.port, "80");
  EXPECT_FALSE(net::Location::parse("ftp://example.com/"));
  EXPECT_FALSE(net::Location::parse("http://example.com/#part"));
  EXPECT_TRUE(net::Endpoint::parse("https://dialer.example.com/"));
  EXPECT_FALSE(net::Endpoint::parse("https://dialer.example.com/api"));
  EXPECT_FALSE(net::Endpoint::parse("https://dialer.example.com/?a=b"));
}

}  // namespace
}  // namespace dialtrack::test
