#include "storage/postgres/pg_task_changes.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/logger.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace dialtrack::storage::postgres {

namespace {

using Clock = std::chrono::steady_clock;
using domain::TaskId;

/// NOTIFY refuses payloads of 8000 bytes and more.
constexpr std::size_t kPayloadLimit = 7'000;
/// How long a statement of this connection may wait for its answer.
constexpr std::chrono::milliseconds kStatementDeadline{5'000};
/// A connection quiet this long is asked a trivial question: a silent break shows up.
constexpr std::chrono::milliseconds kIdleCheck{30'000};
constexpr std::chrono::milliseconds kRetry{1'000};

std::string one_line(const char* message) {
  std::string text(message != nullptr ? message : "");
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  for (auto& c : text) {
    c = c == '\n' ? ' ' : c;
  }
  return text;
}

/// The ids as comma-separated payloads, each below NOTIFY's limit.
std::vector<std::string> payloads(const std::set<TaskId>& ids) {
  std::vector<std::string> out(1);
  for (const auto id : ids) {
    auto text = std::to_string(id);
    if (out.back().size() + text.size() + 1 > kPayloadLimit) {
      out.emplace_back();
    }
    if (!out.back().empty()) {
      out.back() += ',';
    }
    out.back() += text;
  }
  return out;
}

/// The ids of a payload; anything that is not a positive id is skipped.
void parse_ids(std::string_view payload, std::vector<TaskId>& out) {
  while (!payload.empty()) {
    const auto comma = payload.find(',');
    const auto part = payload.substr(0, comma);
    TaskId id = 0;
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), id);
    if (error == std::errc() && end == part.data() + part.size() && id > 0) {
      out.push_back(id);
    }
    payload = comma == std::string_view::npos ? std::string_view() : payload.substr(comma + 1);
  }
}

/// Waits until `fd` (none when negative) is readable or `timeout` passes; true when readable.
/// `wake_fd`, when readable, also ends the wait (and is drained).
bool wait_readable(int fd, int wake_fd, std::chrono::milliseconds timeout) {
  std::array<pollfd, 2> entries{pollfd{fd, POLLIN, 0}, pollfd{wake_fd, POLLIN, 0}};
  const int ready = ::poll(entries.data(), entries.size(), static_cast<int>(timeout.count()));
  if (ready < 0 && errno != EINTR) {
    throw std::system_error(errno, std::generic_category(), "poll");
  }
  if ((entries[1].revents & POLLIN) != 0) {
    std::uint64_t count = 0;
    static_cast<void>(::read(wake_fd, &count, sizeof count));
  }
  return ready > 0 && (entries[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

/// Runs one statement and waits for its answer within kStatementDeadline; throws
/// std::runtime_error when it fails or the connection does.
void run(PGconn* conn, const char* sql, const std::vector<const char*>& values = {}) {
  if (PQsendQueryParams(conn, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                        nullptr, 0) == 0) {
    throw std::runtime_error(one_line(PQerrorMessage(conn)));
  }
  const auto deadline = Clock::now() + kStatementDeadline;
  while (PQisBusy(conn) != 0) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      throw std::runtime_error("no answer within 5 s");
    }
    pollfd entry{PQsocket(conn), POLLIN, 0};
    if (::poll(&entry, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) {
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    if (PQconsumeInput(conn) == 0) {
      throw std::runtime_error(one_line(PQerrorMessage(conn)));
    }
  }
  std::string error;
  while (PGresult* result = PQgetResult(conn)) {
    const auto status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      error = one_line(PQresultErrorMessage(result));
    }
    PQclear(result);
  }
  if (!error.empty()) {
    throw std::runtime_error(error);
  }
}

}  // namespace

struct PgTaskChanges::Session {
  explicit Session(PGconn* c) : conn(c) {}
  ~Session() { PQfinish(conn); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&&) = delete;
  Session& operator=(Session&&) = delete;

  PGconn* conn;
};

PgTaskChanges::PgTaskChanges(std::string url, Heard heard, Lost lost,
                             std::shared_ptr<spdlog::logger> log)
    : url_(std::move(url)),
      heard_(std::move(heard)),
      lost_(std::move(lost)),
      log_(std::move(log)),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (wake_fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "eventfd");
  }
  thread_ = std::thread([this] { loop(); });
}

PgTaskChanges::~PgTaskChanges() {
  stopping_ = true;
  wake();
  thread_.join();
  ::close(wake_fd_);
}

void PgTaskChanges::wake() const {
  const std::uint64_t one = 1;
  static_cast<void>(::write(wake_fd_, &one, sizeof one));
}

void PgTaskChanges::changed(std::span<const TaskId> task_ids) {
  if (task_ids.empty()) {
    return;
  }
  {
    const std::lock_guard lock(mutex_);
    queued_.insert(task_ids.begin(), task_ids.end());
  }
  wake();
}

void PgTaskChanges::loop() {
  bool listened_before = false;
  bool failing = false;
  while (!stopping_) {
    // A connect that gets no answer gives up after connect_timeout, so stopping waits that
    // long at most.
    const std::array<const char*, 7> keywords{"application_name",
                                              "keepalives",
                                              "keepalives_idle",
                                              "keepalives_interval",
                                              "connect_timeout",
                                              "dbname",
                                              nullptr};
    const std::array<const char*, 7> values{"dialtrack-events", "1",    "30", "10", "5",
                                            url_.c_str(),       nullptr};
    Session session(PQconnectdbParams(keywords.data(), values.data(), 1));
    try {
      if (session.conn == nullptr || PQstatus(session.conn) != CONNECTION_OK) {
        throw std::runtime_error(one_line(PQerrorMessage(session.conn)));
      }
      run(session.conn, "LISTEN dialtrack_task_changes");
      if (failing) {
        log_->info("live events: listening to the other instances' changes again");
      }
      failing = false;
      if (listened_before) {
        lost_();  // what the others sent while this connection was gone was not heard
      }
      listened_before = true;
      serve(session);
    } catch (const std::exception& e) {
      if (!failing && !stopping_) {
        log_->warn(
            "live events: the other instances' changes are not heard (retrying every second): "
            "{}",
            e.what());
      }
      failing = true;
    }
    if (!stopping_ && failing) {
      wait_readable(-1, wake_fd_, kRetry);
    }
  }
}

void PgTaskChanges::serve(Session& session) {
  PGconn* conn = session.conn;
  const std::string channel = kChannel;
  auto deliver = [&] {
    std::vector<TaskId> ids;
    while (PGnotify* notification = PQnotifies(conn)) {
      parse_ids(notification->extra != nullptr ? notification->extra : "", ids);
      PQfreemem(notification);
    }
    if (!ids.empty()) {
      heard_(ids);
    }
  };
  while (!stopping_) {
    std::set<TaskId> ids;
    {
      const std::lock_guard lock(mutex_);
      ids.swap(queued_);
    }
    if (!ids.empty()) {
      try {
        for (const auto& payload : payloads(ids)) {
          run(conn, "SELECT pg_notify($1, $2)", {channel.c_str(), payload.c_str()});
        }
      } catch (const std::exception&) {
        // Kept for the next connection: the changes happened, the others must hear of them.
        const std::lock_guard lock(mutex_);
        queued_.insert(ids.begin(), ids.end());
        throw;
      }
    }
    deliver();
    bool news = false;
    {
      const std::lock_guard lock(mutex_);
      news = !queued_.empty();
    }
    if (news) {
      continue;
    }
    const auto waited_from = Clock::now();
    if (wait_readable(PQsocket(conn), wake_fd_, kIdleCheck)) {
      if (PQconsumeInput(conn) == 0) {
        throw std::runtime_error(one_line(PQerrorMessage(conn)));
      }
    } else if (!stopping_ && Clock::now() - waited_from >= kIdleCheck) {
      run(conn, "SELECT 1");  // quiet for long: a silent break shows up here
    }
    deliver();
  }
}

}  // namespace dialtrack::storage::postgres
