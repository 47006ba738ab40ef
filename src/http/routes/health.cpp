#include "http/routes/health.hpp"

namespace dialtrack::http {

Reply health(const RequestContext& ctx, std::string_view backend) {
  return ok(boost::json::object{{"db", backend}}, text(Msg::kOk, ctx.lang));
}

}  // namespace dialtrack::http
