#include "support/http_client.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <cerrno>
#include <deque>
#include <limits>
#include <stdexcept>
#include <system_error>

#include "support/answer_log.hpp"
#include "support/timeouts.hpp"

namespace dialtrack::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

/// Waits until the socket is ready for `events` or the deadline passes (ec = timeout).
bool wait_ready(int fd, short events, SteadyClock::time_point deadline, beast::error_code& ec) {
  while (true) {
    const int left = remaining_ms(deadline);
    if (left == 0) {
      ec = beast::error::timeout;
      return false;
    }
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, left);
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready < 0) {
      ec = beast::error_code(errno, beast::system_category());
      return false;
    }
    if (ready > 0) {
      return true;  // readable, writable, or hung up: the read or write reports which
    }
  }
}

/// The socket seen through Beast's synchronous stream concepts, with a deadline on every
/// read_some and write_some (Asio's blocking calls ignore SO_RCVTIMEO).
class DeadlineStream {
 public:
  DeadlineStream(tcp::socket& socket, SteadyClock::time_point deadline)
      : socket_(socket), deadline_(deadline) {}

  template <typename MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, beast::error_code& ec) {
    if (!wait_ready(socket_.native_handle(), POLLIN, deadline_, ec)) {
      return 0;
    }
    return socket_.read_some(buffers, ec);
  }
  template <typename MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    beast::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) {
      throw beast::system_error(ec);
    }
    return n;
  }
  template <typename ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers, beast::error_code& ec) {
    if (!wait_ready(socket_.native_handle(), POLLOUT, deadline_, ec)) {
      return 0;
    }
    return socket_.write_some(buffers, ec);
  }
  template <typename ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers) {
    beast::error_code ec;
    const std::size_t n = write_some(buffers, ec);
    if (ec) {
      throw beast::system_error(ec);
    }
    return n;
  }

 private:
  tcp::socket& socket_;
  SteadyClock::time_point deadline_;
};

}  // namespace

std::optional<std::string> Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (equals_ignoring_case(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

const boost::json::object& Response::envelope() const {
  if (!is_json || !json.is_object()) {
    throw std::runtime_error("the answer is not a JSON envelope: " + describe());
  }
  return json.as_object();
}

const boost::json::value& Response::data() const {
  const auto& object = envelope();
  const auto* found = object.if_contains("data");
  if (found == nullptr) {
    throw std::runtime_error("the envelope has no data: " + describe());
  }
  return *found;
}

const boost::json::object& Response::data_object() const {
  const auto& value = data();
  if (!value.is_object()) {
    throw std::runtime_error("the envelope's data is not an object: " + describe());
  }
  return value.as_object();
}

std::string Response::message() const {
  const auto* found = envelope().if_contains("message");
  if (found == nullptr || !found->is_string()) {
    throw std::runtime_error("the envelope has no message string: " + describe());
  }
  return std::string(found->as_string());
}

std::string Response::describe() const {
  constexpr std::size_t kShown = 2000;
  std::string text = "HTTP " + std::to_string(status) + " " + body.substr(0, kShown);
  if (body.size() > kShown) {
    text += "... (" + std::to_string(body.size()) + " bytes)";
  }
  return text;
}

struct HttpConnection::Impl {
  asio::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;
  std::uint16_t port = 0;
  std::chrono::milliseconds timeout{};
  /// Method and target of each request sent and not yet answered, oldest first, so each answer
  /// read is logged with its request (support/answer_log.hpp).
  std::deque<std::pair<std::string, std::string>> unanswered;

  /// Notes the requests in bytes written as they are: each one whose head parses (its body may
  /// be cut short); bytes that are not HTTP end the scan.
  void note_raw_requests(std::string_view bytes) {
    while (!bytes.empty()) {
      http::request_parser<http::string_body> parser;
      parser.eager(true);
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      beast::error_code ec;
      const std::size_t used = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
      if (parser.is_header_done()) {
        const auto& head = parser.get();
        unanswered.emplace_back(std::string(head.method_string()), std::string(head.target()));
      }
      if (ec || !parser.is_done() || used == 0) {
        return;
      }
      bytes.remove_prefix(used);
    }
  }

  [[nodiscard]] SteadyClock::time_point deadline() const { return SteadyClock::now() + timeout; }
};

HttpConnection::HttpConnection(std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->timeout = timeout;
  // Connecting to loopback completes at once or is refused; no deadline is needed here.
  impl_->socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
  impl_->socket.set_option(tcp::no_delay(true));
}

HttpConnection::~HttpConnection() = default;
HttpConnection::HttpConnection(HttpConnection&&) noexcept = default;
HttpConnection& HttpConnection::operator=(HttpConnection&&) noexcept = default;

Response HttpConnection::request(std::string_view method, std::string_view target, std::string body,
                                 const Headers& headers) {
  http::request<http::string_body> req;
  const http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    req.method_string(method);
  } else {
    req.method(verb);
  }
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(impl_->port));
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    req.insert(name, value);
    has_content_type = has_content_type || equals_ignoring_case(name, "content-type");
  }
  const bool sends_body = !body.empty() || verb == http::verb::post || verb == http::verb::put ||
                          verb == http::verb::patch;
  if (sends_body && !has_content_type && !body.empty()) {
    req.set(http::field::content_type, "application/json");
  }
  req.body() = std::move(body);
  if (sends_body) {
    req.prepare_payload();
  }
  DeadlineStream stream(impl_->socket, impl_->deadline());
  http::write(stream, req);
  impl_->unanswered.emplace_back(std::string(method), std::string(target));
  return read_response();
}

Response HttpConnection::post(std::string_view target, const boost::json::value& body,
                              const Headers& headers) {
  return request("POST", target, boost::json::serialize(body), headers);
}

void HttpConnection::send_raw(std::string_view bytes) {
  impl_->note_raw_requests(bytes);
  DeadlineStream stream(impl_->socket, impl_->deadline());
  asio::write(stream, asio::buffer(bytes.data(), bytes.size()));
}

Response HttpConnection::send_raw_until_answer(std::string_view bytes) {
  impl_->note_raw_requests(bytes);
  const int fd = impl_->socket.native_handle();
  const auto deadline = impl_->deadline();
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    pollfd entry{fd, POLLIN | POLLOUT, 0};
    const int ready = ::poll(&entry, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      throw std::runtime_error("send_raw_until_answer: no progress before the deadline");
    }
    if ((entry.revents & (POLLIN | POLLERR | POLLHUP)) != 0) {
      break;  // the server answered or gave up on the rest of the body
    }
    const std::size_t chunk = std::min<std::size_t>(bytes.size() - sent, std::size_t{64} * 1024);
    const ssize_t wrote = ::send(fd, bytes.data() + sent, chunk, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (wrote < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        continue;
      }
      break;  // EPIPE or ECONNRESET: whatever answer arrived is still read below
    }
    sent += static_cast<std::size_t>(wrote);
  }
  return read_response();
}

Response HttpConnection::read_response() {
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  DeadlineStream stream(impl_->socket, impl_->deadline());
  http::read(stream, impl_->buffer, parser);
  auto& message = parser.get();

  Response response;
  response.status = message.result_int();
  for (const auto& field : message) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.keep_alive = message.keep_alive();
  response.body = std::move(message.body());
  boost::json::parse_options options;
  options.max_depth = 1000;  // our reader must not be the one to refuse deep documents
  boost::json::error_code ec;
  response.json = boost::json::parse(response.body, ec, {}, options);
  response.is_json = !ec;
  if (ec) {
    response.json = nullptr;
  }
  std::pair<std::string, std::string> request;
  if (!impl_->unanswered.empty()) {
    request = std::move(impl_->unanswered.front());
    impl_->unanswered.pop_front();
  }
  log_answer(request.first, request.second, response);
  return response;
}

bool HttpConnection::wait_for_close(std::chrono::milliseconds deadline) {
  impl_->buffer.consume(impl_->buffer.size());
  const auto until = SteadyClock::now() + deadline;
  DeadlineStream stream(impl_->socket, until);
  std::array<char, 4096> scratch{};
  while (true) {
    beast::error_code ec;
    stream.read_some(asio::buffer(scratch), ec);
    if (ec == beast::error::timeout) {
      return false;
    }
    if (ec) {
      return true;  // EOF or reset: the server closed
    }
  }
}

void HttpConnection::close() {
  beast::error_code ignored;
  impl_->socket.shutdown(tcp::socket::shutdown_both, ignored);
  impl_->socket.close(ignored);
}

Response get_once(std::uint16_t port, std::string_view target, const Headers& headers) {
  HttpConnection connection(port);
  return connection.get(target, headers);
}

}  // namespace dialtrack::test
