// A new instance starting while PostgreSQL refuses connections (too many connections, or the
// server not started yet) waits and tries again, up to database.connect_wait_ms, logging why
// each attempt failed; it becomes ready as soon as connections are possible, and exits non-zero
// with a readable reason only after the wait. Before, it exited 2 within 0.05 s.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <optional>

#include "pg_fixture.hpp"
#include "support/pg_cluster.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

using SteadyClock = std::chrono::steady_clock;

/// A database on the shared test cluster that refuses its owner's connections ("too many
/// connections for database", SQLSTATE 53300, as a full max_connections answers) until
/// `accept()`. The owner is a role of its own: superusers are exempt from connection limits.
class RefusingDatabase {
 public:
  RefusingDatabase() : role_("dt_refused_" + std::to_string(getpid()) + "_" + next_number()) {
    pg_fixture::execute(pg_fixture::admin_url(), "CREATE ROLE " + role_ + " LOGIN");
    database_.emplace();
    database_->execute("ALTER DATABASE " + database_->name() + " OWNER TO " + role_);
    database_->execute("ALTER DATABASE " + database_->name() + " CONNECTION LIMIT 0");
  }
  ~RefusingDatabase() {
    database_.reset();  // dropped first: a role that owns a database cannot be dropped
    try {
      pg_fixture::execute(pg_fixture::admin_url(), "DROP ROLE IF EXISTS " + role_);
    } catch (const std::exception& e) {
      std::cerr << "warning: test role " << role_ << " not dropped: " << e.what() << '\n';
    }
  }
  RefusingDatabase(const RefusingDatabase&) = delete;
  RefusingDatabase& operator=(const RefusingDatabase&) = delete;

  /// The database's URL as its owner (the admin URL's host, port and parameters).
  [[nodiscard]] std::string url() const {
    auto url = database_->url();
    const auto user_start = url.find("://") + 3;
    const auto at = url.find('@', user_start);
    const auto host_start = at == std::string::npos ? user_start : at + 1;
    return url.substr(0, user_start) + role_ + "@" + url.substr(host_start);
  }
  /// Lifts the limit (the superuser's session is exempt from it).
  void accept() const {
    database_->execute("ALTER DATABASE " + database_->name() + " CONNECTION LIMIT -1");
  }

 private:
  static std::string next_number() {
    static std::atomic<int> counter{0};
    return std::to_string(++counter);
  }

  std::string role_;
  std::optional<pg_fixture::ScratchDatabase> database_;
};

/// Waits until the server's log holds `text`, woken by inotify at each write to the log: false
/// when the deadline passes first.
bool wait_for_log(const ServerProcess& server, std::string_view text,
                  std::chrono::milliseconds deadline) {
  const int watch = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (watch < 0 || ::inotify_add_watch(watch, server.log_path().c_str(), IN_MODIFY) < 0) {
    throw std::runtime_error("cannot watch " + server.log_path().string());
  }
  const auto until = SteadyClock::now() + deadline;
  bool found = false;
  while (!(found = server.log().find(text) != std::string::npos)) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now());
    pollfd entry{watch, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&entry, 1, static_cast<int>(left.count())) <= 0) {
      found = server.log().find(text) != std::string::npos;
      break;
    }
    std::array<char, 4096> events{};
    while (::read(watch, events.data(), events.size()) > 0) {
    }
  }
  ::close(watch);
  return found;
}

/// A loopback port nothing listens on now (the kernel's pick, then released).
std::uint16_t free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot pick a free port");
  }
  ::close(s);
  return ntohs(address.sin_port);
}

TEST(ConnectWaitPgTest, StartsOnceTheDatabaseStopsRefusingConnections) {
  if (!on_postgresql()) {
    GTEST_SKIP() << "about PostgreSQL refusing connections";
  }
  RefusingDatabase database;
  ServerOptions options;
  options.db = database.url();
  ServerProcess server(options);
  server.launch();
  ASSERT_TRUE(wait_for_log(server, "too many connections", scaled(std::chrono::seconds(30))))
      << "the instance did not report a refused attempt:\n"
      << server.log();
  database.accept();
  server.wait_until_ready();
  HttpConnection http(server.port());
  EXPECT_GT(create_task(http, make_phones(3), "after the wait"), 0);
  EXPECT_NE(server.log().find("database.connect_wait_ms"), std::string::npos) << server.log();
  EXPECT_EQ(server.terminate(), 0);
}

TEST(ConnectWaitPgTest, StartsBeforeThePostgresqlServerDoes) {
  if (!on_postgresql()) {
    GTEST_SKIP() << "starts a PostgreSQL server of its own";
  }
  TempDir cluster_dir("dialtrack-pg-late");
  // scripts/pg_cluster.sh starts the cluster on the port it finds in DIR/port.
  const auto port = free_port();
  std::ofstream(cluster_dir.path() / "port") << port << '\n';
  ServerOptions options;
  options.db = "postgresql://dialtrack@127.0.0.1:" + std::to_string(port) + "/dialtrack";
  ServerProcess server(options);
  server.launch();
  ASSERT_TRUE(wait_for_log(server, "Connection refused", scaled(std::chrono::seconds(30))))
      << server.log();
  PgCluster cluster(cluster_dir.path());
  ASSERT_EQ(cluster.url(), options.db);
  server.wait_until_ready();
  HttpConnection http(server.port());
  EXPECT_GT(create_task(http, make_phones(3), "late server"), 0);
  EXPECT_EQ(server.terminate(), 0);
}

TEST(ConnectWaitPgTest, GivesUpAfterTheWaitWithTheReason) {
  if (!on_postgresql()) {
    GTEST_SKIP() << "about PostgreSQL refusing connections";
  }
  constexpr std::chrono::milliseconds kWait{1'500};
  RefusingDatabase database;
  const auto started = SteadyClock::now();
  const auto result =
      run_dialtrack({"serve", "--listen", "127.0.0.1:0", "--db", database.url()},
                    {{"DIALTRACK_DATABASE_CONNECT_WAIT_MS", std::to_string(kWait.count())}},
                    scaled(std::chrono::seconds(30)));
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started);
  std::cout << "exit " << result.exit_code << " after " << took.count() << " ms with "
            << "connect_wait_ms " << kWait.count() << "\n";
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.exit_code, -1) << "still running at the deadline";
  EXPECT_TRUE(result.out.empty()) << "it must not have reported readiness: " << result.out;
  // It waited (at least the configured time), and says why it gave up and which setting to raise.
  EXPECT_GE(took, kWait);
  EXPECT_NE(result.err.find("too many connections"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("database.connect_wait_ms"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("attempt"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace dialtrack::test
