#pragma once

#include <atomic>
#include <cstdint>
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"

namespace dialtrack::test {

/// Pushes of call records, each on a connection of its own, written to the server at once and
/// answered on threads of their own: requests in flight while a test makes the database stop
/// answering, signals the server, and looks at what each of them got.
class RequestsInFlight {
 public:
  /// Sends `count` pushes of one record each to the task; returns once every push is written.
  RequestsInFlight(std::uint16_t port, std::int64_t task_id, const std::vector<std::string>& phones,
                   std::size_t count);
  ~RequestsInFlight();
  RequestsInFlight(const RequestsInFlight&) = delete;
  RequestsInFlight& operator=(const RequestsInFlight&) = delete;

  /// Waits for every answer (each connection has a generous deadline of its own) and returns
  /// them in order: an answer, or nothing with the reason in `errors()` when the connection was
  /// cut or no answer came.
  const std::vector<std::optional<Response>>& answers();
  [[nodiscard]] const std::vector<std::string>& errors() const { return errors_; }
  /// How many have their answer (or were cut) so far, without waiting.
  [[nodiscard]] std::size_t finished() const { return finished_.load(); }

 private:
  std::latch written_;
  std::atomic<std::size_t> finished_{0};
  std::vector<std::optional<Response>> answers_;
  std::vector<std::string> errors_;
  std::vector<std::jthread> threads_;
};

}  // namespace dialtrack::test
