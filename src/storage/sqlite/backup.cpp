#include "storage/sqlite/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "storage/sqlite/sqlite_db.hpp"
#include "store_api/errors.hpp"

namespace dialtrack::storage::sqlite {

namespace {

/// The source, opened read-only so a wrong path is an error instead of a new empty database.
class ReadOnlyConnection {
 public:
  explicit ReadOnlyConnection(const std::string& path) {
    const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = "cannot open SQLite database '" + path + "': ";
      message += db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      throw store_api::StoreError(message);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~ReadOnlyConnection() { sqlite3_close_v2(db_); }
  ReadOnlyConnection(const ReadOnlyConnection&) = delete;
  ReadOnlyConnection& operator=(const ReadOnlyConnection&) = delete;

  [[nodiscard]] sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

void sync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::error_code error(errno, std::generic_category());
    if (fd >= 0) {
      ::close(fd);
    }
    throw store_api::StoreError("cannot sync " + path.string() + ": " + error.message());
  }
  ::close(fd);
}

}  // namespace

BackupResult backup(const std::string& source, const std::string& target) {
  namespace fs = std::filesystem;
  if (!fs::is_regular_file(source)) {
    throw store_api::StoreError("no SQLite database at '" + source + "'");
  }
  const fs::path final_path(target);
  const fs::path temp_path(target + ".tmp");
  std::error_code ignored;
  fs::remove(temp_path, ignored);  // left by an interrupted backup

  BackupResult result;
  {
    const ReadOnlyConnection from(source);
    Database to(temp_path.string());
    sqlite3_backup* copy = sqlite3_backup_init(to.handle(), "main", from.handle(), "main");
    if (copy == nullptr) {
      throw_sqlite_error(to.handle(), sqlite3_errcode(to.handle()), "backup");
    }
    // All pages in one step: the read transaction on the source is one snapshot. Busy or
    // locked only while another connection holds an exclusive lock; wait and go on.
    int rc = SQLITE_OK;
    for (int attempt = 0; attempt < 100; ++attempt) {
      rc = sqlite3_backup_step(copy, -1);
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
        break;
      }
      sqlite3_sleep(50);
    }
    result.pages = sqlite3_backup_pagecount(copy);
    const int finished = sqlite3_backup_finish(copy);
    if (rc != SQLITE_DONE) {
      fs::remove(temp_path, ignored);
      throw store_api::StoreError(std::string("backup of '") + source +
                                  "' failed: " + sqlite3_errstr(rc));
    }
    if (finished != SQLITE_OK) {
      fs::remove(temp_path, ignored);
      throw_sqlite_error(to.handle(), finished, "backup");
    }
  }
  sync_path(temp_path, O_RDONLY);
  fs::rename(temp_path, final_path);
  sync_path(final_path.has_parent_path() ? final_path.parent_path() : fs::path("."),
            O_RDONLY | O_DIRECTORY);
  result.bytes = static_cast<std::int64_t>(fs::file_size(final_path));
  return result;
}

}  // namespace dialtrack::storage::sqlite
