#include "storage/sqlite/connection.hpp"

namespace dialtrack::storage::sqlite {

Connection::Connection(const std::string& path) : db(path) {
  // busy_timeout first: another process may hold the file while we set it up.
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = OFF");
}

void Connection::prepare() {
  tasks.emplace(db);
  leads.emplace(db);
  records.emplace(db);
  reports.emplace(db);
  outbox.emplace(db);
  small.emplace(small_port_statements(db));
}

std::string sql(const char* head, const char* columns, const char* tail) {
  return std::string(head) + columns + tail;
}

}  // namespace dialtrack::storage::sqlite
