// How long the PostgreSQL store waits for the server, on a real server: a statement held up by
// another transaction's lock ends at the query deadline, a server that takes connections but
// never answers costs one deadline per connect, pooled connections that the server closed are
// replaced before anything is sent on them, and the readiness ping answers within its deadline.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <stdexcept>

#include "pg_fixture.hpp"
#include "storage/open_store.hpp"
#include "store_api/errors.hpp"

namespace dialtrack::store_test {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr milliseconds kDeadline{500};
/// What a wait may take beyond its deadline on a loaded machine (a liveness bound, not speed).
constexpr milliseconds kMargin{2'000};

milliseconds since(SteadyClock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start);
}

domain::Timestamp now() {
  return std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
}

/// A TCP listener on loopback that never accepts: the kernel completes each connection and
/// keeps what the client sends, and nothing ever answers, which is what a client sees of a
/// stopped (SIGSTOP) or hung PostgreSQL server.
class SilentServer {
 public:
  SilentServer() : socket_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (socket_ < 0 || ::bind(socket_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(socket_, 16) != 0 ||
        ::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot listen on loopback");
    }
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(socket_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  [[nodiscard]] std::string url() const {
    return "postgresql://dialtrack@127.0.0.1:" + std::to_string(port_) + "/dialtrack";
  }

 private:
  int socket_;
  std::uint16_t port_ = 0;
};

storage::StoreOptions options(int pool_size = 4) {
  storage::StoreOptions o;
  o.pool_size = pool_size;
  o.query_timeout = kDeadline;
  o.connect_wait = milliseconds{0};
  return o;
}

TEST(PgDeadlineTest, AStatementHeldUpByALockEndsAtTheQueryDeadline) {
  pg_fixture::ScratchDatabase database;
  const auto store = storage::open_store(database.url(), options());
  domain::TaskId task_id = 0;
  {
    auto tx = store->begin(store_api::TxMode::kWrite);
    task_id = tx->tasks().insert_task("locked", std::nullopt, now());
    tx->commit();
  }
  // A write transaction keeps the task row it read locked until it ends.
  auto holder = store->begin(store_api::TxMode::kWrite);
  ASSERT_TRUE(holder->tasks().find_task(task_id));

  const auto started = SteadyClock::now();
  EXPECT_THROW(
      {
        auto tx = store->begin(store_api::TxMode::kWrite);
        static_cast<void>(tx->tasks().find_task(task_id));
      },
      store_api::StoreUnavailable);
  const auto took = since(started);
  std::cout << "a statement waiting for a lock gave up after " << took.count()
            << " ms with query_timeout " << kDeadline.count() << " ms\n";
  EXPECT_GE(took, kDeadline - milliseconds{50});
  EXPECT_LE(took, kDeadline + kMargin);
  // The connection that ran out of time was closed, not lent again: only the holder's is lent.
  EXPECT_EQ(store->pool_use().in_use, 1);

  holder.reset();
  auto tx = store->begin(store_api::TxMode::kSingleRead);
  EXPECT_TRUE(tx->tasks().find_task(task_id)) << "the store must work on after a deadline";
}

TEST(PgDeadlineTest, AServerThatNeverAnswersCostsOneDeadlinePerConnect) {
  const SilentServer silent;
  const auto started = SteadyClock::now();
  std::string message;
  try {
    static_cast<void>(storage::open_store(silent.url(), options()));
  } catch (const store_api::StoreUnavailable& e) {
    message = e.what();
  }
  const auto took = since(started);
  ASSERT_FALSE(message.empty()) << "opened a store on a server that never answers";
  EXPECT_NE(message.find("database.query_timeout_ms"), std::string::npos) << message;
  EXPECT_NE(message.find("database.connect_wait_ms"), std::string::npos) << message;
  std::cout << "opening a store on a silent server gave up after " << took.count() << " ms\n";
  EXPECT_GE(took, kDeadline - milliseconds{50});
  EXPECT_LE(took, kDeadline + kMargin);
}

TEST(PgDeadlineTest, PooledConnectionsTheServerClosedAreReplacedBeforeUse) {
  constexpr int kPool = 4;
  pg_fixture::ScratchDatabase database;
  const auto store = storage::open_store(database.url(), options(kPool));
  domain::TaskId task_id = 0;
  {
    auto tx = store->begin(store_api::TxMode::kWrite);
    task_id = tx->tasks().insert_task("pooled", std::nullopt, now());
    tx->commit();
  }
  {
    // Every pool connection open at once, then idle in the pool.
    std::vector<std::unique_ptr<store_api::Transaction>> open;
    open.reserve(kPool);
    for (int i = 0; i < kPool; ++i) {
      open.push_back(store->begin(store_api::TxMode::kRead));
    }
  }
  // The server ends every session of the pool (as a restart does), and waits until they are gone.
  const auto ended = pg_fixture::query_value(
      database.url(),
      "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
      "WHERE application_name = 'dialtrack' AND datname = current_database()");
  ASSERT_EQ(ended, std::to_string(kPool));

  int failed = 0;
  for (int i = 0; i < 2 * kPool; ++i) {
    try {
      auto tx =
          store->begin(i % 2 == 0 ? store_api::TxMode::kSingleRead : store_api::TxMode::kWrite);
      EXPECT_TRUE(tx->tasks().find_task(task_id));
      tx->commit();
    } catch (const store_api::StoreUnavailable& e) {
      ++failed;
      std::cout << "transaction " << i << " failed: " << e.what() << "\n";
    }
  }
  EXPECT_EQ(failed, 0) << "a transaction met a connection the server had closed";
}

TEST(PgDeadlineTest, PingSaysWhetherTheServerAcceptsAndAnswers) {
  pg_fixture::ScratchDatabase database;
  const auto store = storage::open_store(database.url(), options());
  EXPECT_TRUE(store->ping(milliseconds{1'000}));
  EXPECT_TRUE(store->ping(milliseconds{1'000})) << "the ping's own connection is kept";

  // The database stops taking connections (superusers included) and its sessions are ended:
  // the ping's connection is gone and a new one is refused.
  const auto admin = pg_fixture::admin_url();
  pg_fixture::execute(admin, "ALTER DATABASE " + database.name() + " ALLOW_CONNECTIONS false");
  pg_fixture::query_value(admin,
                          "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM "
                          "pg_stat_activity WHERE datname = '" +
                              database.name() + "'");
  const auto started = SteadyClock::now();
  EXPECT_FALSE(store->ping(milliseconds{1'000}));
  EXPECT_LE(since(started), milliseconds{1'000} + kMargin);

  pg_fixture::execute(admin, "ALTER DATABASE " + database.name() + " ALLOW_CONNECTIONS true");
  EXPECT_TRUE(store->ping(milliseconds{1'000})) << "the ping connects again";
}

}  // namespace
}  // namespace dialtrack::store_test
