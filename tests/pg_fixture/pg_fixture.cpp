#include "pg_fixture.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>

namespace dialtrack::pg_fixture {
namespace {

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ConnectionPtr = std::unique_ptr<PGconn, ConnectionCloser>;
using ResultPtr = std::unique_ptr<PGresult, ResultClearer>;

ConnectionPtr connect(const std::string& url) {
  ConnectionPtr connection{PQconnectdb(url.c_str())};
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to the test cluster at " + url + ": " +
                             PQerrorMessage(connection.get()));
  }
  return connection;
}

void run(PGconn* connection, const std::string& sql) {
  const ResultPtr result{PQexec(connection, sql.c_str())};
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error(sql + ": " + PQerrorMessage(connection));
  }
}

/// Unique across the processes of one ctest run (pid, counter) and across runs on a cluster
/// that kept the databases of a crashed run (random part).
std::string unique_name() {
  static std::atomic<int> counter{0};
  std::random_device random;
  std::uniform_int_distribution<unsigned> hex_digit(0, 15);
  std::string suffix;
  for (int i = 0; i < 8; ++i) {
    suffix += "0123456789abcdef"[hex_digit(random)];
  }
  return "dt_" + std::to_string(getpid()) + "_" + std::to_string(++counter) + "_" + suffix;
}

}  // namespace

std::string admin_url() {
  // Read once per test database, before any thread of the test starts.
  const char* given = std::getenv("DIALTRACK_TEST_PG_URL");  // NOLINT(concurrency-mt-unsafe)
  if (given != nullptr && *given != '\0') {
    return given;
  }
  const char* file = std::getenv("DIALTRACK_TEST_PG_URL_FILE");  // NOLINT(concurrency-mt-unsafe)
  if (file == nullptr || *file == '\0') {
    throw std::runtime_error(
        "no PostgreSQL for the tests: run them through ctest (its pg_cluster fixture starts a "
        "cluster) or set DIALTRACK_TEST_PG_URL to the URL printed by "
        "`scripts/pg_cluster.sh start DIR`");
  }
  std::ifstream in(file);
  std::string url;
  if (!std::getline(in, url) || url.empty()) {
    throw std::runtime_error(std::string("no cluster URL in ") + file +
                             ": the ctest fixture pg_cluster did not start the cluster (see the "
                             "output of the test pg_cluster_start)");
  }
  return url;
}

std::string with_database(std::string_view admin_url, std::string_view database) {
  const auto scheme = admin_url.find("://");
  if (scheme == std::string_view::npos) {
    throw std::runtime_error("not a postgresql:// URL: " + std::string(admin_url));
  }
  const auto path = admin_url.find_first_of("/?", scheme + 3);
  std::string url(admin_url.substr(0, path));
  url += '/';
  url += database;
  if (const auto query = admin_url.find('?', scheme + 3); query != std::string_view::npos) {
    url += admin_url.substr(query);
  }
  return url;
}

ScratchDatabase::ScratchDatabase()
    : admin_url_(admin_url()), name_(unique_name()), url_(with_database(admin_url_, name_)) {
  run(connect(admin_url_).get(), "CREATE DATABASE " + name_);
}

ScratchDatabase::~ScratchDatabase() {
  // A database left behind costs nothing in a throwaway cluster, so a failed drop is reported
  // and the test's own outcome stands.
  try {
    run(connect(admin_url_).get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& e) {
    std::cerr << "warning: test database " << name_ << " not dropped: " << e.what() << '\n';
  }
}

void ScratchDatabase::execute(std::string_view sql) const {
  pg_fixture::execute(url_, sql);
}

void execute(const std::string& url, std::string_view sql) {
  run(connect(url).get(), std::string(sql));
}

std::string query_value(const std::string& url, std::string_view sql) {
  const auto connection = connect(url);
  const ResultPtr result{PQexec(connection.get(), std::string(sql).c_str())};
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    throw std::runtime_error(std::string(sql) + ": " + PQerrorMessage(connection.get()));
  }
  if (PQntuples(result.get()) == 0 || PQnfields(result.get()) == 0 ||
      PQgetisnull(result.get(), 0, 0) != 0) {
    return {};
  }
  return PQgetvalue(result.get(), 0, 0);
}

}  // namespace dialtrack::pg_fixture
