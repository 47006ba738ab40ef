#pragma once
// What the dialer sync tests share: the fake OutboundBot's account and a server pulling from it.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fake_outboundbot.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {

inline constexpr const char* kKeyId = "LTAI5tTestKeyId";
inline constexpr const char* kSecret = "TestSecretNeverLogged0123";
inline constexpr const char* kInstance = "9d53cd72-4050-4419-8c17-acc0bf158147";

/// The settings of a server that pulls from `fake` (no periodic pull unless `interval_ms`).
inline EnvVars dialer_env(const FakeOutboundBot& fake, const std::string& secret = kSecret,
                          int interval_ms = 0) {
  return {{"DIALTRACK_DIALERS_ALIBABA_ACCESS_KEY_ID", kKeyId},
          {"DIALTRACK_DIALERS_ALIBABA_ACCESS_KEY_SECRET", secret},
          {"DIALTRACK_DIALERS_ALIBABA_INSTANCE_ID", kInstance},
          {"DIALTRACK_DIALERS_ALIBABA_ENDPOINT", fake.endpoint()},
          {"DIALTRACK_DIALERS_PAGE_SIZE", "100"},
          {"DIALTRACK_DIALERS_TIMEOUT_MS", "5000"},
          {"DIALTRACK_DIALERS_RETRY_MAX_ATTEMPTS", "4"},
          {"DIALTRACK_DIALERS_RETRY_INITIAL_MS", "10"},
          {"DIALTRACK_DIALERS_RETRY_MAX_MS", "40"},
          {"DIALTRACK_DIALERS_SYNC_INTERVAL_MS", std::to_string(interval_ms)}};
}

class DialerSyncTest : public ::testing::Test {
 protected:
  void start(EnvVars env) {
    ServerOptions options;
    options.env = std::move(env);
    server_ = std::make_unique<ServerProcess>(options);
    server_->start();
    http_ = std::make_unique<HttpConnection>(server_->port());
  }
  void start_with_dialer(const std::string& secret = kSecret, int interval_ms = 0) {
    start(dialer_env(fake_, secret, interval_ms));
  }

  HttpConnection& http() { return *http_; }
  /// A task of `phones` phones in `job_group`, each with a finished attempt at the dialer.
  struct DialedTask {
    std::vector<std::string> phones;
    std::int64_t task_id = 0;
  };
  DialedTask task_at_the_dialer(std::size_t phones, std::string_view name,
                                const std::string& job_group) {
    DialedTask t{make_phones(phones)};
    t.task_id = create_task(http(), t.phones, name, job_group);
    fake_.put(fake_attempts(job_group, t.phones, "SucceededFinish"));
    return t;
  }
  Response sync(std::int64_t task_id) {
    return http().post_text("/tasks/" + std::to_string(task_id) + "/sync", "");
  }
  std::int64_t records_of(std::int64_t task_id) {
    return int_field(followup(http(), task_id).data_object(), "total_records");
  }
  static const boost::json::object& sync_of(const boost::json::object& task) {
    return task.at("sync").as_object();
  }
  /// `answer` is a 502 whose error is of `kind`, and the task keeps it as its last sync error.
  void expect_sync_failed(const Response& answer, std::int64_t task_id, std::string_view kind) {
    ASSERT_EQ(answer.status, 502) << answer.body;
    EXPECT_EQ(string_field(answer.data_object().at("error").as_object(), "kind"), kind);
    EXPECT_TRUE(string_field(sync_of(get_task(http(), task_id)), "last_sync_error")
                    .starts_with(std::string(kind) + ":"));
  }

  FakeOutboundBot fake_{kKeyId, kSecret, kInstance};
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpConnection> http_;
};

}  // namespace dialtrack::test
