// The command line: --version, --help, migrate, check, and bad invocations.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/server_test.hpp"
#include "support/temp_dir.hpp"

namespace dialtrack::test {
namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

/// The schema version printed by `migrate`: the number its output ends with ("3" or
/// "schema version 3"); nothing when it does not end with one.
std::optional<long long> printed_version(const std::string& out) {
  const std::string text = trimmed(out);
  std::size_t start = text.size();
  while (start > 0 && text[start - 1] >= '0' && text[start - 1] <= '9') {
    --start;
  }
  if (start == text.size()) {
    return std::nullopt;
  }
  return std::stoll(text.substr(start));
}

/// The check answer printed by `dialtrack check`: the envelope's data when an envelope is
/// printed, else the object itself.
boost::json::object check_output(const CommandResult& result) {
  boost::json::error_code ec;
  auto value = boost::json::parse(result.out, ec);
  if (ec || !value.is_object()) {
    throw std::runtime_error("check printed no JSON object: " + result.out + result.err);
  }
  auto& object = value.as_object();
  if (const auto* data = object.if_contains("data"); data != nullptr && data->is_object()) {
    return data->as_object();
  }
  return object;
}

TEST(CliTest, VersionPrintsTheProjectVersion) {
  const auto result = run_dialtrack({"--version"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find(DIALTRACK_VERSION), std::string::npos) << result.out;
}

TEST(CliTest, HelpNamesTheSubcommands) {
  const auto result = run_dialtrack({"--help"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  for (const char* word : {"serve", "check", "migrate"}) {
    EXPECT_NE(result.out.find(word), std::string::npos) << word << " missing in:\n" << result.out;
  }
}

TEST(CliTest, UnknownSubcommandFails) {
  const auto result = run_dialtrack({"no-such-command"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.exit_code, -1) << "it should fail at once, not run";
}

TEST(CliTest, MigrateCreatesTheSchemaAndIsIdempotent) {
  const TestDatabase database;
  const auto& db = database.url();
  const auto first = run_dialtrack({"migrate", "--db", db});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto version = printed_version(first.out);
  ASSERT_TRUE(version.has_value()) << first.out;
  EXPECT_GT(*version, 0);
  if (!on_postgresql()) {
    EXPECT_TRUE(std::filesystem::exists(db));
  }

  const auto second = run_dialtrack({"migrate", "--db", db});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(printed_version(second.out), version);

  // The server starts on the migrated file.
  ServerOptions options;
  options.db = db;
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  EXPECT_EQ(http.get("/healthz").status, 200u);
}

TEST(CliTest, CheckPrintsTheStoredStateOfATask) {
  ServerProcess server;
  server.start();
  const auto phones = make_phones(3);
  std::int64_t partial = 0;
  std::int64_t completed = 0;
  {
    HttpConnection http(server.port());
    partial = create_task(http, phones);
    push(http, {call_record("cli-1", partial, phones[0], "Connected")});
    completed = create_task(http, {phones[0]});
    push(http, {call_record("cli-2", completed, phones[0], "SucceededFinish")});
  }
  ASSERT_EQ(server.terminate(), 0);
  const auto db = server.db();

  const auto not_done = run_dialtrack({"check", std::to_string(partial), "--db", db});
  ASSERT_EQ(not_done.exit_code, 0) << not_done.err;
  const auto partial_state = check_output(not_done);
  EXPECT_EQ(int_field(partial_state, "task_id"), partial);
  EXPECT_EQ(int_field(partial_state, "task_type"), 2);
  EXPECT_FALSE(bool_field(partial_state, "is_completed"));
  EXPECT_EQ(int_field(partial_state, "total_calls"), 3);
  EXPECT_EQ(int_field(partial_state, "connected_calls"), 1);

  const auto done = run_dialtrack({"check", std::to_string(completed), "--db", db});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  const auto completed_state = check_output(done);
  EXPECT_EQ(int_field(completed_state, "task_type"), 3);
  EXPECT_TRUE(bool_field(completed_state, "is_completed"));
}

TEST(CliTest, RecountFindsNoDriftInCountersKeptByTheServer) {
  ServerProcess server;
  server.start();
  {
    HttpConnection http(server.port());
    const auto phones = make_phones(3);
    const auto task_id = create_task(http, phones);
    push(http, {call_record_at("rc-1", task_id, phones[0], "NoAnswer", 0),
                call_record_at("rc-1", task_id, phones[0], "Connected", 10),
                call_record_at("rc-2", task_id, phones[1], "Busy", 0)});
    create_task(http, make_phones(2, 15000000000));
  }
  ASSERT_EQ(server.terminate(), 0);
  const auto result = run_dialtrack({"recount", "--db", server.db()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("2 tasks checked, 0 with drift"), std::string::npos) << result.out;
}

TEST(CliTest, CheckOfAnUnknownTaskExitsOne) {
  const TestDatabase database;
  const auto& db = database.url();
  ASSERT_EQ(run_dialtrack({"migrate", "--db", db}).exit_code, 0);
  const auto result = run_dialtrack({"check", "12345", "--db", db});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
}

/// The commands that only read what is stored, with their arguments.
std::vector<std::vector<std::string>> reading_commands(const std::filesystem::path& dir) {
  return {{"check", "1"},
          {"report", "1"},
          {"report", "--summary"},
          {"export-records", "1", "--output", (dir / "out.csv").string()},
          {"recount"},
          {"recount", "1", "--fix"},
          {"backup", (dir / "copy.db").string()},
          {"routes"}};
}

TEST(CliTest, ReadingCommandsRefuseAMissingDatabaseFileAndCreateNone) {
  const TempDir dir;
  const auto db = dir.path() / "mistyped.db";
  for (auto args : reading_commands(dir.path())) {
    const auto command = args.front();
    args.insert(args.end(), {"--db", db.string()});
    const auto result = run_dialtrack(args);
    EXPECT_EQ(result.exit_code, 2) << command << ": " << result.out << result.err;
    EXPECT_TRUE(
        result.err.starts_with("dialtrack " + command + ": no database at \"" + db.string() + "\""))
        << result.err;
    EXPECT_NE(result.err.find("dialtrack migrate"), std::string::npos) << result.err;
    EXPECT_EQ(result.out, "") << command;
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << command << " created a file";
  }
}

TEST(CliTest, ReadingCommandsRefuseWithoutDbWhenNoDefaultDatabaseIsThere) {
  // No --db and no ./dialtrack.db in the working directory: nothing is created there.
  const TempDir dir;
  for (const auto& args : reading_commands(dir.path())) {
    std::string line =
        "cd '" + dir.path().string() + "' && exec '" + dialtrack_binary().string() + "'";
    for (const auto& arg : args) {
      line += " '" + arg + "'";
    }
    const auto result = run_command({"/bin/sh", "-c", line});
    EXPECT_EQ(result.exit_code, 2) << line << ": " << result.out << result.err;
    EXPECT_NE(result.err.find(": no database at \"./dialtrack.db\""), std::string::npos)
        << result.err;
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << args.front() << " created a file";
  }
}

TEST(CliTest, ReadingCommandsReadAnExistingDatabase) {
  const TempDir dir;
  const auto db = (dir.path() / "dialtrack.db").string();
  ASSERT_EQ(run_dialtrack({"migrate", "--db", db}).exit_code, 0);
  const auto summary = run_dialtrack({"report", "--summary", "--db", db});
  EXPECT_EQ(summary.exit_code, 0) << summary.out << summary.err;
  EXPECT_NE(summary.out.find("\"connect_rate\":0}"), std::string::npos) << summary.out;
  const auto recount = run_dialtrack({"recount", "--db", db});
  EXPECT_EQ(recount.exit_code, 0) << recount.out << recount.err;
}

TEST(CliTest, BadListenAddressFailsToStart) {
  const TestDatabase database;
  const auto result = run_dialtrack({"serve", "--listen", "not-an-address", "--db", database.url()},
                                    {}, std::chrono::seconds(20));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.exit_code, -1) << "it should refuse at once, not serve";
  EXPECT_EQ(result.out.find("listening on"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace dialtrack::test
