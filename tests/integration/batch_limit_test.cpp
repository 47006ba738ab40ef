// At most `limits.max_records_per_batch` records per request (5000 by default); more is a 400
// for the whole body, and nothing of it is stored.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

boost::json::array records_for(std::int64_t task_id, const std::vector<std::string>& phones,
                               std::size_t count, std::string_view prefix) {
  boost::json::array records;
  for (std::size_t i = 0; i < count; ++i) {
    records.push_back(call_record(std::string(prefix) + std::to_string(i), task_id,
                                  phones[i % phones.size()], "NoAnswer"));
  }
  return records;
}

TEST(BatchLimitTest, ConfiguredLimitIsEnforced) {
  ServerOptions options;
  options.config_toml = "[limits]\nmax_records_per_batch = 10\n";
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  const auto phones = make_phones(20);
  const auto task_id = create_task(http, phones);

  EXPECT_TRUE(
      is_field_error(push_records(http, records_for(task_id, phones, 11, "over-")), "records"));
  EXPECT_EQ(int_field(followup(http, task_id).data_object(), "total_records"), 0);
  EXPECT_EQ(int_field(get_task(http, task_id), "task_type"), 1);

  EXPECT_EQ(push(http, records_for(task_id, phones, 10, "at-")).accepted, 10);
}

TEST(BatchLimitTest, DefaultLimitIs5000) {
  ServerProcess server;
  server.start();
  HttpConnection http(server.port());
  const auto phones = make_phones(100);
  const auto task_id = create_task(http, phones);
  EXPECT_TRUE(
      is_field_error(push_records(http, records_for(task_id, phones, 5001, "d-over-")), "records"));
  EXPECT_EQ(int_field(followup(http, task_id).data_object(), "total_records"), 0);
  EXPECT_EQ(push(http, records_for(task_id, phones, 5000, "d-at-")).accepted, 5000);
}

}  // namespace
}  // namespace dialtrack::test
