#include "dialers/dialer_source.hpp"

#include "domain/enum_names.hpp"

namespace dialtrack::dialers {
namespace {

constexpr std::array<domain::EnumName<FetchFailure>, 6> kFailureNames{{
    {FetchFailure::kThrottled, "throttled"},
    {FetchFailure::kAuth, "auth"},
    {FetchFailure::kUnknownJobGroup, "unknown_job_group"},
    {FetchFailure::kNetwork, "network"},
    {FetchFailure::kMalformed, "malformed"},
    {FetchFailure::kServer, "server"},
}};
static_assert(domain::names_each_value(kFailureNames, FetchFailure::kThrottled,
                                       FetchFailure::kServer));

}  // namespace

std::string_view failure_name(FetchFailure failure) {
  return domain::name_of(kFailureNames, failure, "unknown");
}

}  // namespace dialtrack::dialers
