#include "notify/webhook_client.hpp"

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <stdexcept>
#include <vector>

#include "domain/address.hpp"

namespace dialtrack::notify {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

// A receiver's answer body is not used; reading stops beyond this (the status is kept).
constexpr std::uint64_t kMaxAnswerBody = std::uint64_t{64} * 1024;

struct Target {
  bool tls = false;
  std::string host;         ///< for resolving and TLS (SNI, certificate name)
  std::string port;         ///< explicit or the scheme's default
  std::string host_header;  ///< host and port as written in the URL
  std::string path;         ///< path and query
};

std::optional<Target> parse_target(std::string_view url) {
  const auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    return std::nullopt;
  }
  const auto& u = *parsed;
  Target t;
  if (u.scheme_id() == boost::urls::scheme::https) {
    t.tls = true;
  } else if (u.scheme_id() != boost::urls::scheme::http) {
    return std::nullopt;
  }
  t.host = u.host_address();
  if (t.host.empty()) {
    return std::nullopt;
  }
  t.port = u.has_port() ? std::string(u.port()) : (t.tls ? "443" : "80");
  t.host_header = u.encoded_host_and_port();
  t.path = u.encoded_path();
  if (t.path.empty()) {
    t.path = "/";
  }
  if (u.has_query()) {
    t.path += "?" + std::string(u.encoded_query());
  }
  return t;
}

/// One POST in flight: resolve, connect, TLS handshake (https), write, read, each step started
/// by the completion of the one before, all on the client's io_context. A watchdog aborts the
/// step that is running when the deadline passes.
class Exchange {
 public:
  Exchange(net::io_context& ioc, ssl::context& tls, Target target, const Post& post,
           std::chrono::milliseconds timeout, bool allow_private_targets)
      : target_(std::move(target)),
        timeout_(timeout),
        allow_private_targets_(allow_private_targets),
        resolver_(ioc),
        watchdog_(ioc) {
    if (target_.tls) {
      secure_.emplace(ioc, tls);
    } else {
      plain_.emplace(ioc);
    }
    request_.method(http::verb::post);
    request_.target(target_.path);
    request_.version(11);
    request_.set(http::field::host, target_.host_header);
    request_.set(http::field::user_agent, "dialtrack-webhook");
    request_.set(http::field::content_type, "application/json");
    request_.set(http::field::connection, "close");
    for (const auto& [name, value] : post.headers) {
      request_.set(name, value);
    }
    request_.body() = post.body;
    request_.prepare_payload();
    parser_.body_limit(kMaxAnswerBody);
  }

  void start() {
    watchdog_.expires_after(timeout_);
    watchdog_.async_wait([this](boost::system::error_code ec) {
      if (!ec) {
        timed_out_ = true;
        resolver_.cancel();
        boost::system::error_code ignored;
        socket().close(ignored);
      }
    });
    resolver_.async_resolve(
        target_.host, target_.port,
        [this](boost::system::error_code ec, const tcp::resolver::results_type& r) {
          if (ec || timed_out_) {
            return finish(ec);
          }
          if (!vet(r)) {
            return finish({});
          }
          net::async_connect(
              socket(), endpoints_,
              [this](boost::system::error_code e, const tcp::endpoint&) { on_connect(e); });
        });
  }

  [[nodiscard]] PostResult& result() { return result_; }

 private:
  tcp::socket& socket() { return secure_ ? secure_->next_layer() : *plain_; }

  /// Keeps the resolved addresses the receiver may be reached at; false (with the refusal
  /// recorded) when none is left.
  bool vet(const tcp::resolver::results_type& resolved) {
    std::string refused;
    for (const auto& entry : resolved) {
      const auto endpoint = entry.endpoint();
      const auto address = endpoint.address();
      const auto kind = address.is_v4() ? domain::classify_ipv4(address.to_v4().to_bytes())
                                        : domain::classify_ipv6(address.to_v6().to_bytes());
      if (allow_private_targets_ || kind == domain::AddressKind::kPublic) {
        endpoints_.push_back(endpoint);
      } else if (refused.find(address.to_string()) == std::string::npos) {
        refused += (refused.empty() ? "" : ", ") + address.to_string() + " (" +
                   std::string(domain::address_kind_name(kind)) + ")";
      }
    }
    if (endpoints_.empty()) {
      refusal_ = "refused: " + target_.host + " resolves to " +
                 (refused.empty() ? std::string("no address") : refused) +
                 ", not a public address (webhooks.allow_private_targets is off)";
      return false;
    }
    return true;
  }

  void on_connect(boost::system::error_code ec) {
    if (ec || timed_out_) {
      return finish(ec);
    }
    if (!secure_) {
      return write(*plain_);
    }
    // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
    SSL_ctrl(secure_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(target_.host.c_str()));
    secure_->set_verify_mode(ssl::verify_peer);
    secure_->set_verify_callback(ssl::host_name_verification(target_.host));
    secure_->async_handshake(ssl::stream_base::client, [this](boost::system::error_code e) {
      if (e || timed_out_) {
        return finish(e);
      }
      write(*secure_);
    });
  }

  template <typename Stream>
  void write(Stream& stream) {
    http::async_write(stream, request_, [this, &stream](boost::system::error_code ec, std::size_t) {
      if (ec || timed_out_) {
        return finish(ec);
      }
      http::async_read(stream, buffer_, parser_,
                       [this](boost::system::error_code e, std::size_t) { finish(e); });
    });
  }

  /// Records the answer, or why there was none. A step that completes after the deadline
  /// (its completion was already queued) ends here too, so nothing outlives the watchdog.
  void finish(boost::system::error_code ec) {
    watchdog_.cancel();
    if (parser_.is_header_done()) {
      // An answer that arrived counts, even if its body was not read in full.
      result_.status = static_cast<int>(parser_.get().result_int());
    } else if (!refusal_.empty()) {
      result_.error = refusal_;
    } else if (timed_out_) {
      result_.error = "no answer within " + std::to_string(timeout_.count()) + " ms";
    } else {
      result_.error = ec ? ec.message() : "the connection ended without an answer";
    }
  }

  Target target_;
  std::chrono::milliseconds timeout_;
  bool allow_private_targets_;
  std::vector<tcp::endpoint> endpoints_;  ///< the vetted addresses, the only ones connected to
  std::string refusal_;
  http::request<http::string_body> request_;
  http::response_parser<http::string_body> parser_;
  boost::beast::flat_buffer buffer_;
  tcp::resolver resolver_;
  net::steady_timer watchdog_;
  std::optional<tcp::socket> plain_;
  std::optional<ssl::stream<tcp::socket>> secure_;
  bool timed_out_ = false;
  PostResult result_;
};

}  // namespace

struct WebhookClient::Impl {
  Impl(const std::string& ca_file, bool allow_private)
      : tls(ssl::context::tls_client), allow_private_targets(allow_private) {
    tls.set_default_verify_paths();
    if (!ca_file.empty()) {
      boost::system::error_code ec;
      tls.load_verify_file(ca_file, ec);
      if (ec) {
        throw std::runtime_error("webhooks.ca_file " + ca_file +
                                 ": cannot load the certificates: " + ec.message());
      }
    }
  }

  net::io_context ioc;
  ssl::context tls;
  bool allow_private_targets;
  std::atomic<bool> cancelled{false};
};

WebhookClient::WebhookClient(const std::string& ca_file, bool allow_private_targets)
    : impl_(std::make_unique<Impl>(ca_file, allow_private_targets)) {}

WebhookClient::~WebhookClient() = default;

void WebhookClient::cancel() {
  impl_->cancelled = true;
  impl_->ioc.stop();
}

std::vector<PostResult> WebhookClient::send(std::span<const Post> posts,
                                            std::chrono::milliseconds timeout) {
  std::vector<PostResult> results(posts.size());
  std::vector<std::unique_ptr<Exchange>> exchanges(posts.size());
  auto& ioc = impl_->ioc;
  ioc.restart();
  for (std::size_t i = 0; i < posts.size(); ++i) {
    const auto& post = posts[i];
    auto target = parse_target(post.url);
    if (!target) {
      results[i].error = "not a valid http:// or https:// URL";
      continue;
    }
    exchanges[i] = std::make_unique<Exchange>(ioc, impl_->tls, std::move(*target), post, timeout,
                                              impl_->allow_private_targets);
    exchanges[i]->start();
  }
  // cancel() stops the context; checking after restart() closes the gap where it came first.
  if (!impl_->cancelled) {
    ioc.run();
  }
  for (std::size_t i = 0; i < posts.size(); ++i) {
    if (exchanges[i]) {
      results[i] = std::move(exchanges[i]->result());
    }
    if (!results[i].status && results[i].error.empty()) {
      results[i].error = "cancelled: the service is stopping";
    }
  }
  // After a cancel, handlers of unfinished steps stay queued; the context is never run again
  // and drops them unrun when it is destroyed.
  return results;
}

}  // namespace dialtrack::notify
