#include "dialers/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <stdexcept>

namespace dialtrack::dialers {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

// A page of results is well under this; anything larger is refused rather than buffered.
constexpr std::uint64_t kMaxAnswerBody = std::uint64_t{64} * 1024 * 1024;

using Clock = std::chrono::steady_clock;

HttpFailure failure_of(const boost::system::error_code& ec, std::chrono::milliseconds timeout,
                       bool body_started) {
  if (ec == beast::error::timeout) {
    return {body_started, "no complete answer within " + std::to_string(timeout.count()) + " ms"};
  }
  if (ec == http::error::partial_message || (body_started && ec == net::error::eof)) {
    return {true, "the answer was cut short: " + ec.message()};
  }
  return {body_started, ec.message()};
}

template <typename Stream>
net::awaitable<HttpOutcome> exchange(Stream& stream, http::request<http::empty_body>& request,
                                     Clock::time_point deadline,
                                     std::chrono::milliseconds timeout) {
  boost::system::error_code ec;
  beast::get_lowest_layer(stream).expires_at(deadline);
  co_await http::async_write(stream, request, net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    co_return failure_of(ec, timeout, false);
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxAnswerBody);
  beast::get_lowest_layer(stream).expires_at(deadline);
  co_await http::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    co_return failure_of(ec, timeout, parser.is_header_done());
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

std::optional<Endpoint> Endpoint::parse(std::string_view url) {
  const auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    return std::nullopt;
  }
  const auto& u = *parsed;
  Endpoint e;
  if (u.scheme_id() == boost::urls::scheme::https) {
    e.tls = true;
  } else if (u.scheme_id() == boost::urls::scheme::http) {
    e.tls = false;
  } else {
    return std::nullopt;
  }
  e.host = u.host_address();
  if (e.host.empty() || u.has_query() || (!u.encoded_path().empty() && u.encoded_path() != "/")) {
    return std::nullopt;
  }
  e.port = u.has_port() ? std::string(u.port()) : (e.tls ? "443" : "80");
  e.host_header = u.encoded_host_and_port();
  return e;
}

struct HttpClient::Impl {
  explicit Impl(const std::string& ca_file) : tls(ssl::context::tls_client) {
    tls.set_default_verify_paths();
    if (!ca_file.empty()) {
      boost::system::error_code ec;
      tls.load_verify_file(ca_file, ec);
      if (ec) {
        throw std::runtime_error("dialers.ca_file " + ca_file +
                                 ": cannot load the certificates: " + ec.message());
      }
    }
  }
  ssl::context tls;
};

HttpClient::HttpClient(const std::string& ca_file) : impl_(std::make_unique<Impl>(ca_file)) {}

HttpClient::~HttpClient() = default;

HttpOutcome HttpClient::request(const Endpoint& endpoint, std::string_view method,
                                std::string_view target, std::chrono::milliseconds timeout) const {
  net::io_context ioc;
  const auto deadline = Clock::now() + timeout;
  http::request<http::empty_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, endpoint.host_header);
  request.set(http::field::user_agent, "dialtrack-dialer-sync");
  request.set(http::field::accept, "application/json");
  request.set(http::field::connection, "close");

  HttpOutcome outcome = HttpFailure{false, "not started"};
  auto run = [&]() -> net::awaitable<HttpOutcome> {
    boost::system::error_code ec;
    tcp::resolver resolver(ioc);
    beast::tcp_stream plain(ioc);
    plain.expires_at(deadline);
    // The resolver has no timeout of its own; the stream's deadline covers connect onwards.
    const auto addresses = co_await resolver.async_resolve(
        endpoint.host, endpoint.port, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      co_return HttpFailure{false, "cannot resolve " + endpoint.host + ": " + ec.message()};
    }
    co_await plain.async_connect(addresses, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      co_return HttpFailure{false, "cannot connect to " + endpoint.host_header + ": " +
                                       failure_of(ec, timeout, false).message};
    }
    if (!endpoint.tls) {
      co_return co_await exchange(plain, request, deadline, timeout);
    }
    beast::ssl_stream<beast::tcp_stream> secure(std::move(plain), impl_->tls);
    // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
    SSL_ctrl(secure.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(endpoint.host.c_str()));
    secure.set_verify_mode(ssl::verify_peer);
    secure.set_verify_callback(ssl::host_name_verification(endpoint.host));
    beast::get_lowest_layer(secure).expires_at(deadline);
    co_await secure.async_handshake(ssl::stream_base::client,
                                    net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      co_return HttpFailure{false, "TLS handshake with " + endpoint.host_header +
                                       " failed: " + failure_of(ec, timeout, false).message};
    }
    co_return co_await exchange(secure, request, deadline, timeout);
  };
  net::co_spawn(ioc, run(), [&](const std::exception_ptr& error, HttpOutcome result) {
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        outcome = HttpFailure{false, e.what()};
      }
    } else {
      outcome = std::move(result);
    }
  });
  ioc.run();
  return outcome;
}

}  // namespace dialtrack::dialers
