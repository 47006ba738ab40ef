#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "support/http_client.hpp"

namespace dialtrack::test {

/// One Server-Sent Event as received (comments are not events).
struct SseEvent {
  std::string id;  ///< empty when the event had no `id:` field
  std::string event;
  std::string data;
  std::optional<int> retry;

  /// The data parsed as JSON; throws (failing the test) when it is not.
  [[nodiscard]] boost::json::value json() const;
  /// The data as a JSON object (a copy: bind it to a value, or use it within one expression).
  [[nodiscard]] boost::json::object object() const;
};

/// A client of `GET /events` on a connection of its own: the request goes out and the
/// response header is read in the constructor; events are then read one at a time, each read
/// with a deadline. A plain socket and our own dechunking, so the test sees the bytes the
/// server sends (no library of ours in between).
class EventStreamClient {
 public:
  explicit EventStreamClient(std::uint16_t port, const Headers& headers = {},
                             std::string_view target = "/events");
  ~EventStreamClient();
  EventStreamClient(const EventStreamClient&) = delete;
  EventStreamClient& operator=(const EventStreamClient&) = delete;

  [[nodiscard]] unsigned status() const { return status_; }
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
  /// The body, when the server answered something else than a stream (an error envelope).
  [[nodiscard]] const std::string& body_text() const { return body_; }

  /// The next event; std::nullopt when `deadline` passes first or the stream ends.
  std::optional<SseEvent> next(std::chrono::milliseconds deadline);
  /// Reads events until one satisfies `match`; returns all read, the matching one last. Fails
  /// the test (throws) when the deadline passes or the stream ends first.
  std::vector<SseEvent> read_until(const std::function<bool(const SseEvent&)>& match,
                                   std::chrono::milliseconds deadline);
  /// Comments (`: ...` lines) seen so far.
  [[nodiscard]] std::size_t comments() const { return comments_; }
  /// True once the server ended the stream (closed or sent its last chunk).
  [[nodiscard]] bool ended() const { return ended_; }
  /// Waits up to `deadline` for the stream to end: true when it did.
  bool wait_for_end(std::chrono::milliseconds deadline);

 private:
  /// Reads more bytes into the decoded text; false when the deadline passed or it ended.
  bool fill(std::chrono::steady_clock::time_point deadline);
  /// Moves what can be dechunked from raw_ to text_.
  void dechunk();

  int fd_ = -1;
  unsigned status_ = 0;
  Headers headers_;
  std::string body_;
  bool chunked_ = false;
  bool ended_ = false;
  std::string raw_;   ///< received, not dechunked yet
  std::string text_;  ///< dechunked, not parsed into events yet
  std::size_t comments_ = 0;
};

}  // namespace dialtrack::test
