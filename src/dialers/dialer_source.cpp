#include "dialers/dialer_source.hpp"

namespace dialtrack::dialers {

std::string_view failure_name(FetchFailure failure) {
  switch (failure) {
    case FetchFailure::kThrottled:
      return "throttled";
    case FetchFailure::kAuth:
      return "auth";
    case FetchFailure::kUnknownJobGroup:
      return "unknown_job_group";
    case FetchFailure::kNetwork:
      return "network";
    case FetchFailure::kMalformed:
      return "malformed";
    case FetchFailure::kServer:
      return "server";
  }
  return "unknown";
}

}  // namespace dialtrack::dialers
