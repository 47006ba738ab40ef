#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace dialtrack::storage::postgres {

/// A query result, cleared in the destructor. Values are read in text format.
class Result {
 public:
  explicit Result(PGresult* result) : result_(result) {}
  ~Result() { PQclear(result_); }
  Result(Result&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  Result& operator=(Result&&) = delete;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  [[nodiscard]] int rows() const { return PQntuples(result_); }
  [[nodiscard]] std::int64_t affected() const;
  /// Each throws StoreError for a cell outside the result (libpq would answer NULL or "").
  [[nodiscard]] bool is_null(int row, int column) const;
  [[nodiscard]] std::string_view text(int row, int column) const;
  [[nodiscard]] std::optional<std::string> optional_text(int row, int column) const;
  [[nodiscard]] std::int64_t int64(int row, int column) const;
  [[nodiscard]] std::optional<std::int64_t> optional_int64(int row, int column) const;
  [[nodiscard]] bool boolean(int row, int column) const { return text(row, column) == "t"; }
  /// The libpq result itself (null when there was none).
  [[nodiscard]] PGresult* raw() const { return result_; }

  /// Every row, read by `read(*this, row)`, in order.
  template <typename Read>
  [[nodiscard]] auto read_all(Read read) const {
    std::vector<std::invoke_result_t<Read&, const Result&, int>> out;
    out.reserve(static_cast<std::size_t>(rows()));
    for (int row = 0; row < rows(); ++row) {
      out.push_back(read(*this, row));
    }
    return out;
  }

 private:
  PGresult* result_;
};

/// Text-format parameters for one statement; std::nullopt is SQL NULL.
class Params {
 public:
  Params& add(std::string value);
  Params& add(const std::optional<std::string>& value);
  Params& add(std::string_view value) { return add(std::string(value)); }
  Params& add(const char* value) { return add(std::string(value)); }
  Params& add(std::int64_t value) { return add(std::to_string(value)); }
  Params& add(int value) { return add(std::to_string(value)); }
  Params& add(std::optional<std::int64_t> value);
  /// A PostgreSQL array literal (`{"a","b",NULL}`) of texts.
  Params& add_array(const std::vector<std::optional<std::string>>& values);
  /// A PostgreSQL array literal (`{1,2}`) of integers.
  Params& add_array(std::span<const std::int64_t> values);

  [[nodiscard]] int size() const { return static_cast<int>(values_.size()); }
  [[nodiscard]] std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

/// A named statement: prepared once on every connection of the pool. Each port of the store
/// lists its own (`task_statements()` and the others); names are unique across all of them.
struct NamedStatement {
  const char* name;
  std::string sql;
};

/// How long a connection waits for the server, at most (database.query_timeout_ms).
struct Deadlines {
  std::chrono::milliseconds connect{5'000};    ///< to open a session (TCP, TLS, authentication)
  std::chrono::milliseconds statement{5'000};  ///< for each statement's answer, from its send
};

/// One libpq connection, driven without blocking so that every wait for the server is bounded
/// by its deadlines: a server that stops answering (stopped, frozen, a lost network) costs one
/// StoreUnavailable after the deadline, never a hung thread. Throws StoreUnavailable when the
/// server cannot be reached, does not answer in time or the connection breaks (it is then
/// `broken()`), StoreConflict on serialization failures, deadlocks and unique violations,
/// StoreError otherwise.
class Connection {
 public:
  /// Connects to `url` (a postgresql:// URL or a conninfo string) and prepares `statements`,
  /// which must outlive the connection (they are prepared again when it reconnects). The server
  /// also ends a statement after `deadlines.statement` (statement_timeout) unless the URL says
  /// otherwise, so an abandoned statement does not hold its locks for long.
  Connection(std::string url, std::span<const NamedStatement> statements, Deadlines deadlines);
  ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs SQL text without parameters (BEGIN, COMMIT, DDL, migrations).
  Result exec(const char* sql);
  /// Runs SQL text with parameters, unprepared (what migrations run once).
  Result exec(const char* sql, const Params& params);
  /// Runs a statement prepared by name.
  Result run(const char* name, const Params& params = {});
  /// True once the connection has failed or a statement ran out of time; the pool then closes
  /// it instead of lending it again.
  [[nodiscard]] bool broken() const { return broken_ || PQstatus(conn_.get()) != CONNECTION_OK; }
  /// Changes how long later statements wait for their answers (this side only).
  void set_statement_deadline(std::chrono::milliseconds deadline) {
    deadlines_.statement = deadline;
  }

 private:
  /// Queues one statement without waiting (PQsendQuery and its kind): 1 when queued.
  using Send = std::function<int(PGconn*)>;

  /// Opens a fresh session in place of the current one and prepares the statements on it.
  void open();
  /// Sends one statement and waits for its answer; between transactions, a connection the
  /// server has closed is replaced first and a statement it broke on is sent again once.
  Result execute(std::string_view what, const Send& send);
  /// Sends one statement on the current session and waits for its answer, within the deadline.
  Result round_trip(std::string_view what, const Send& send);
  /// Whether an idle session is still open on the server's side (one poll, nothing sent).
  [[nodiscard]] bool still_open();
  /// Waits for the socket until the deadline; marks the connection broken and throws
  /// StoreUnavailable when the deadline passes first.
  short wait(short events, std::chrono::steady_clock::time_point deadline, std::string_view what);
  /// Marks the connection broken and throws StoreUnavailable; `lost`: the session is gone on
  /// the server's side (closed, reset), so a statement sent between transactions may be sent
  /// again on a new one.
  [[noreturn]] void fail(const std::string& message, bool lost = true);
  /// The result when the statement succeeded; otherwise throws what its SQLSTATE means.
  Result check(Result result, std::string_view what);

  struct Finish {
    void operator()(PGconn* conn) const { PQfinish(conn); }
  };

  std::string url_;
  std::span<const NamedStatement> statements_;
  Deadlines deadlines_;
  std::unique_ptr<PGconn, Finish> conn_;  ///< non-blocking, so closing never waits
  bool broken_ = false;
  bool lost_ = false;
};

}  // namespace dialtrack::storage::postgres
