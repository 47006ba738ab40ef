#pragma once

#include <chrono>
#include <string_view>

#include "domain/interface.hpp"
#include "domain/types.hpp"

namespace dialtrack::store_api {

using domain::Timestamp;

/// The leases port: named leases that let one instance at a time run a background job.
class LeaseStore : public domain::Interface {
 public:
  /// Takes or renews the named lease for `holder` until `now + ttl`; false while another holder
  /// has it. One sweep at a time across instances, and a crashed holder's lease runs out.
  virtual bool acquire_lease(std::string_view name, std::string_view holder, Timestamp now,
                             std::chrono::milliseconds ttl) = 0;
  /// Gives the lease up early, if `holder` still has it.
  virtual void release_lease(std::string_view name, std::string_view holder) = 0;
};

}  // namespace dialtrack::store_api
