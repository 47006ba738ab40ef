#include "postgres_test_database.hpp"

#include <string>

#include "pg_fixture.hpp"
#include "storage/open_store.hpp"
#include "storage/postgres/pg_migrations.hpp"

namespace dialtrack::store_test {
namespace {

class PostgresTestDatabase final : public TestDatabase {
 public:
  std::unique_ptr<store_api::Store> open() override {
    return storage::open_store(database_.url(), {.phone_key = phone_key()});
  }
  void execute(std::string_view sql) override { database_.execute(sql); }
  void migrate_through(int version) override {
    // As PgStore::migrate records them.
    execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
        "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    for (const auto& m : storage::postgres::migrations()) {
      if (m.version <= version) {
        execute(m.sql);
        execute("INSERT INTO schema_migrations (version, description) VALUES (" +
                std::to_string(m.version) + ", 'test')");
      }
    }
  }

 private:
  pg_fixture::ScratchDatabase database_;
};

}  // namespace

StoreFactory postgres_factory() {
  return {"postgresql", [] { return std::make_unique<PostgresTestDatabase>(); }};
}

}  // namespace dialtrack::store_test
