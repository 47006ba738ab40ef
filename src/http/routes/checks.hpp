#pragma once

#include <optional>

#include "app/completion_service.hpp"
#include "http/router.hpp"
#include "http/routes/api_limits.hpp"

namespace dialtrack::http {

/// The completion check API: `POST /check_task_completion`, `GET .../{task_id}`, `POST .../batch`.
class CheckRoutes {
 public:
  CheckRoutes(app::CompletionService& completion, const ApiLimits& limits,
              metrics::Registry& metrics);

  Reply check_post(const RequestContext& ctx);
  Reply check_get(const RequestContext& ctx);
  /// `check_get` when a read that never blocks answers it (CompletionService::
  /// check_without_blocking); empty when `check_get` must run on a worker.
  std::optional<Reply> check_get_without_blocking(const RequestContext& ctx);
  Reply check_batch(const RequestContext& ctx);

 private:
  Reply check_one(std::int64_t task_id, Language lang);

  app::CompletionService& completion_;
  const ApiLimits& limits_;
  metrics::Counter& completed_by_manual_;
  metrics::Counter& completed_by_batch_;
};

/// `dialtrack_completions_total{trigger=...}`, shared by every place that completes tasks.
metrics::Counter& completions_counter(metrics::Registry& metrics, std::string_view trigger);

}  // namespace dialtrack::http
