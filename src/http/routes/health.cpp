#include "http/routes/health.hpp"

#include "domain/json_text.hpp"
#include "http/outcomes.hpp"

namespace dialtrack::http {

HealthRoutes::HealthRoutes(std::string backend, ReadinessProbe::Ping ping,
                           std::shared_ptr<spdlog::logger> log)
    : data_json_(domain::json_text(boost::json::object{{"db", backend}})),
      probe_(std::move(ping), kReadinessWait, std::move(log)) {}

Reply HealthRoutes::up(Language lang) const {
  auto reply = ok(nullptr, text(Msg::kOk, lang));
  reply.data_json = data_json_;
  return reply;
}

Reply HealthRoutes::healthz(const RequestContext& ctx) const {
  return up(ctx.lang);
}

boost::asio::awaitable<Reply> HealthRoutes::readyz(const RequestContext& ctx) {
  const Language lang = ctx.lang;  // ctx is not used after the wait
  // The analyzer does not model coroutine frames and takes Asio's frame pointer as unset.
  // NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage)
  const bool ready = co_await probe_.ready();
  co_return ready ? up(lang) : not_ready(probe_.wait(), lang);
}

}  // namespace dialtrack::http
