#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "dialers/dialer_source.hpp"
#include "net/http_client.hpp"

namespace dialtrack::dialers {

/// An Alibaba Cloud Intelligent Outbound Bot account (API version 2019-12-26).
struct AlibabaOptions {
  std::string access_key_id;
  std::string access_key_secret;
  std::string instance_id;
  std::string region = "cn-shanghai";
  /// `https://host` or `http://host:port`; empty: `https://outboundbot.<region>.aliyuncs.com`.
  std::string endpoint;
  std::int64_t page_size = 100;
  std::chrono::milliseconds timeout{10'000};
  std::string ca_file;  ///< extra trusted CA certificates (PEM), beside the system's
};

/// The endpoint an account talks to: its own, or the documented public one of its region.
std::string alibaba_endpoint(const AlibabaOptions& options);

/// Lists a job group's call attempts with the RPC action `SearchTask` (one row per attempt,
/// with its TaskId), signed with the account's AccessKey (HMAC-SHA1, signature version 1.0),
/// sorted by the attempt's start time (`actualTime`, ascending) and paged by start time
/// (search_paging.hpp): each page starts at the latest start seen, the attempts of that
/// millisecond already delivered dropped by call_id. When the last page is read, the next pass
/// starts at the earliest attempt still `Executing` (its result is still to come), or else at
/// the latest start seen (only the attempts of that one millisecond are read again).
class AlibabaOutboundBot final : public DialerSource {
 public:
  /// Throws std::invalid_argument when the endpoint is not an http(s) URL.
  explicit AlibabaOutboundBot(AlibabaOptions options);
  ~AlibabaOutboundBot() override;

  [[nodiscard]] std::string account() const override;
  FetchOutcome fetch_page(std::string_view job_group_id, std::string_view cursor) override;

 private:
  AlibabaOptions options_;
  net::Endpoint endpoint_;
  net::HttpClient http_;
};

}  // namespace dialtrack::dialers
