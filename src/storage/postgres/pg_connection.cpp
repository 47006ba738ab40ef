#include "storage/postgres/pg_connection.hpp"

#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <new>
#include <system_error>
#include <utility>

#include "store_api/errors.hpp"

namespace dialtrack::storage::postgres {

using store_api::StoreConflict;
using store_api::StoreError;
using store_api::StoreUnavailable;

std::int64_t Result::affected() const {
  const char* text = PQcmdTuples(result_);
  std::int64_t value = 0;
  std::from_chars(text, text + std::strlen(text), value);
  return value;
}

namespace {

/// libpq answers NULL or "" for a cell outside the result: a statement and its reader that
/// disagree on the columns would read nothing, silently.
void require_cell(const PGresult* result, int row, int column) {
  if (row < 0 || row >= PQntuples(result) || column < 0 || column >= PQnfields(result)) {
    throw StoreError("PostgreSQL: no cell (" + std::to_string(row) + ", " + std::to_string(column) +
                     ") in a result of " + std::to_string(PQntuples(result)) + " rows and " +
                     std::to_string(PQnfields(result)) + " columns");
  }
}

}  // namespace

bool Result::is_null(int row, int column) const {
  require_cell(result_, row, column);
  return PQgetisnull(result_, row, column) != 0;
}

std::string_view Result::text(int row, int column) const {
  require_cell(result_, row, column);
  return {PQgetvalue(result_, row, column),
          static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

std::optional<std::string> Result::optional_text(int row, int column) const {
  if (is_null(row, column)) {
    return std::nullopt;
  }
  return std::string(text(row, column));
}

std::int64_t Result::int64(int row, int column) const {
  const auto t = text(row, column);
  std::int64_t value = 0;
  std::from_chars(t.data(), t.data() + t.size(), value);
  return value;
}

std::optional<std::int64_t> Result::optional_int64(int row, int column) const {
  if (is_null(row, column)) {
    return std::nullopt;
  }
  return int64(row, column);
}

Params& Params::add(std::string value) {
  values_.emplace_back(std::move(value));
  return *this;
}

Params& Params::add(const std::optional<std::string>& value) {
  values_.push_back(value);
  return *this;
}

Params& Params::add(std::optional<std::int64_t> value) {
  if (value) {
    return add(*value);
  }
  values_.emplace_back(std::nullopt);
  return *this;
}

Params& Params::add_array(const std::vector<std::optional<std::string>>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    if (!values[i]) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (const char c : *values[i]) {
      if (c == '"' || c == '\\') {
        out += '\\';
      }
      out += c;
    }
    out += '"';
  }
  out += '}';
  return add(std::move(out));
}

Params& Params::add_array(std::span<const std::int64_t> values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += std::to_string(values[i]);
  }
  out += '}';
  return add(std::move(out));
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) {
    out.push_back(v ? v->c_str() : nullptr);
  }
  return out;
}

namespace {

using Clock = std::chrono::steady_clock;

/// libpq's messages end with a newline and may go on over tab-indented lines (`Connection
/// refused` then `Is the server running ...?`); one line reads better in a log.
std::string one_line(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    auto line = text.substr(start, end - start);
    while (!line.empty() && (line.front() == '\t' || line.front() == ' ')) {
      line.remove_prefix(1);
    }
    if (!line.empty()) {
      out += out.empty() ? "" : "; ";
      out += line;
    }
    start = end + 1;
  }
  return out;
}

/// A statement as named in messages: its name, or the start of its SQL text.
std::string shortened(std::string_view what) {
  constexpr std::size_t kShown = 60;
  return what.size() <= kShown ? std::string(what) : std::string(what.substr(0, kShown)) + "...";
}

std::string in_ms(std::chrono::milliseconds duration) {
  return std::to_string(duration.count()) + " ms";
}

/// Starts connecting without waiting. Defaults first: the settings in the URL, expanded from
/// `dbname`, override them. No connect_timeout: the caller's deadline bounds the connect.
PGconn* start_connecting(const std::string& url, std::chrono::milliseconds statement_timeout) {
  const std::string options = "-c statement_timeout=" + std::to_string(statement_timeout.count()) +
                              " -c lock_timeout=10000 -c client_min_messages=warning";
  const std::array<const char*, 7> keywords{
      "application_name",    "options", "keepalives", "keepalives_idle",
      "keepalives_interval", "dbname",  nullptr};
  const std::array<const char*, 7> values{"dialtrack", options.c_str(), "1",    "30",
                                          "10",        url.c_str(),     nullptr};
  return PQconnectStartParams(keywords.data(), values.data(), 1);
}

/// Waits until `socket` is ready for `events` or the deadline passes (0: it passed).
short wait_for_socket(int socket, short events, Clock::time_point deadline) {
  while (true) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return 0;
    }
    pollfd entry{socket, events, 0};
    const int ready =
        ::poll(&entry, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 60'000)));
    if (ready > 0) {
      return entry.revents;
    }
    if (ready < 0 && errno != EINTR) {
      throw StoreUnavailable("PostgreSQL: waiting for the server: " +
                             std::generic_category().message(errno));
    }
  }
}

}  // namespace

Connection::Connection(std::string url, std::span<const NamedStatement> statements,
                       Deadlines deadlines)
    : url_(std::move(url)), statements_(statements), deadlines_(deadlines) {
  open();
}

void Connection::open() {
  broken_ = true;  // until the new session is ready
  lost_ = false;
  std::unique_ptr<PGconn, Finish> fresh(start_connecting(url_, deadlines_.statement));
  if (!fresh) {
    throw std::bad_alloc();
  }
  const auto deadline = Clock::now() + deadlines_.connect;
  // The first step of PQconnectPoll is a write (the connect and the startup packet).
  auto step =
      PQstatus(fresh.get()) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
  while (step != PGRES_POLLING_OK) {
    if (step == PGRES_POLLING_FAILED) {
      throw StoreUnavailable("cannot connect to PostgreSQL: " +
                             one_line(PQerrorMessage(fresh.get())));
    }
    // The socket may change between steps (another address of the host), so ask each time.
    if (wait_for_socket(PQsocket(fresh.get()), step == PGRES_POLLING_READING ? POLLIN : POLLOUT,
                        deadline) == 0) {
      throw StoreUnavailable("cannot connect to PostgreSQL: no answer within " +
                             in_ms(deadlines_.connect) + " (database.query_timeout_ms)");
    }
    step = PQconnectPoll(fresh.get());
  }
  if (PQsetnonblocking(fresh.get(), 1) != 0) {
    throw StoreUnavailable("PostgreSQL: cannot use the connection without blocking: " +
                           one_line(PQerrorMessage(fresh.get())));
  }
  conn_ = std::move(fresh);
  broken_ = false;
  for (const auto& s : statements_) {
    round_trip(s.name,
               [&s](PGconn* c) { return PQsendPrepare(c, s.name, s.sql.c_str(), 0, nullptr); });
  }
}

Result Connection::exec(const char* sql) {
  return execute(sql, [sql](PGconn* c) { return PQsendQuery(c, sql); });
}

Result Connection::exec(const char* sql, const Params& params) {
  const auto values = params.pointers();
  return execute(sql, [&](PGconn* c) {
    return PQsendQueryParams(c, sql, params.size(), nullptr, values.data(), nullptr, nullptr, 0);
  });
}

Result Connection::run(const char* name, const Params& params) {
  const auto values = params.pointers();
  return execute(name, [&](PGconn* c) {
    return PQsendQueryPrepared(c, name, params.size(), values.data(), nullptr, nullptr, 0);
  });
}

Result Connection::execute(std::string_view what, const Send& send) {
  // Between transactions the store sends only a BEGIN or the one statement of a single read,
  // which change nothing: after a server restart, a pooled session that the old server closed
  // is replaced before anything is sent, and one that breaks on this statement anyway (closed
  // just now) is replaced and the statement sent again, once. So a restart costs the requests
  // that meet the server down, not one per pooled connection. A statement that ran out of time
  // is never sent again: that would double the wait the deadline promises.
  if (PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) {
    return round_trip(what, send);
  }
  if (!still_open()) {
    open();
    return round_trip(what, send);
  }
  try {
    return round_trip(what, send);
  } catch (const StoreUnavailable&) {
    if (!lost_) {
      throw;
    }
  }
  open();
  return round_trip(what, send);
}

bool Connection::still_open() {
  if (broken()) {
    return false;
  }
  // An idle session has nothing to read: anything there is a notice, or the server's last
  // message (57P01, terminating connection) before it closed its side.
  pollfd entry{PQsocket(conn_.get()), POLLIN | POLLRDHUP, 0};
  const int ready = ::poll(&entry, 1, 0);
  if (ready <= 0) {
    return ready == 0;
  }
  if ((entry.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0) {
    return false;
  }
  return PQconsumeInput(conn_.get()) == 1 && PQstatus(conn_.get()) == CONNECTION_OK;
}

Result Connection::round_trip(std::string_view what, const Send& send) {
  if (send(conn_.get()) != 1) {
    fail("PostgreSQL: " + shortened(what) + ": " + one_line(PQerrorMessage(conn_.get())));
  }
  const auto deadline = Clock::now() + deadlines_.statement;
  // A large statement (a batch of thousands of records) may not fit the socket at once.
  for (int flushed = PQflush(conn_.get()); flushed == 1; flushed = PQflush(conn_.get())) {
    if ((wait(POLLIN | POLLOUT, deadline, what) & POLLIN) != 0 &&
        PQconsumeInput(conn_.get()) == 0) {
      break;  // the connection broke: the result below says how
    }
  }
  // As PQexec does: the first error, else the last result (a text of several statements).
  std::optional<Result> kept;
  while (true) {
    while (PQisBusy(conn_.get()) != 0) {
      wait(POLLIN, deadline, what);
      if (PQconsumeInput(conn_.get()) == 0 && PQisBusy(conn_.get()) != 0) {
        fail("PostgreSQL: " + shortened(what) + ": " + one_line(PQerrorMessage(conn_.get())));
      }
    }
    Result next(PQgetResult(conn_.get()));
    if (next.raw() == nullptr) {
      break;
    }
    if (!kept || PQresultStatus(kept->raw()) != PGRES_FATAL_ERROR) {
      kept.reset();
      kept.emplace(std::move(next));
    }
  }
  return check(kept ? std::move(*kept) : Result(nullptr), what);
}

short Connection::wait(short events, Clock::time_point deadline, std::string_view what) {
  const short ready = wait_for_socket(PQsocket(conn_.get()), events, deadline);
  if (ready == 0) {
    // The answer may still come, but the caller has stopped waiting; the session is closed
    // when the pool drops it, and the server ends the statement at its statement_timeout.
    fail("PostgreSQL did not answer " + shortened(what) + " within " + in_ms(deadlines_.statement) +
             " (database.query_timeout_ms); the connection is closed",
         false);
  }
  return ready;
}

void Connection::fail(const std::string& message, bool lost) {
  broken_ = true;
  lost_ = lost;
  throw StoreUnavailable(message);
}

Result Connection::check(Result result, std::string_view what) {
  PGresult* raw = result.raw();
  const auto status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    return result;
  }
  std::string message = "PostgreSQL: ";
  message += shortened(what);
  message += ": ";
  message += raw != nullptr ? PQresultErrorMessage(raw) : PQerrorMessage(conn_.get());
  while (!message.empty() && message.back() == '\n') {
    message.pop_back();
  }
  const char* state = raw != nullptr ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view sqlstate = state != nullptr ? state : "";
  if (PQstatus(conn_.get()) != CONNECTION_OK || sqlstate.starts_with("08") ||
      sqlstate.starts_with("57P") || sqlstate.empty()) {
    // Connection lost, server shutting down or restarting: this connection is done for.
    fail(message, true);
  }
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "23505") {
    throw StoreConflict(message);
  }
  if (sqlstate == "57014") {
    // The server's statement_timeout (or a cancel) ended it: as with our own deadline, the
    // connection is not lent again.
    fail(message, false);
  }
  if (sqlstate == "55P03") {
    throw StoreUnavailable(message);  // lock timeout: busy, retry later
  }
  if (sqlstate == "53100") {
    // disk_full: the transaction is rolled back and the connection stays usable.
    throw store_api::StoreFull(message);
  }
  throw StoreError(message);
}

}  // namespace dialtrack::storage::postgres
