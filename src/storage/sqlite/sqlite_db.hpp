#pragma once

#include <sqlite3.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace dialtrack::storage::sqlite {

/// True when `code`, an (extended) result code of `db`, means the volume holding the database has
/// no space left: SQLITE_FULL, or an I/O error whose errno is ENOSPC or EDQUOT (SQLite reports a
/// shared-memory file it cannot grow that way).
bool out_of_space(sqlite3* db, int code);

/// Throws StoreFull when out of space, StoreUnavailable for SQLITE_BUSY/LOCKED and StoreError
/// otherwise, with `what`.
[[noreturn]] void throw_sqlite_error(sqlite3* db, int code, std::string_view what);

/// One SQLite connection, closed in the destructor.
class Database {
 public:
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Runs statements without results (pragmas, BEGIN, DDL).
  void exec(const char* sql);
  /// Runs one statement without results that the connection runs again and again (BEGIN,
  /// COMMIT, SAVEPOINT): prepared on first use and kept, so it is not parsed each time as with
  /// `exec` (a read transaction's BEGIN and COMMIT were 7% of a follow-up page's CPU).
  void run(const char* sql);
  /// Throws the error for `code` (throw_sqlite_error) and remembers whether it was for space.
  [[noreturn]] void fail(int code, std::string_view what);
  /// Whether a failure since the last call was for space; forgets it. The writer asks when
  /// SQLite rolled back a whole transaction after an error, to tell the members of the group why.
  bool take_space_failure() { return std::exchange(space_failure_, false); }
  /// Resets every statement of the connection, so none keeps an old snapshot open (which would
  /// stop WAL checkpoints) once a transaction ends.
  void reset_statements();
  /// Told by a statement that it is finalized: reset_statements must not touch it.
  void forget_stepped(sqlite3_stmt* stmt);
  /// Told by a statement that it stepped onto a row: it holds a snapshot until it is reset.
  void stepped_onto_row(sqlite3_stmt* stmt) {
    if (stepped_count_ > 0 && stepped_[stepped_count_ - 1] == stmt) {
      return;  // the next row of the statement before
    }
    if (stepped_count_ < stepped_.size()) {
      stepped_[stepped_count_++] = stmt;
    } else {
      stepped_overflow_ = true;
    }
  }
  [[nodiscard]] sqlite3* handle() const { return db_; }
  [[nodiscard]] std::int64_t changes() const { return sqlite3_changes64(db_); }
  [[nodiscard]] std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

 private:
  sqlite3* db_ = nullptr;
  bool space_failure_ = false;
  /// The statements of `run`, by their text (a handful per connection).
  std::vector<std::pair<std::string, sqlite3_stmt*>> kept_;
  /// The statements that stepped onto a row since reset_statements, which resets them alone
  /// (a read transaction steps two or three of the connection's 150); past the room here it
  /// looks at every statement.
  std::array<sqlite3_stmt*, 16> stepped_{};
  std::size_t stepped_count_ = 0;
  bool stepped_overflow_ = false;
};

/// A prepared statement, prepared once per connection and reset after every use.
class Statement {
 public:
  Statement() = default;
  Statement(Database& db, const char* sql);
  Statement(Database& db, const std::string& sql) : Statement(db, sql.c_str()) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  /// Binds parameters 1..n in order; std::nullopt binds NULL.
  template <typename... Args>
  Statement& bind(const Args&... args) {
    if (stmt_ == nullptr) {
      throw_sqlite_error(nullptr, SQLITE_MISUSE, "statement used before it was prepared");
    }
    // A statement and its call must agree: a parameter too many would be dropped silently.
    if (static_cast<int>(sizeof...(Args)) != sqlite3_bind_parameter_count(stmt_)) {
      throw_sqlite_error(nullptr, SQLITE_RANGE, "statement bound with a wrong number of values");
    }
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    int index = 0;
    (bind_one(++index, args), ...);
    return *this;
  }

  /// Steps once; true while a row is available.
  bool step();
  /// Runs a statement that returns no rows.
  void run();
  /// Steps through every row, read by `read(*this)`, in order.
  template <typename Read>
  [[nodiscard]] auto read_all(Read read) {
    std::vector<std::invoke_result_t<Read&, const Statement&>> out;
    while (step()) {
      out.push_back(read(*this));
    }
    return out;
  }

  [[nodiscard]] std::int64_t int64(int column) const;
  [[nodiscard]] std::optional<std::int64_t> optional_int64(int column) const;
  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] std::optional<std::string> optional_text(int column) const;
  /// The text of a column without a copy: valid until the statement steps, is reset or reads
  /// the column as another type.
  [[nodiscard]] std::string_view text_view(int column) const;
  [[nodiscard]] std::optional<std::string_view> optional_text_view(int column) const;

 private:
  void bind_one(int index, std::int64_t value);
  void bind_one(int index, int value) { bind_one(index, static_cast<std::int64_t>(value)); }
  void bind_one(int index, std::string_view value);
  void bind_one(int index, const std::string& value) { bind_one(index, std::string_view{value}); }
  void bind_one(int index, const char* value) { bind_one(index, std::string_view{value}); }
  void bind_one(int index, std::nullopt_t);
  template <typename T>
  void bind_one(int index, const std::optional<T>& value) {
    if (value) {
      bind_one(index, *value);
    } else {
      bind_one(index, std::nullopt);
    }
  }

  void finalize();

  Database* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace dialtrack::storage::sqlite
