#include "net/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace dialtrack::net {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

using Clock = std::chrono::steady_clock;
using asio::redirect_error;
using asio::use_awaitable;

HttpFailure failure_of(const boost::system::error_code& ec, std::chrono::milliseconds timeout,
                       bool head_done) {
  if (ec == beast::error::timeout) {
    return {head_done, "no complete answer within " + std::to_string(timeout.count()) + " ms", {}};
  }
  if (ec == http::error::partial_message || (head_done && ec == asio::error::eof)) {
    return {true, "the answer was cut short: " + ec.message(), {}};
  }
  return {head_done, ec.message(), {}};
}

/// A name lookup the request stops waiting for at its deadline. getaddrinfo cannot be
/// interrupted, so the lookup runs on until the system resolver answers or gives up; its
/// completion then lands here, kept alive by the handler, where nobody reads it any more.
struct Lookup {
  explicit Lookup(const asio::any_io_executor& executor) : resolver(executor), wake(executor) {}
  tcp::resolver resolver;
  asio::steady_timer wake;  ///< expires at the deadline; cancelled when the lookup completes
  bool done = false;
  boost::system::error_code error;
  tcp::resolver::results_type results;
};

using Resolved = std::variant<std::vector<tcp::endpoint>, HttpFailure>;

/// The addresses of `endpoint`, by its deadline. An IP address needs no lookup (and no trip
/// through Asio's resolver thread).
asio::awaitable<Resolved> resolve(const Endpoint& endpoint, Clock::time_point deadline,
                                  std::chrono::milliseconds timeout) {
  boost::system::error_code ec;
  const auto literal = asio::ip::make_address(endpoint.host, ec);
  unsigned short port = 0;
  const auto* port_end = endpoint.port.data() + endpoint.port.size();
  if (!ec && std::from_chars(endpoint.port.data(), port_end, port).ptr == port_end) {
    co_return std::vector<tcp::endpoint>{tcp::endpoint(literal, port)};
  }
  auto lookup = std::make_shared<Lookup>(co_await asio::this_coro::executor);
  lookup->wake.expires_at(deadline);
  lookup->resolver.async_resolve(
      endpoint.host, endpoint.port,
      [lookup](const boost::system::error_code& error, tcp::resolver::results_type results) {
        lookup->done = true;
        lookup->error = error;
        lookup->results = std::move(results);
        lookup->wake.cancel();
      });
  co_await lookup->wake.async_wait(redirect_error(use_awaitable, ec));
  if (!lookup->done) {
    lookup->resolver.cancel();
    co_return HttpFailure{false,
                          ec ? "cancelled: " + ec.message()
                             : "cannot resolve " + endpoint.host + " within " +
                                   std::to_string(timeout.count()) + " ms",
                          {}};
  }
  if (lookup->error) {
    co_return HttpFailure{
        false, "cannot resolve " + endpoint.host + ": " + lookup->error.message(), {}};
  }
  std::vector<tcp::endpoint> addresses;
  for (const auto& entry : lookup->results) {
    addresses.push_back(entry.endpoint());
  }
  co_return addresses;
}

http::request<http::string_body> message_of(const Endpoint& endpoint, Request&& request) {
  http::request<http::string_body> message;
  message.method_string(request.method);
  message.target(request.target);
  message.version(11);
  message.set(http::field::host, endpoint.host_header);
  for (const auto& [name, value] : request.headers) {
    message.set(name, value);
  }
  message.set(http::field::connection, "close");
  message.body() = std::move(request.body);
  message.prepare_payload();
  return message;
}

/// Writes the request and reads the answer on a connected (and for https, handshaken) stream.
template <typename Stream>
asio::awaitable<HttpOutcome> exchange(Stream& stream, http::request<http::string_body>& request,
                                      Clock::time_point deadline, std::chrono::milliseconds timeout,
                                      std::uint64_t max_body) {
  boost::system::error_code ec;
  beast::get_lowest_layer(stream).expires_at(deadline);
  co_await http::async_write(stream, request, redirect_error(use_awaitable, ec));
  if (ec) {
    co_return failure_of(ec, timeout, false);
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_body);
  beast::get_lowest_layer(stream).expires_at(deadline);
  co_await http::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));
  if (ec) {
    auto failure = failure_of(ec, timeout, parser.is_header_done());
    if (parser.is_header_done()) {
      failure.status = static_cast<int>(parser.get().result_int());
    }
    co_return failure;
  }
  HttpAnswer answer;
  auto& response = parser.get();
  answer.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (auto& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    answer.headers[name] = std::string(field.value());
  }
  answer.body = std::move(response.body());
  co_return answer;
}

}  // namespace

struct HttpClient::Impl {
  explicit Impl(ClientOptions o) : options(std::move(o)), tls(ssl::context::tls_client) {
    tls.set_default_verify_paths();
    if (!options.ca_file.empty()) {
      boost::system::error_code ec;
      tls.load_verify_file(options.ca_file, ec);
      if (ec) {
        throw std::runtime_error(options.ca_file_setting + " " + options.ca_file +
                                 ": cannot load the certificates: " + ec.message());
      }
    }
  }
  ClientOptions options;
  // Only read once built (OpenSSL locks what it shares), so concurrent requests may use it.
  ssl::context tls;
};

HttpClient::HttpClient(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpClient::~HttpClient() = default;

asio::awaitable<HttpOutcome> HttpClient::request(Endpoint endpoint, Request request,
                                                 std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  auto message = message_of(endpoint, std::move(request));
  auto resolved = co_await resolve(endpoint, deadline, timeout);
  if (auto* failure = std::get_if<HttpFailure>(&resolved)) {
    co_return std::move(*failure);
  }
  auto addresses = std::get<std::vector<tcp::endpoint>>(std::move(resolved));
  if (impl_->options.connect_filter) {
    auto vetted = impl_->options.connect_filter(endpoint.host, addresses);
    if (auto* refusal = std::get_if<std::string>(&vetted)) {
      co_return HttpFailure{false, std::move(*refusal), {}};
    }
    addresses = std::get<std::vector<tcp::endpoint>>(std::move(vetted));
  }

  boost::system::error_code ec;
  beast::tcp_stream plain(co_await asio::this_coro::executor);
  plain.expires_at(deadline);
  co_await plain.async_connect(addresses, redirect_error(use_awaitable, ec));
  if (ec) {
    co_return HttpFailure{
        false,
        "cannot connect to " + endpoint.host_header + ": " + failure_of(ec, timeout, false).message,
        {}};
  }
  const auto max_body = impl_->options.max_answer_body;
  if (!endpoint.tls) {
    co_return co_await exchange(plain, message, deadline, timeout, max_body);
  }
  beast::ssl_stream<beast::tcp_stream> secure(std::move(plain), impl_->tls);
  // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
  SSL_ctrl(secure.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
           const_cast<char*>(endpoint.host.c_str()));
  secure.set_verify_mode(ssl::verify_peer);
  secure.set_verify_callback(ssl::host_name_verification(endpoint.host));
  beast::get_lowest_layer(secure).expires_at(deadline);
  co_await secure.async_handshake(ssl::stream_base::client, redirect_error(use_awaitable, ec));
  if (ec) {
    co_return HttpFailure{false,
                          "TLS handshake with " + endpoint.host_header +
                              " failed: " + failure_of(ec, timeout, false).message,
                          {}};
  }
  co_return co_await exchange(secure, message, deadline, timeout, max_body);
}

HttpOutcome HttpClient::request_blocking(const Endpoint& endpoint, const Request& request,
                                         std::chrono::milliseconds timeout) const {
  asio::io_context ioc;
  HttpOutcome outcome = HttpFailure{false, "not started", {}};
  asio::co_spawn(ioc, this->request(endpoint, request, timeout),
                 [&](const std::exception_ptr& error, HttpOutcome result) {
                   if (error) {
                     try {
                       std::rethrow_exception(error);
                     } catch (const std::exception& e) {
                       outcome = HttpFailure{false, e.what(), {}};
                     }
                   } else {
                     outcome = std::move(result);
                   }
                   // A lookup left behind is no reason to stay in run().
                   ioc.stop();
                 });
  ioc.run();
  return outcome;
}

}  // namespace dialtrack::net
