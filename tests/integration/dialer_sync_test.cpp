// Pulling call results from Alibaba Cloud OutboundBot: the real binary against a fake
// OutboundBot API on loopback that checks every request's signature with the test's AccessKey.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "dialer_fixture.hpp"

namespace dialtrack::test {
namespace {

/// A `kB` line of /proc/<pid>/status (VmRSS, VmHWM).
std::int64_t status_kb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field + ":")) {
      std::istringstream value(line.substr(field.size() + 1));
      std::int64_t kb = 0;
      value >> kb;
      return kb;
    }
  }
  throw std::runtime_error("no " + field + " in /proc/" + std::to_string(pid) + "/status");
}

TEST_F(DialerSyncTest, LargeJobGroupSyncsPageByPageAndTheTaskCompletes) {
  start_with_dialer();
  const auto phones = make_phones(3000);
  const auto task_id = create_task(http(), phones, "big", "jg-big");
  // 500 phones were not answered at first and connected on a later attempt: 3,500 attempts.
  auto attempts = fake_attempts("jg-big", phones, "SucceededClientHangUp", 1'772'010'000'000);
  std::vector<std::string> retried(phones.begin(), phones.begin() + 500);
  for (auto& a : fake_attempts("jg-big-first", retried, "NoAnswer", 1'772'000'000'000)) {
    a.job_group_id = "jg-big";
    attempts.push_back(a);
  }
  fake_.put(attempts);

  const auto answer = sync(task_id);
  ASSERT_EQ(answer.status, 200) << answer.body;
  const auto& report = answer.data_object();
  // 100 attempts, then 99 new a page: each page starts at the last start the one before held.
  EXPECT_EQ(int_field(report, "pages"), 36);
  EXPECT_EQ(int_field(report, "fetched"), 3500);
  EXPECT_EQ(int_field(report, "accepted"), 3500);
  EXPECT_EQ(int_field(report, "rejected"), 0);
  EXPECT_TRUE(bool_field(report, "completed"));
  EXPECT_TRUE(report.at("error").is_null());
  ASSERT_EQ(report.at("completed_tasks").as_array().size(), 1u);
  EXPECT_EQ(as_int(report.at("completed_tasks").as_array()[0]), task_id);

  const auto task = get_task(http(), task_id);
  EXPECT_EQ(int_field(task, "task_type"), 3);
  EXPECT_EQ(int_field(task, "connected_calls"), 3000);
  EXPECT_TRUE(sync_of(task).at("last_sync_error").is_null());
  EXPECT_EQ(int_field(sync_of(task), "last_sync_records"), 3500);
  EXPECT_TRUE(is_rfc3339_utc(string_field(sync_of(task), "last_sync_at")));
  EXPECT_EQ(records_of(task_id), 3500);
  EXPECT_EQ(count_transitions(history(http(), task_id), 2, 3), 1u);

  // Every page asked once, signed, by start time; the first pass starts at the beginning.
  const auto first_pass = fake_.requests();
  ASSERT_EQ(first_pass.size(), 36u);
  EXPECT_EQ(first_pass[0].param("ActualTimeGte"), "");
  for (std::size_t i = 0; i < first_pass.size(); ++i) {
    EXPECT_TRUE(first_pass[i].signature_ok);
    EXPECT_EQ(first_pass[i].param("Action"), "SearchTask");
    EXPECT_EQ(first_pass[i].param("JobGroupId"), "jg-big");
    EXPECT_EQ(first_pass[i].param("PageIndex"), "0");
    if (i > 1) {
      EXPECT_LT(std::stoll(first_pass[i - 1].param("ActualTimeGte")),
                std::stoll(first_pass[i].param("ActualTimeGte")));
    }
  }

  // A second sync asks one page from the last start seen and finds nothing new.
  const auto again = sync(task_id);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(int_field(again.data_object(), "accepted"), 0);
  EXPECT_EQ(int_field(again.data_object(), "updated"), 0);
  EXPECT_EQ(int_field(again.data_object(), "pages"), 1);
  EXPECT_LE(int_field(again.data_object(), "fetched"), 1);
  const auto all = fake_.requests();
  ASSERT_EQ(all.size(), 37u);
  EXPECT_EQ(all.back().param("PageIndex"), "0");
  EXPECT_EQ(all.back().param("ActualTimeGte"), std::to_string(1'772'010'000'000 + 2999 * 1000));
  EXPECT_EQ(records_of(task_id), 3500);
}

TEST_F(DialerSyncTest, HundredThousandCallsSyncPageByPageInBoundedMemory) {
  start_with_dialer();
  constexpr std::size_t kCalls = 100'000;
  const auto phones = make_phones(kCalls);
  const auto task_id = create_task(http(), phones, "100k", "jg-100k");
  fake_.put(fake_attempts("jg-100k", phones, "SucceededFinish"));
  const auto pid = server_->pid();
  const auto rss_before = status_kb(pid, "VmRSS");
  const auto peak_before = status_kb(pid, "VmHWM");  // creating the task's 100,000 leads

  HttpConnection slow(server_->port(), scaled(std::chrono::minutes(4)));
  const auto started = std::chrono::steady_clock::now();
  const auto answer = slow.post_text("/tasks/" + std::to_string(task_id) + "/sync", "");
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(int_field(answer.data_object(), "pages"),
            static_cast<std::int64_t>(1 + (kCalls - 100 + 98) / 99));
  EXPECT_EQ(int_field(answer.data_object(), "accepted"), 100'000);
  const auto peak = status_kb(pid, "VmHWM");
  std::cout << "[measure] 100000 call attempts, " << int_field(answer.data_object(), "pages")
            << " pages: " << took.count() << " ms; server RSS before sync " << rss_before / 1024
            << " MiB (peak so far " << peak_before / 1024 << " MiB), peak after (VmHWM) "
            << peak / 1024 << " MiB, RSS after " << status_kb(pid, "VmRSS") / 1024 << " MiB\n";
  // One page is held at a time: holding all 100,000 attempts would add far more than this.
  // AddressSanitizer keeps freed memory in quarantine and ThreadSanitizer keeps shadow memory,
  // so the bound only holds without them (the server is built with the test's flags).
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  EXPECT_LT(peak - rss_before, 64 * 1024);
#endif
  // `http()` sat idle through the sync, longer than the server keeps an idle connection.
  EXPECT_EQ(int_field(get_task(slow, task_id), "task_type"), 3);
}

TEST_F(DialerSyncTest, AttemptStillExecutingIsReadAgainUntilItEnds) {
  start_with_dialer();
  const auto phones = make_phones(3);
  const auto task_id = create_task(http(), phones, "executing", "jg-exec");
  auto attempts = fake_attempts("jg-exec", phones, "SucceededFinish");
  attempts[1].status = "Executing";
  fake_.put(attempts);
  auto first = sync(task_id);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(int_field(get_task(http(), task_id), "connected_calls"), 2);

  attempts[1].status = "SucceededTransferByIntent";
  fake_.put({attempts[1]});
  const auto second = sync(task_id);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(int_field(second.data_object(), "updated"), 1);
  EXPECT_EQ(fake_.requests().back().param("ActualTimeGte"),
            std::to_string(attempts[1].actual_time));
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);
}

TEST_F(DialerSyncTest, ThrottledRequestsAreRetriedWithBackoffThenSucceed) {
  start_with_dialer();
  const auto [phones, task_id] = task_at_the_dialer(250, "throttled", "jg-throttle");
  fake_.throttle_next(3);
  const auto answer = sync(task_id);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(int_field(answer.data_object(), "retries"), 3);
  EXPECT_EQ(int_field(answer.data_object(), "fetched"), 250);
  std::size_t throttled = 0;
  std::size_t ok = 0;
  for (const auto& r : fake_.requests()) {
    throttled += r.answered == 400 ? 1 : 0;
    ok += r.answered == 200 ? 1 : 0;
  }
  EXPECT_EQ(throttled, 3u);
  EXPECT_EQ(ok, 3u);
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);
}

TEST_F(DialerSyncTest, ThrottlingBeyondTheRetriesIsRecordedOnTheTask) {
  start_with_dialer();
  const auto [phones, task_id] = task_at_the_dialer(5, "throttled", "jg-throttle-long");
  fake_.throttle_next(1000);
  const auto answer = sync(task_id);
  ASSERT_EQ(answer.status, 502) << answer.body;
  EXPECT_EQ(string_field(answer.data_object().at("error").as_object(), "kind"), "throttled");
  EXPECT_EQ(fake_.requests().size(), 4u);  // retry_max_attempts
  const auto task = get_task(http(), task_id);
  EXPECT_TRUE(string_field(sync_of(task), "last_sync_error").starts_with("throttled:"));
}

TEST_F(DialerSyncTest, WrongSecretIsRecordedAsAnAuthErrorWithoutCredentials) {
  const std::string wrong = "WrongSecretAlsoNeverLogged";
  start_with_dialer(wrong);
  const auto [phones, task_id] = task_at_the_dialer(3, "auth", "jg-auth");
  const auto answer = sync(task_id);
  ASSERT_EQ(answer.status, 502) << answer.body;
  const auto& error = answer.data_object().at("error").as_object();
  EXPECT_EQ(string_field(error, "kind"), "auth");
  EXPECT_NE(string_field(error, "message").find("SignatureDoesNotMatch"), std::string::npos);
  EXPECT_FALSE(fake_.requests().front().signature_ok);

  const auto task = get_task(http(), task_id);
  EXPECT_TRUE(string_field(sync_of(task), "last_sync_error").starts_with("auth:"));
  EXPECT_EQ(int_field(task, "task_type"), 1);
  EXPECT_EQ(records_of(task_id), 0);
  for (const auto& text :
       {answer.body, server_->log(), http().get("/tasks/" + std::to_string(task_id)).body}) {
    EXPECT_EQ(text.find(wrong), std::string::npos);
    EXPECT_EQ(text.find(kKeyId), std::string::npos);
  }
}

TEST_F(DialerSyncTest, ServerErrorAndTruncatedAnswerLoseNothingStored) {
  start_with_dialer();
  const auto phones = make_phones(300);
  const auto task_id = create_task(http(), phones, "faults", "jg-faults");
  const auto attempts = fake_attempts("jg-faults", phones, "SucceededFinish");
  fake_.put({attempts.begin(), attempts.begin() + 200});
  ASSERT_EQ(sync(task_id).status, 200);
  ASSERT_EQ(records_of(task_id), 200);

  fake_.put({attempts.begin() + 200, attempts.end()});
  fake_.fail_next(1, 500);
  const auto failed = sync(task_id);
  ASSERT_NO_FATAL_FAILURE(expect_sync_failed(failed, task_id, "server"));
  EXPECT_EQ(records_of(task_id), 200);

  fake_.truncate_next(1);
  const auto truncated = sync(task_id);
  ASSERT_NO_FATAL_FAILURE(expect_sync_failed(truncated, task_id, "malformed"));
  EXPECT_EQ(records_of(task_id), 200);

  const auto recovered = sync(task_id);
  ASSERT_EQ(recovered.status, 200) << recovered.body;
  EXPECT_EQ(int_field(recovered.data_object(), "accepted"), 100);
  const auto task = get_task(http(), task_id);
  EXPECT_TRUE(sync_of(task).at("last_sync_error").is_null());
  EXPECT_EQ(int_field(task, "task_type"), 3);
  EXPECT_EQ(records_of(task_id), 300);
}

TEST_F(DialerSyncTest, RestartMidSyncResumesFromTheLastStoredPage) {
  start_with_dialer();
  const auto [phones, task_id] = task_at_the_dialer(1000, "restart", "jg-restart");
  fake_.hold_from_request(5);
  std::thread caller([port = server_->port(), task_id] {
    try {
      HttpConnection connection(port);
      connection.post_text("/tasks/" + std::to_string(task_id) + "/sync", "");
    } catch (const std::exception&) {
      // The server is killed while this request waits: no answer is expected.
    }
  });
  ASSERT_TRUE(fake_.wait_until([](const auto&, std::size_t held) { return held == 1; }));
  server_->kill9();
  caller.join();
  fake_.hold_from_request(std::nullopt);
  server_->restart();
  http_ = std::make_unique<HttpConnection>(server_->port());
  // The first 5 pages were committed with their cursor: 100 attempts, then 99 new a page.
  EXPECT_EQ(records_of(task_id), 496);

  const auto held = fake_.requests().at(5);
  const auto before = fake_.requests().size();
  const auto answer = sync(task_id);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(int_field(answer.data_object(), "pages"), 6);
  EXPECT_EQ(int_field(answer.data_object(), "accepted"), 504);
  // It resumes with the page that was never stored, not from the beginning.
  const auto all = fake_.requests();
  ASSERT_EQ(all.size(), before + 6);
  EXPECT_EQ(all[before].param("ActualTimeGte"), held.param("ActualTimeGte"));
  EXPECT_NE(held.param("ActualTimeGte"), "");
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);
  EXPECT_EQ(records_of(task_id), 1000);
}

TEST_F(DialerSyncTest, SecondSyncOfARunningJobGroupIsRefused) {
  start_with_dialer();
  const auto [phones, task_id] = task_at_the_dialer(300, "busy", "jg-busy");
  fake_.hold_from_request(1);
  Response first;
  std::thread caller([&, port = server_->port()] {
    HttpConnection connection(port);
    first = connection.post_text("/tasks/" + std::to_string(task_id) + "/sync", "");
  });
  ASSERT_TRUE(fake_.wait_until([](const auto&, std::size_t held) { return held == 1; }));
  const auto second = sync(task_id);
  EXPECT_EQ(second.status, 409) << second.body;
  fake_.hold_from_request(std::nullopt);
  caller.join();
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(int_field(first.data_object(), "fetched"), 300);
  EXPECT_EQ(records_of(task_id), 300);
}

TEST(DialerSyncInstancesTest, TwoInstancesSyncingOneJobGroupStoreEachPageOnce) {
  FakeOutboundBot fake(kKeyId, kSecret, kInstance);
  const TestDatabase shared;
  ServerOptions options;
  options.db = shared.url();
  options.env = dialer_env(fake);
  ServerProcess first(options);
  first.start();
  ServerProcess second(options);
  second.start();
  const auto phones = make_phones(300);
  std::int64_t task_id = 0;
  {
    HttpConnection http(first.port());
    task_id = create_task(http, phones, "two instances", "jg-two");
  }
  fake.put(fake_attempts("jg-two", phones, "SucceededFinish"));

  // Both instances reach page 1 from the same stored cursor; the page is then answered to both
  // and only one of them may store it with the next cursor.
  fake.hold_from_request(1);
  std::vector<Response> answers(2);
  std::thread a([&] {
    HttpConnection http(first.port());
    answers[0] = http.post_text("/tasks/" + std::to_string(task_id) + "/sync", "");
  });
  ASSERT_TRUE(fake.wait_until([](const auto&, std::size_t held) { return held == 1; }));
  std::thread b([&] {
    HttpConnection http(second.port());
    answers[1] = http.post_text("/tasks/" + std::to_string(task_id) + "/sync", "");
  });
  ASSERT_TRUE(fake.wait_until([](const auto&, std::size_t held) { return held == 2; }));
  fake.hold_from_request(std::nullopt);
  a.join();
  b.join();

  std::vector<unsigned> statuses{answers[0].status, answers[1].status};
  std::sort(statuses.begin(), statuses.end());
  ASSERT_EQ(statuses, (std::vector<unsigned>{200, 409})) << answers[0].body << answers[1].body;
  const auto& loser = answers[0].status == 409 ? answers[0] : answers[1];
  EXPECT_EQ(string_field(loser.data_object().at("error").as_object(), "kind"), "concurrent_sync");
  HttpConnection http(first.port());
  EXPECT_EQ(int_field(followup(http, task_id).data_object(), "total_records"), 300);
  EXPECT_EQ(int_field(get_task(http, task_id), "task_type"), 3);
}

TEST_F(DialerSyncTest, PeriodicPullerSyncsCallingTasksByItself) {
  start_with_dialer(kSecret, 100);
  const auto phones = make_phones(50);
  const auto calling = create_task(http(), phones, "calling", "jg-pull");
  const auto created = create_task(http(), make_phones(5, 13800000000), "created", "jg-idle");
  fake_.put(fake_attempts("jg-pull", phones, "SucceededFinish"));
  fake_.add_job_group("jg-idle");
  ASSERT_EQ(start_task(http(), calling).status, 200);

  const auto deadline = std::chrono::steady_clock::now() + answer_deadline();
  // The task completes with the page that connects its last lead; the sync is recorded on it
  // once the last page is stored.
  auto synced = [&] {
    const auto t = get_task(http(), calling);
    return int_field(t, "task_type") == 3 && !t.at("sync").is_null();
  };
  while (!synced() && std::chrono::steady_clock::now() < deadline) {
    fake_.wait_until([](const auto& log, std::size_t) { return !log.empty(); },
                     std::chrono::milliseconds(200));
  }
  const auto task = get_task(http(), calling);
  EXPECT_EQ(int_field(task, "task_type"), 3);
  EXPECT_EQ(int_field(sync_of(task), "last_sync_records"), 50);
  // Only calling tasks are pulled.
  for (const auto& r : fake_.requests()) {
    EXPECT_EQ(r.param("JobGroupId"), "jg-pull");
  }
  EXPECT_TRUE(get_task(http(), created).at("sync").is_null());
}

TEST_F(DialerSyncTest, SyncRefusalsAnswerWithClearStatuses) {
  start_with_dialer();
  const auto no_group = create_task(http(), make_phones(1), "no group");
  const auto no_group_answer = sync(no_group);
  EXPECT_EQ(no_group_answer.status, 409) << no_group_answer.body;
  EXPECT_EQ(sync(999999).status, 404);
  EXPECT_EQ(http().post_text("/tasks/abc/sync", "").status, 400);

  const auto unknown = create_task(http(), make_phones(1), "unknown", "jg-not-at-the-dialer");
  const auto answer = sync(unknown);
  ASSERT_NO_FATAL_FAILURE(expect_sync_failed(answer, unknown, "unknown_job_group"));
}

TEST_F(DialerSyncTest, WithoutADialerAccountSyncAnswers503) {
  start({});
  const auto task_id = create_task(http(), make_phones(1), "no account", "jg-x");
  const auto answer = sync(task_id);
  EXPECT_EQ(answer.status, 503) << answer.body;
  EXPECT_TRUE(get_task(http(), task_id).at("sync").is_null());
}

TEST(DialerSyncTlsTest, HttpsEndpointIsVerifiedAgainstTheConfiguredCa) {
  TempDir dir;
  const auto tls = make_test_certificate(dir.path().string());
  FakeOutboundBot fake(kKeyId, kSecret, kInstance, tls);
  const auto phones = make_phones(150);
  fake.put(fake_attempts("jg-tls", phones, "SucceededFinish"));

  // Without trusting the fake's certificate the sync fails as a network error.
  {
    ServerOptions options;
    options.env = dialer_env(fake);
    ServerProcess server(options);
    server.start();
    HttpConnection http(server.port());
    const auto task_id = create_task(http, phones, "tls", "jg-tls");
    const auto refused = http.post_text("/tasks/" + std::to_string(task_id) + "/sync", "");
    ASSERT_EQ(refused.status, 502) << refused.body;
    EXPECT_EQ(string_field(refused.data_object().at("error").as_object(), "kind"), "network");
    EXPECT_TRUE(fake.requests().empty());
  }
  ServerOptions options;
  options.env = dialer_env(fake);
  options.env.emplace_back("DIALTRACK_DIALERS_CA_FILE", tls.cert_file);
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  const auto task_id = create_task(http, phones, "tls", "jg-tls");
  const auto answer = http.post_text("/tasks/" + std::to_string(task_id) + "/sync", "");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(int_field(answer.data_object(), "fetched"), 150);
  EXPECT_EQ(int_field(get_task(http, task_id), "task_type"), 3);
  EXPECT_TRUE(fake.requests().front().signature_ok);
}

TEST_F(DialerSyncTest, CliSyncsAJobGroup) {
  start({});  // a server without an account: the CLI pulls on its own
  const auto [phones, task_id] = task_at_the_dialer(120, "cli", "jg-cli");
  auto args = std::vector<std::string>{"sync", "--job-group", "jg-cli", "--db", server_->db()};
  const auto result = run_dialtrack(args, dialer_env(fake_));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto printed = boost::json::parse(result.out).as_object();
  EXPECT_EQ(int_field(printed, "fetched"), 120);
  EXPECT_EQ(int_field(printed, "pages"), 2);
  EXPECT_EQ(result.err.find(kSecret), std::string::npos);
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);

  const auto bad = run_dialtrack({"sync", "--task", std::to_string(task_id), "--db", server_->db()},
                                 dialer_env(fake_, "wrong-secret"));
  EXPECT_EQ(bad.exit_code, 4) << bad.out << bad.err;
}

}  // namespace
}  // namespace dialtrack::test
