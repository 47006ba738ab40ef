#pragma once

#include <optional>
#include <string>
#include <variant>

#include "app/completion_service.hpp"
#include "app/ingest_service.hpp"
#include "http/decoders.hpp"
#include "http/router.hpp"
#include "http/routes/api_limits.hpp"

namespace dialtrack::http {

/// `POST /outbound_call_records` (the dialer's pushes) and
/// `GET /task_followup_records/{task_id}` (a task's records after a completion check).
class RecordRoutes {
 public:
  RecordRoutes(app::IngestService& ingest, app::CompletionService& completion,
               const ApiLimits& limits, metrics::Registry& metrics);

  Reply ingest(const RequestContext& ctx);
  Reply followup(const RequestContext& ctx);
  /// `followup` on the I/O thread when one read that never blocks answers it
  /// (CompletionService::followup_without_blocking) and the page is among the first thousand
  /// records; empty when `followup` must answer.
  std::optional<Reply> followup_without_blocking(const RequestContext& ctx);

 private:
  app::IngestService& ingest_;
  app::CompletionService& completion_;
  const ApiLimits& limits_;
  metrics::Counter& accepted_;
  metrics::Counter& updated_;
  metrics::Counter& unchanged_;
  metrics::Counter& stale_;
  metrics::Counter& rejected_;
  metrics::Counter& completed_by_ingest_;
  metrics::Counter& completed_by_followup_;
};

}  // namespace dialtrack::http
