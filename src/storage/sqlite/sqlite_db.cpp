#include "storage/sqlite/sqlite_db.hpp"

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <string>
#include <utility>

#include "store_api/errors.hpp"

namespace dialtrack::storage::sqlite {

bool out_of_space(sqlite3* db, int code) {
  const int primary = code & 0xff;
  if (primary == SQLITE_FULL) {
    return true;
  }
  if (primary != SQLITE_IOERR || db == nullptr) {
    return false;
  }
  const int error = sqlite3_system_errno(db);
  return error == ENOSPC || error == EDQUOT;
}

void throw_sqlite_error(sqlite3* db, int code, std::string_view what) {
  std::string message = "SQLite: ";
  message += what;
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  if (out_of_space(db, code)) {
    if ((code & 0xff) != SQLITE_FULL) {
      message += " (no space left on the device)";  // SQLite says only "disk I/O error"
    }
    throw store_api::StoreFull(message);
  }
  const int primary = code & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    throw store_api::StoreUnavailable(message);
  }
  throw store_api::StoreError(message);
}

namespace {

/// How much of a savepoint's journal stays in memory (SQLITE_CONFIG_STMTJRNL_SPILL): every
/// write transaction is a savepoint of the group commit, and the first change of each page in
/// it copies the page to that journal; past SQLite's default of 64 KiB the copies went to a
/// temporary file (a `pwrite` per page, ~6 % of the writer's CPU in an ingestion profile). A
/// batch of records touches a few hundred pages; a member's journal is dropped when it is
/// released, so this bounds memory per writer, not per group.
constexpr int kSavepointJournalInMemory = 8 * 1024 * 1024;

/// SQLite's memory statistics take a process-wide mutex on every allocation of every
/// connection (a lock per statement step shared by all threads); nothing here reads them. Off
/// before SQLite initialises, on the first open (later it cannot change: SQLITE_MISUSE, ignored).
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, kSavepointJournalInMemory);
  });
}

}  // namespace

Database::Database(const std::string& path) {
  configure_sqlite_once();
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open SQLite database '" + path + "': ";
    message += db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw store_api::StoreError(message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() {
  for (auto& kept : kept_) {
    sqlite3_finalize(kept.second);
  }
  sqlite3_close_v2(db_);
}

void Database::exec(const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string what = sql;
    if (error != nullptr) {
      sqlite3_free(error);
    }
    fail(rc, what.substr(0, 60));
  }
}

void Database::run(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  for (const auto& [text, kept] : kept_) {
    if (text == sql) {
      stmt = kept;
      break;
    }
  }
  if (stmt == nullptr) {
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      fail(rc, std::string("prepare ") + sql);
    }
    kept_.emplace_back(sql, stmt);
  }
  const int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    fail(rc, std::string(sql).substr(0, 60));
  }
}

void Database::fail(int code, std::string_view what) {
  if (out_of_space(db_, code)) {
    space_failure_ = true;
  }
  throw_sqlite_error(db_, code, what);
}

void Database::forget_stepped(sqlite3_stmt* stmt) {
  const auto end = stepped_.begin() + static_cast<std::ptrdiff_t>(stepped_count_);
  stepped_count_ =
      static_cast<std::size_t>(std::remove(stepped_.begin(), end, stmt) - stepped_.begin());
}

void Database::reset_statements() {
  // Only a statement stepped and not run to its end holds a snapshot; resetting the 150 others
  // of the connection each time was 4% of a completion check's CPU, and asking each of them
  // whether it is busy still 2.5%.
  if (stepped_overflow_) {
    for (sqlite3_stmt* s = sqlite3_next_stmt(db_, nullptr); s != nullptr;
         s = sqlite3_next_stmt(db_, s)) {
      if (sqlite3_stmt_busy(s) != 0) {
        sqlite3_reset(s);
      }
    }
  } else {
    for (std::size_t i = 0; i < stepped_count_; ++i) {
      sqlite3_reset(stepped_[i]);
    }
  }
  stepped_count_ = 0;
  stepped_overflow_ = false;
}

Statement::Statement(Database& db, const char* sql) : db_(&db) {
  const int rc =
      sqlite3_prepare_v3(db.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    db.fail(rc, std::string("prepare ") + sql);
  }
}

Statement::~Statement() {
  finalize();
}

void Statement::finalize() {
  if (stmt_ != nullptr && db_ != nullptr) {
    db_->forget_stepped(stmt_);
  }
  sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    finalize();
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    db_->stepped_onto_row(stmt_);
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  sqlite3_reset(stmt_);
  db_->fail(rc, sqlite3_sql(stmt_));
}

void Statement::run() {
  while (step()) {
  }
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) {
    return std::nullopt;
  }
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::text(int column) const {
  return std::string(text_view(column));
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (const auto view = optional_text_view(column)) {
    return std::string(*view);
  }
  return std::nullopt;
}

std::string_view Statement::text_view(int column) const {
  const auto* data = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  return data == nullptr ? std::string_view{}
                         : std::string_view(reinterpret_cast<const char*>(data),
                                            static_cast<std::size_t>(size));
}

std::optional<std::string_view> Statement::optional_text_view(int column) const {
  // A NULL reads as no text; only then is the type asked (no text can also be an allocation
  // that failed, or an empty blob): two calls into SQLite per value instead of three.
  const auto* data = sqlite3_column_text(stmt_, column);
  if (data == nullptr && sqlite3_column_type(stmt_, column) == SQLITE_NULL) {
    return std::nullopt;
  }
  const int size = sqlite3_column_bytes(stmt_, column);
  return data == nullptr ? std::string_view{}
                         : std::string_view(reinterpret_cast<const char*>(data),
                                            static_cast<std::size_t>(size));
}

void Statement::bind_one(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

void Statement::bind_one(int index, std::string_view value) {
  sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void Statement::bind_one(int index, std::nullopt_t) {
  sqlite3_bind_null(stmt_, index);
}

}  // namespace dialtrack::storage::sqlite
