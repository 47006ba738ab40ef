#pragma once

#include <spdlog/logger.h>

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "http/readiness.hpp"
#include "http/router.hpp"

namespace dialtrack::http {

/// Readiness waits at most this long for the database's answer (docs/api.md promises 1 s).
inline constexpr std::chrono::milliseconds kReadinessWait{1'000};

/// The probes an orchestrator or a load balancer calls. Both run on the I/O thread (liveness
/// answers from memory, readiness waits for the database without holding the thread): they
/// answer while every worker waits for a stuck database.
class HealthRoutes {
 public:
  HealthRoutes(std::string backend, ReadinessProbe::Ping ping, std::shared_ptr<spdlog::logger> log);

  /// `GET /healthz`, liveness: the process serves HTTP; names the database backend and never
  /// touches it.
  Reply healthz(const RequestContext& ctx) const;
  /// `GET /readyz`, readiness: 200 when the database answered a trivial query within
  /// kReadinessWait, else 503.
  boost::asio::awaitable<Reply> readyz(const RequestContext& ctx);

 private:
  /// The 200 answer of both probes: `{"db": backend}`, its data written once.
  [[nodiscard]] Reply up(Language lang) const;

  std::string data_json_;
  ReadinessProbe probe_;
};

}  // namespace dialtrack::http
