#pragma once

#include <libpq-fe.h>

#include <cstdint>
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
  [[nodiscard]] bool is_null(int row, int column) const {
    return PQgetisnull(result_, row, column) != 0;
  }
  [[nodiscard]] std::string_view text(int row, int column) const;
  [[nodiscard]] std::optional<std::string> optional_text(int row, int column) const;
  [[nodiscard]] std::int64_t int64(int row, int column) const;
  [[nodiscard]] std::optional<std::int64_t> optional_int64(int row, int column) const;
  [[nodiscard]] bool boolean(int row, int column) const { return text(row, column) == "t"; }

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

/// One libpq connection. Throws StoreUnavailable when the server cannot be reached or the
/// connection breaks, StoreConflict on serialization failures, deadlocks and unique
/// violations, StoreError otherwise.
class Connection {
 public:
  /// Connects to `url` (a postgresql:// URL or a conninfo string) and prepares `statements`.
  /// Unless the URL says otherwise, connecting gives up after 5 s and a statement after 30 s.
  Connection(const std::string& url, const std::vector<NamedStatement>& statements);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs SQL text without parameters (BEGIN, COMMIT, DDL, migrations).
  Result exec(const char* sql);
  /// Runs a statement prepared by name.
  Result run(const char* name, const Params& params = {});
  /// True once the connection has failed; the pool then replaces it.
  [[nodiscard]] bool broken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }

 private:
  Result check(PGresult* result, std::string_view what);

  PGconn* conn_ = nullptr;
  bool broken_ = false;
};

}  // namespace dialtrack::storage::postgres
