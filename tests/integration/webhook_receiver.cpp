#include "webhook_receiver.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "loopback_http_server.hpp"
#include "support/process.hpp"

namespace dialtrack::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;

std::string ReceivedRequest::header(const std::string& lower_case_name) const {
  const auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string{} : it->second;
}

ReceiverTls make_test_certificate(const std::string& dir) {
  ReceiverTls tls{dir + "/receiver-cert.pem", dir + "/receiver-key.pem"};
  const auto result =
      run_command({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                   "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                   "-keyout", tls.key_file, "-out", tls.cert_file});
  if (result.exit_code != 0) {
    throw std::runtime_error("openssl req failed: " + result.err);
  }
  return tls;
}

struct WebhookReceiver::Impl {
  using Request = LoopbackHttpServer::Request;
  using Reply = LoopbackHttpServer::Reply;

  Impl(std::uint16_t port, const std::optional<ReceiverTls>& tls)
      : server(
            port, tls, [this](Request request) { return handle(std::move(request)); },
            "webhook receiver") {}

  asio::awaitable<std::optional<Reply>> handle(Request request) {
    ReceivedRequest received;
    received.method = std::string(request.method_string());
    received.target = std::string(request.target());
    for (const auto& field : request) {
      std::string name(field.name_string());
      for (auto& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      received.headers[name] = std::string(field.value());
    }
    received.body = request.body();
    std::size_t index = 0;
    bool held_here = false;
    {
      const std::lock_guard lock(mutex);
      index = log.size();
      log.push_back(std::move(received));
      held_here = holding;
      held_count += held_here ? 1 : 0;
    }
    changed.notify_all();
    if (held_here) {
      // Wait (without answering) until hold(false) releases it or the receiver stops.
      const bool released = co_await server.hold();
      const std::lock_guard lock(mutex);
      --held_count;
      if (!released) {
        co_return std::nullopt;
      }
    }
    unsigned status = 200;
    {
      const std::lock_guard lock(mutex);
      if (failures_left > 0) {
        --failures_left;
        status = 500;
      } else {
        status = answer_status;
      }
    }
    http::response<http::string_body> response{static_cast<http::status>(status), 11};
    response.set(http::field::content_type, "text/plain");
    response.set(http::field::connection, "close");
    response.body() = "ok";
    response.prepare_payload();
    co_return Reply{LoopbackHttpServer::wire(response), [this, index, status](bool written) {
                      {
                        const std::lock_guard lock(mutex);
                        log[index].answered = written ? status : 0;
                      }
                      changed.notify_all();
                    }};
  }

  mutable std::mutex mutex;
  std::condition_variable changed;
  std::vector<ReceivedRequest> log;
  int failures_left = 0;
  unsigned answer_status = 200;
  bool holding = false;
  std::size_t held_count = 0;
  LoopbackHttpServer server;  ///< last: stopped (its thread joined) before the state above goes
};

WebhookReceiver::WebhookReceiver(std::uint16_t port, std::optional<ReceiverTls> tls)
    : impl_(std::make_unique<Impl>(port, tls)) {}

WebhookReceiver::~WebhookReceiver() = default;

std::uint16_t WebhookReceiver::port() const {
  return impl_->server.port();
}

std::string WebhookReceiver::url(std::string_view path) const {
  return impl_->server.url(path);
}

void WebhookReceiver::fail_next(int count) {
  const std::lock_guard lock(impl_->mutex);
  impl_->failures_left = count;
}

void WebhookReceiver::answer_with(unsigned status) {
  const std::lock_guard lock(impl_->mutex);
  impl_->answer_status = status;
}

void WebhookReceiver::hold(bool on) {
  {
    const std::lock_guard lock(impl_->mutex);
    impl_->holding = on;
  }
  if (!on) {
    impl_->server.release_held();
  }
}

std::vector<ReceivedRequest> WebhookReceiver::requests() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->log;
}

std::size_t WebhookReceiver::held() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->held_count;
}

bool WebhookReceiver::wait_until(
    const std::function<bool(const std::vector<ReceivedRequest>&, std::size_t)>& done,
    std::chrono::milliseconds deadline) {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, deadline,
                                 [&] { return done(impl_->log, impl_->held_count); });
}

bool WebhookReceiver::wait_for_successes(std::size_t count, std::chrono::milliseconds deadline) {
  return wait_until(
      [count](const std::vector<ReceivedRequest>& log, std::size_t) {
        std::size_t ok = 0;
        for (const auto& r : log) {
          ok += (r.answered >= 200 && r.answered < 300) ? 1 : 0;
        }
        return ok >= count;
      },
      deadline);
}

std::string hmac_sha256_hex(std::string_view secret, std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest.data(),
           &length) == nullptr) {
    throw std::runtime_error("HMAC failed");
  }
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

}  // namespace dialtrack::test
