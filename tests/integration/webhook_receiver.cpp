#include "webhook_receiver.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "support/process.hpp"

namespace dialtrack::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

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
  Impl(std::uint16_t port, std::optional<ReceiverTls> tls_files)
      : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)) {
    if (tls_files) {
      tls.emplace(asio::ssl::context::tls_server);
      tls->use_certificate_chain_file(tls_files->cert_file);
      tls->use_private_key_file(tls_files->key_file, asio::ssl::context::pem);
    }
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto socket = co_await acceptor.async_accept(asio::use_awaitable);
      if (tls) {
        asio::co_spawn(io, serve_tls(std::move(socket)), asio::detached);
      } else {
        asio::co_spawn(io, serve_plain(std::move(socket)), asio::detached);
      }
    }
  }

  asio::awaitable<void> serve_tls(tcp::socket socket) {
    asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls);
    boost::system::error_code ec;
    co_await stream.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      co_await serve(stream);
    }
  }

  asio::awaitable<void> serve_plain(tcp::socket socket) { co_await serve(socket); }

  template <typename Stream>
  asio::awaitable<void> serve(Stream& socket) {
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    boost::system::error_code ec;
    co_await http::async_read(socket, buffer, request,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      co_return;  // the client went away before sending a whole request
    }
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
      // Wait (without answering) until hold(false) cancels the timer or the receiver stops.
      asio::steady_timer release(io, std::chrono::hours(24));
      auto entry = held_timers.insert(held_timers.end(), &release);
      co_await release.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      held_timers.erase(entry);
      const std::lock_guard lock(mutex);
      --held_count;
      if (stopping) {
        co_return;
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
    co_await http::async_write(socket, response, asio::redirect_error(asio::use_awaitable, ec));
    {
      const std::lock_guard lock(mutex);
      log[index].answered = ec ? 0 : status;
    }
    changed.notify_all();
    boost::beast::get_lowest_layer(socket).shutdown(tcp::socket::shutdown_send, ec);
  }

  void release_held() {
    for (auto* timer : held_timers) {
      timer->cancel();
    }
  }

  asio::io_context io;
  tcp::acceptor acceptor;
  std::optional<asio::ssl::context> tls;
  std::thread thread;
  std::list<asio::steady_timer*> held_timers;  ///< only touched on the io thread

  mutable std::mutex mutex;
  std::condition_variable changed;
  std::vector<ReceivedRequest> log;
  int failures_left = 0;
  unsigned answer_status = 200;
  bool holding = false;
  std::size_t held_count = 0;
  bool stopping = false;
};

WebhookReceiver::WebhookReceiver(std::uint16_t port, std::optional<ReceiverTls> tls)
    : impl_(std::make_unique<Impl>(port, std::move(tls))) {
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] {
    try {
      impl_->io.run();
    } catch (const std::exception& e) {
      // A broken client connection ends its own coroutine; anything reaching here is a bug of
      // the receiver, and the test that uses it fails by its missing requests.
      std::fprintf(stderr, "webhook receiver stopped: %s\n", e.what());
    }
  });
}

WebhookReceiver::~WebhookReceiver() {
  {
    const std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  asio::post(impl_->io, [this] { impl_->release_held(); });
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t WebhookReceiver::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::string WebhookReceiver::url(std::string_view path) const {
  return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port()) +
         std::string(path);
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
    asio::post(impl_->io, [this] { impl_->release_held(); });
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
