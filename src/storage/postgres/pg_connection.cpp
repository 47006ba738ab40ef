#include "storage/postgres/pg_connection.hpp"

#include <array>
#include <charconv>
#include <cstring>

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

std::string_view Result::text(int row, int column) const {
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

PGconn* connect(const std::string& url) {
  // Defaults first: the settings in the URL, expanded from `dbname`, override them.
  const std::array<const char*, 8> keywords{
      "connect_timeout", "application_name",    "options", "keepalives",
      "keepalives_idle", "keepalives_interval", "dbname",  nullptr};
  const std::array<const char*, 8> values{
      "5",
      "dialtrack",
      "-c statement_timeout=30000 -c lock_timeout=10000 -c client_min_messages=warning",
      "1",
      "30",
      "10",
      url.c_str(),
      nullptr};
  return PQconnectdbParams(keywords.data(), values.data(), 1);
}

}  // namespace

Connection::Connection(const std::string& url, const std::vector<NamedStatement>& statements)
    : conn_(connect(url)) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = "cannot connect to PostgreSQL: ";
    message += PQerrorMessage(conn_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    PQfinish(conn_);
    conn_ = nullptr;
    throw StoreUnavailable(message);
  }
  for (const auto& s : statements) {
    check(PQprepare(conn_, s.name, s.sql.c_str(), 0, nullptr), s.name);
  }
}

Connection::~Connection() {
  PQfinish(conn_);
}

Result Connection::exec(const char* sql) {
  return check(PQexec(conn_, sql), sql);
}

Result Connection::run(const char* name, const Params& params) {
  const auto values = params.pointers();
  return check(PQexecPrepared(conn_, name, params.size(), values.data(), nullptr, nullptr, 0),
               name);
}

Result Connection::check(PGresult* raw, std::string_view what) {
  Result result(raw);
  const auto status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    return result;
  }
  std::string message = "PostgreSQL: ";
  message += what;
  message += ": ";
  message += raw != nullptr ? PQresultErrorMessage(raw) : PQerrorMessage(conn_);
  while (!message.empty() && message.back() == '\n') {
    message.pop_back();
  }
  const char* state = raw != nullptr ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view sqlstate = state != nullptr ? state : "";
  if (PQstatus(conn_) != CONNECTION_OK || sqlstate.starts_with("08") ||
      sqlstate.starts_with("57P") || sqlstate.empty()) {
    // Connection lost, server shutting down or restarting: this connection is done for.
    broken_ = true;
    throw StoreUnavailable(message);
  }
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "23505") {
    throw StoreConflict(message);
  }
  if (sqlstate == "55P03" || sqlstate == "57014") {
    throw StoreUnavailable(message);  // lock or statement timeout: busy, retry later
  }
  throw StoreError(message);
}

}  // namespace dialtrack::storage::postgres
