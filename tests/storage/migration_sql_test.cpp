// The SQL of a released schema version never changes: a database migrated by an older program
// must have the schema a new database gets. Each backend's text of each version is pinned here
// by its length and FNV-1a hash; a change to it is a new version instead.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "storage/postgres/pg_migrations.hpp"
#include "storage/sqlite/migrations.hpp"

namespace dialtrack::storage {
namespace {

struct Pinned {
  std::size_t size;
  std::uint64_t fnv1a;
};

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  return hash;
}

void expect_pinned(std::span<const Migration> migrations, const std::vector<Pinned>& pinned) {
  ASSERT_EQ(migrations.size(), pinned.size());
  for (std::size_t i = 0; i < pinned.size(); ++i) {
    const std::string_view sql = migrations[i].sql;
    EXPECT_EQ(sql.size(), pinned[i].size) << "version " << migrations[i].version;
    EXPECT_EQ(fnv1a(sql), pinned[i].fnv1a) << "version " << migrations[i].version;
  }
}

TEST(MigrationSql, SqliteTextOfEachVersionUnchanged) {
  expect_pinned(sqlite::migrations(), {{1900, 0x87c510e5befac6beULL},
                                       {125, 0x1c32e4d175198314ULL},
                                       {1322, 0x013503e8a73037deULL},
                                       {468, 0x9387ce1b5b98438fULL},
                                       {386, 0x376741974b50f034ULL},
                                       {1706, 0x28657c413d591ca0ULL},
                                       {1974, 0xf1ed26d8b1b52da7ULL},
                                       {586, 0x957b15c7c110c2a0ULL}});
}

TEST(MigrationSql, PostgresTextOfEachVersionUnchanged) {
  expect_pinned(postgres::migrations(), {{1980, 0x620ee58765c8db65ULL},
                                         {122, 0x642787485ac8ac9fULL},
                                         {1364, 0x4fd6c99afe234cbbULL},
                                         {498, 0xf88e58e42a491c44ULL},
                                         {379, 0x00e45acbe80a6726ULL},
                                         {2066, 0x882e3c6ef6fd5195ULL},
                                         {1800, 0xea026a6326e37b34ULL},
                                         {250, 0x7b03a17d5fda24abULL}});
}

}  // namespace
}  // namespace dialtrack::storage
