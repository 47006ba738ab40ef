#include "support/event_stream.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cctype>
#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace dialtrack::test {
namespace {

using SteadyClock = std::chrono::steady_clock;

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

}  // namespace

boost::json::value SseEvent::json() const {
  return boost::json::parse(data);
}

boost::json::object SseEvent::object() const {
  return json().as_object();
}

EventStreamClient::EventStreamClient(std::uint16_t port, const Headers& headers,
                                     std::string_view target) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "socket");
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    throw std::system_error(errno, std::generic_category(), "connect");
  }
  std::string request = "GET " + std::string(target) +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
  for (const auto& [name, value] : headers) {
    request += name + ": " + value + "\r\n";
  }
  request += "\r\n";
  std::string_view left = request;
  while (!left.empty()) {
    const auto sent = ::send(fd_, left.data(), left.size(), MSG_NOSIGNAL);
    if (sent <= 0) {
      throw std::system_error(errno, std::generic_category(), "send");
    }
    left.remove_prefix(static_cast<std::size_t>(sent));
  }
  const auto deadline = SteadyClock::now() + answer_deadline();
  std::size_t end = std::string::npos;
  while ((end = raw_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) {
      throw std::runtime_error("GET /events: no response header in time; got: " + raw_);
    }
  }
  const std::string head = raw_.substr(0, end);
  raw_.erase(0, end + 4);
  const auto line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  status_ = static_cast<unsigned>(std::stoul(status_line.substr(status_line.find(' ') + 1)));
  std::size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
  while (at < head.size()) {
    auto next = head.find("\r\n", at);
    next = next == std::string::npos ? head.size() : next;
    const std::string line = head.substr(at, next - at);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      headers_.emplace_back(line.substr(0, colon), trim(line.substr(colon + 1)));
    }
    at = next + 2;
  }
  chunked_ = header("Transfer-Encoding").value_or("") == "chunked";
  if (status_ == 200) {
    dechunk();  // what came with the header
  } else {
    // An error envelope: read its declared length.
    const auto length = std::stoul(header("Content-Length").value_or("0"));
    while (raw_.size() < length && fill(deadline)) {
    }
    body_ = raw_;
    raw_.clear();
  }
}

EventStreamClient::~EventStreamClient() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

std::optional<std::string> EventStreamClient::header(std::string_view name) const {
  for (const auto& [key, value] : headers_) {
    if (same_name(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

bool EventStreamClient::fill(SteadyClock::time_point deadline) {
  if (ended_) {
    return false;
  }
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  if (left.count() <= 0) {
    return false;
  }
  pollfd entry{fd_, POLLIN, 0};
  const int ready = ::poll(&entry, 1, static_cast<int>(left.count()));
  if (ready < 0 && errno == EINTR) {
    return true;
  }
  if (ready <= 0) {
    return false;
  }
  char buffer[16384];
  const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
  if (n <= 0) {
    ended_ = true;
    return false;
  }
  raw_.append(buffer, static_cast<std::size_t>(n));
  if (status_ == 200) {
    dechunk();
  }
  return true;
}

void EventStreamClient::dechunk() {
  if (!chunked_) {
    text_ += raw_;
    raw_.clear();
    return;
  }
  while (true) {
    const auto line_end = raw_.find("\r\n");
    if (line_end == std::string::npos) {
      return;
    }
    const auto size = std::stoul(raw_.substr(0, line_end), nullptr, 16);
    if (raw_.size() < line_end + 2 + size + 2) {
      return;
    }
    if (size == 0) {
      ended_ = true;
      raw_.clear();
      return;
    }
    text_.append(raw_, line_end + 2, size);
    raw_.erase(0, line_end + 2 + size + 2);
  }
}

std::optional<SseEvent> EventStreamClient::next(std::chrono::milliseconds deadline) {
  const auto until = SteadyClock::now() + deadline;
  while (true) {
    // One event ends at a blank line; a block of comments alone is no event.
    std::size_t end = 0;
    while ((end = text_.find("\n\n")) != std::string::npos) {
      const std::string block = text_.substr(0, end);
      text_.erase(0, end + 2);
      SseEvent event;
      bool any = false;
      std::size_t at = 0;
      while (at <= block.size()) {
        auto next = block.find('\n', at);
        next = next == std::string::npos ? block.size() : next;
        const std::string line = block.substr(at, next - at);
        at = next + 1;
        if (line.empty()) {
          continue;
        }
        if (line.front() == ':') {
          ++comments_;
          continue;
        }
        const auto colon = line.find(':');
        const std::string field = line.substr(0, colon);
        std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') {
          value.erase(0, 1);
        }
        if (field == "id") {
          event.id = value;
        } else if (field == "event") {
          event.event = value;
          any = true;
        } else if (field == "data") {
          event.data += event.data.empty() ? value : "\n" + value;
          any = true;
        } else if (field == "retry") {
          event.retry = std::stoi(value);
        }
      }
      if (any) {
        return event;
      }
    }
    if (!fill(until)) {
      return std::nullopt;
    }
  }
}

std::vector<SseEvent> EventStreamClient::read_until(
    const std::function<bool(const SseEvent&)>& match, std::chrono::milliseconds deadline) {
  const auto until = SteadyClock::now() + deadline;
  std::vector<SseEvent> seen;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now());
    auto event = next(std::max(left, std::chrono::milliseconds(0)));
    if (!event) {
      std::string names;
      for (const auto& e : seen) {
        names += " " + e.event + (e.id.empty() ? "" : "#" + e.id) + "=" + e.data;
      }
      throw std::runtime_error("the awaited event did not come (" +
                               std::string(ended_ ? "the stream ended" : "deadline passed") +
                               "); events read:" + names);
    }
    seen.push_back(std::move(*event));
    if (match(seen.back())) {
      return seen;
    }
  }
}

bool EventStreamClient::wait_for_end(std::chrono::milliseconds deadline) {
  const auto until = SteadyClock::now() + deadline;
  while (!ended_) {
    if (!fill(until) && !ended_) {
      return false;
    }
  }
  return true;
}

}  // namespace dialtrack::test
