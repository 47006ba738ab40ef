#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store_api/outbox.hpp"

/// How both backends store the webhook columns that are not plain values.
namespace dialtrack::storage::webhook_rows {

/// `webhooks.events`: the event names, comma-separated (names never contain commas).
inline std::string join_events(std::span<const std::string> events) {
  std::string out;
  for (const auto& event : events) {
    if (!out.empty()) {
      out += ',';
    }
    out += event;
  }
  return out;
}

inline std::vector<std::string> split_events(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

/// `webhook_deliveries.status`, as `store_api::delivery_status_name` writes it.
inline store_api::DeliveryStatus status_from_text(std::string_view text) {
  if (text == "delivered") {
    return store_api::DeliveryStatus::kDelivered;
  }
  return text == "failed" ? store_api::DeliveryStatus::kFailed
                          : store_api::DeliveryStatus::kPending;
}

}  // namespace dialtrack::storage::webhook_rows
