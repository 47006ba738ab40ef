#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace dialtrack::domain {

/// The events dialtrack announces to webhook subscribers. Their names are stored in the outbox
/// and in subscriptions, and sent in `X-Dialtrack-Event`.
namespace event {
/// Every status change of a task (1 -> 2, 2 -> 3, 3 -> 2, any -> 4).
inline constexpr std::string_view kStatusChanged = "task.status_changed";
/// A task entered 3 (calling complete); sent beside its `task.status_changed`.
inline constexpr std::string_view kCompleted = "task.completed";

inline constexpr std::array<std::string_view, 2> kAll{kCompleted, kStatusChanged};

[[nodiscard]] constexpr bool is_known(std::string_view name) {
  for (const auto known : kAll) {
    if (known == name) {
      return true;
    }
  }
  return false;
}
}  // namespace event

/// Longest webhook URL accepted.
inline constexpr std::size_t kMaxWebhookUrl = 2048;

/// A URL webhooks can be sent to: `http://` or `https://`, a host, no spaces or control
/// characters. (The sender parses it fully; this keeps obvious mistakes out at the door.)
[[nodiscard]] constexpr bool is_webhook_url(std::string_view url) {
  if (url.size() > kMaxWebhookUrl) {
    return false;
  }
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '\x7f') {
      return false;
    }
  }
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return false;
  }
  const auto host_end = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, host_end);
  const auto at = authority.rfind('@');
  const auto host_and_port = at == std::string_view::npos ? authority : authority.substr(at + 1);
  return !host_and_port.empty() && host_and_port.front() != ':';
}

}  // namespace dialtrack::domain
