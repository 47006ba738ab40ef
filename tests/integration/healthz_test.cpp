// GET /healthz: the liveness probe names the database backend.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class HealthzTest : public ServerTest {};

TEST_F(HealthzTest, ReportsTheBackendUnderTestInASuccessEnvelope) {
  const auto response = http().get("/healthz");
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_TRUE(is_envelope(response));
  EXPECT_EQ(string_field(response.data_object(), "db"), backend_name());
}

TEST_F(HealthzTest, OtherMethodIs405) {
  EXPECT_TRUE(is_error(http().request("POST", "/healthz"), 405));
  EXPECT_TRUE(is_error(http().del("/healthz"), 405));
}

TEST_F(HealthzTest, OneKeepAliveConnectionServesManyRequests) {
  // Every helper in this suite relies on keep-alive; a server closing after each answer
  // would make the next request on the same connection fail.
  for (int i = 0; i < 50; ++i) {
    const auto response = http().get("/healthz");
    ASSERT_EQ(response.status, 200u) << "request " << i << ": " << response.describe();
    ASSERT_TRUE(response.keep_alive) << "request " << i;
  }
}

}  // namespace
}  // namespace dialtrack::test
