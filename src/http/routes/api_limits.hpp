#pragma once

#include <cstdint>

namespace dialtrack::http {

/// Limits on what one API request may ask for.
struct ApiLimits {
  std::int64_t max_leads_per_request = 100'000;
  std::int64_t max_records_per_batch = 5'000;
  std::int64_t max_batch_check = 1'000;
  std::int64_t max_page_size = 1'000;
  /// Webhook URLs may name loopback, private and link-local addresses
  /// (`webhooks.allow_private_targets`).
  bool allow_private_webhook_targets = false;
};

}  // namespace dialtrack::http
