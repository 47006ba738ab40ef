// Every answer, success or error, is the envelope {status, code, message, data}.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class EnvelopeTest : public ServerTest {};

TEST_F(EnvelopeTest, EveryEndpointAndOutcomeAnswersAnEnvelope) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  const std::string task = "/tasks/" + std::to_string(task_id);
  const std::string id = std::to_string(task_id);

  std::vector<std::pair<std::string, Response>> answers;
  auto record = [&](std::string what, Response response) {
    answers.emplace_back(std::move(what), std::move(response));
  };
  record("healthz", http().get("/healthz"));
  record("create", http().post("/tasks", boost::json::object{{"name", "x"}}));
  record("list", http().get("/tasks"));
  record("get", http().get(task));
  record("leads",
         http().post(task + "/leads", boost::json::object{{"leads", leads_of({"13700000000"})}}));
  record("start", start_task(http(), task_id));
  record("history", http().get(task + "/history"));
  record("ingest", push_records(http(), {call_record("env-1", task_id, phones[0], "Connected")}));
  record("followup", followup(http(), task_id));
  record("check post",
         http().post("/check_task_completion", boost::json::object{{"task_id", task_id}}));
  record("check get", http().get("/check_task_completion/" + id));
  record("batch", http().post("/check_task_completion/batch",
                              boost::json::object{{"task_ids", boost::json::array{task_id, 9}}}));
  record("delete", delete_task(http(), task_id));
  record("start deleted (409)", start_task(http(), task_id));
  record("bad field (400)", http().post("/tasks", boost::json::object{{"name", 1}}));
  record("bad json (400)", http().post_text("/tasks", "{"));
  record("bad id (400)", http().get("/tasks/abc"));
  record("bad query (400)", http().get("/tasks?page=0"));
  record("unknown task (404)", http().get("/tasks/8888888"));
  record("unknown route (404)", http().get("/unknown"));
  record("method (405)", http().request("PUT", "/tasks", "{}"));

  for (const auto& [what, response] : answers) {
    EXPECT_TRUE(is_envelope(response)) << what;
    const auto content_type = response.header("Content-Type").value_or("");
    EXPECT_EQ(content_type.rfind("application/json", 0), 0u) << what << ": " << content_type;
  }
}

TEST_F(EnvelopeTest, ErrorsWithoutAFieldHaveNullData) {
  EXPECT_TRUE(http().get("/tasks/8888888").data().is_null());
  EXPECT_TRUE(http().get("/unknown").data().is_null());
  EXPECT_TRUE(http().post_text("/tasks", "{").data().is_null());
}

TEST_F(EnvelopeTest, SuccessMessageIsChineseByDefault) {
  const auto response = http().get("/healthz");
  EXPECT_TRUE(has_chinese(response.message())) << response.message();
}

}  // namespace
}  // namespace dialtrack::test
