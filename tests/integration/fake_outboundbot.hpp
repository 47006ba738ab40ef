#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/timeouts.hpp"
#include "webhook_receiver.hpp"

namespace dialtrack::test {

/// One call attempt the fake dialer knows (a row of SearchTask).
struct FakeAttempt {
  std::string task_id;  ///< the dialer's attempt id: dialtrack's call_id
  std::string job_id;
  std::string job_group_id;
  std::string called_number;
  std::string status;              ///< TaskStatusString, e.g. SucceededFinish, NoAnswer, Executing
  std::int64_t actual_time = 0;    ///< ms since the epoch
  std::int64_t call_duration = 0;  ///< ms
};

/// One request the fake got.
struct FakeRequest {
  std::map<std::string, std::string> params;  ///< decoded query parameters
  bool signature_ok = false;
  unsigned answered = 0;  ///< HTTP status, 0 while held or when never answered
  std::size_t rows = 0;   ///< SearchTaskInfoList items answered

  [[nodiscard]] std::string param(const std::string& name) const;
};

/// A fake Alibaba Cloud OutboundBot API for tests: a real HTTP server on 127.0.0.1 (Boost.Beast,
/// its own thread) that checks each request's RPC signature (HMAC-SHA1, computed here apart
/// from dialtrack's code) with its AccessKey pair and answers `SearchTask` with the documented
/// response shape, filtered by ActualTimeGte/ActualTimeLte, sorted by ActualTime and paged by
/// PageIndex/PageSize. It records every request and can throttle, fail, truncate, hold the
/// next answers, leave out their list, or order attempts of one millisecond differently on
/// every request.
class FakeOutboundBot {
 public:
  /// Speaks https with `tls` (see make_test_certificate), else plain http.
  FakeOutboundBot(std::string access_key_id, std::string access_key_secret, std::string instance_id,
                  std::optional<ReceiverTls> tls = std::nullopt);
  ~FakeOutboundBot();
  FakeOutboundBot(const FakeOutboundBot&) = delete;
  FakeOutboundBot& operator=(const FakeOutboundBot&) = delete;

  /// `http://127.0.0.1:<port>` (https:// with TLS).
  [[nodiscard]] std::string endpoint() const;

  /// Adds or replaces attempts (by task_id); their job groups become known.
  void put(const std::vector<FakeAttempt>& attempts);
  /// A job group the dialer knows, with no attempts yet.
  void add_job_group(const std::string& job_group_id);

  /// The next `count` requests are answered 400 Throttling.User with a rate-limit header.
  void throttle_next(int count);
  /// The next `count` requests are answered `status` with an error body.
  void fail_next(int count, unsigned status = 500);
  /// The next `count` answers are cut in the middle of their body (Content-Length kept).
  void truncate_next(int count);
  /// The `number`th request (0-based, counting every request the fake got) and all after it
  /// are held unanswered until hold_from_request(nullopt) or destruction.
  void hold_from_request(std::optional<std::size_t> number);
  /// The next `count` answers are HTTP 200 and `Success` but without `SearchTaskInfoList`.
  void omit_list_next(int count);
  /// On: every request sees the attempts of one ActualTime in a new random order (the API does
  /// not promise an order among them), as a dialer paging a changing index might.
  void shuffle_ties(bool on);

  [[nodiscard]] std::vector<FakeRequest> requests() const;
  [[nodiscard]] std::size_t held() const;
  /// Waits until `done(requests(), held())`; false when the deadline passed first.
  bool wait_until(const std::function<bool(const std::vector<FakeRequest>&, std::size_t)>& done,
                  std::chrono::milliseconds deadline = answer_deadline());

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// `count` attempts of job group `group`, one per phone, ActualTime from `first_time` one
/// second apart, status `status`, task ids `<group>-t<i>`.
std::vector<FakeAttempt> fake_attempts(const std::string& group,
                                       const std::vector<std::string>& phones,
                                       const std::string& status,
                                       std::int64_t first_time = 1'772'000'000'000);

}  // namespace dialtrack::test
