#include "notify/http_webhook_sender.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <mutex>

#include "domain/address.hpp"
#include "net/http_client.hpp"

namespace dialtrack::notify {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// A receiver's answer body is not used; reading stops beyond this (the status is kept).
constexpr std::uint64_t kMaxAnswerBody = std::uint64_t{64} * 1024;

/// The connect filter of a sender that may reach public addresses only: keeps those, or says
/// which addresses the name had and why they are refused.
std::variant<std::vector<tcp::endpoint>, std::string> public_addresses(
    std::string_view host, std::span<const tcp::endpoint> resolved) {
  std::vector<tcp::endpoint> kept;
  std::string refused;
  for (const auto& endpoint : resolved) {
    const auto address = endpoint.address();
    const auto kind = address.is_v4() ? domain::classify_ipv4(address.to_v4().to_bytes())
                                      : domain::classify_ipv6(address.to_v6().to_bytes());
    if (kind == domain::AddressKind::kPublic) {
      kept.push_back(endpoint);
    } else if (refused.find(address.to_string()) == std::string::npos) {
      refused += (refused.empty() ? "" : ", ") + address.to_string() + " (" +
                 std::string(domain::address_kind_name(kind)) + ")";
    }
  }
  if (kept.empty()) {
    return "refused: " + std::string(host) + " resolves to " +
           (refused.empty() ? std::string("no address") : refused) +
           ", not a public address (webhooks.allow_private_targets is off)";
  }
  return kept;
}

net::ClientOptions client_options(const SenderOptions& options) {
  net::ClientOptions client;
  client.ca_file = options.ca_file;
  client.ca_file_setting = "webhooks.ca_file";
  client.max_answer_body = kMaxAnswerBody;
  if (!options.allow_private_targets) {
    client.connect_filter = public_addresses;
  }
  return client;
}

net::Request request_of(const app::WebhookPost& post, std::string target) {
  net::Request request;
  request.method = "POST";
  request.target = std::move(target);
  request.headers = {{"User-Agent", "dialtrack-webhook"}, {"Content-Type", "application/json"}};
  request.headers.insert(request.headers.end(), post.headers.begin(), post.headers.end());
  request.body = post.body;
  return request;
}

app::PostResult result_of(const std::exception_ptr& error, net::HttpOutcome outcome) {
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      return {std::nullopt, e.what()};
    }
  }
  if (const auto* answer = std::get_if<net::HttpAnswer>(&outcome)) {
    return {answer->status, {}};
  }
  auto& failure = std::get<net::HttpFailure>(outcome);
  if (failure.status) {
    // An answer that arrived counts, even if its body was not read in full.
    return {failure.status, {}};
  }
  return {std::nullopt, std::move(failure.message)};
}

}  // namespace

struct HttpWebhookSender::Impl {
  explicit Impl(const SenderOptions& options) : client(client_options(options)) {}

  /// An io_context for one batch, or null once cancelled. It is restarted under the lock, so a
  /// `cancel` either comes first (null) or stops the context after the restart.
  asio::io_context* acquire() {
    const std::lock_guard lock(mutex);
    if (cancelled) {
      return nullptr;
    }
    if (idle.empty()) {
      // One thread runs each context: no locking inside it.
      contexts.push_back(std::make_unique<asio::io_context>(1));
      idle.push_back(contexts.back().get());
    }
    auto* context = idle.back();
    idle.pop_back();
    context->restart();
    return context;
  }

  void release(asio::io_context* context) {
    const std::lock_guard lock(mutex);
    idle.push_back(context);
  }

  net::HttpClient client;
  std::mutex mutex;
  bool cancelled = false;
  // Kept across batches: a lookup left behind at a deadline completes in a later run, and a
  // context (with its resolver thread) is not built per batch.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::io_context*> idle;
};

HttpWebhookSender::HttpWebhookSender(const SenderOptions& options)
    : impl_(std::make_unique<Impl>(options)) {}

// A context cancelled in the middle of a batch still holds that batch's coroutines; they are
// destroyed unrun with it.
HttpWebhookSender::~HttpWebhookSender() = default;

void HttpWebhookSender::cancel() {
  const std::lock_guard lock(impl_->mutex);
  impl_->cancelled = true;
  for (const auto& context : impl_->contexts) {
    context->stop();
  }
}

std::vector<app::PostResult> HttpWebhookSender::send(std::span<const app::WebhookPost> posts,
                                                     std::chrono::milliseconds timeout) {
  std::vector<app::PostResult> results(posts.size());
  if (auto* context = impl_->acquire()) {
    std::size_t pending = 0;
    for (std::size_t i = 0; i < posts.size(); ++i) {
      auto location = net::Location::parse(posts[i].url);
      if (!location) {
        results[i].error = "not a valid http:// or https:// URL";
        continue;
      }
      ++pending;
      asio::co_spawn(
          *context,
          impl_->client.request(std::move(location->endpoint),
                                request_of(posts[i], std::move(location->target)), timeout),
          [&results, &pending, context, i](const std::exception_ptr& error,
                                           net::HttpOutcome outcome) {
            results[i] = result_of(error, std::move(outcome));
            // Lookups left behind at their deadline may still be queued: the batch
            // is done without them.
            if (--pending == 0) {
              context->stop();
            }
          });
    }
    // Returns when the last POST ended, or at once on `cancel`. After a cancel, the handlers
    // of unfinished steps stay queued: the context is never run again.
    if (pending > 0) {
      context->run();
    }
    impl_->release(context);
  }
  for (auto& result : results) {
    if (!result.status && result.error.empty()) {
      result.error = "cancelled: the service is stopping";
    }
  }
  return results;
}

}  // namespace dialtrack::notify
