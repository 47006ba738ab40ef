#include "postgres_test_database.hpp"

#include "pg_fixture.hpp"

namespace dialtrack::store_test {
namespace {

class PostgresTestDatabase final : public TestDatabase {
 public:
  std::unique_ptr<storage::Store> open() override {
    return storage::open_store(database_.url(), {});
  }
  void execute(std::string_view sql) override { database_.execute(sql); }

 private:
  pg_fixture::ScratchDatabase database_;
};

}  // namespace

StoreFactory postgres_factory() {
  return {"postgresql", [] { return std::make_unique<PostgresTestDatabase>(); }};
}

}  // namespace dialtrack::store_test
