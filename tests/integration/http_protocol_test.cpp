// HTTP/1.1 behaviour the dialer and dashboards rely on: keep-alive, pipelining, Connection:
// close, HTTP/1.0, and a garbage request that must not hurt other clients.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class HttpProtocolTest : public ServerTest {};

TEST_F(HttpProtocolTest, PipelinedRequestsAreAnsweredInOrder) {
  const auto task_id = create_task(http(), make_phones(1));
  const std::string get_task_request =
      "GET /tasks/" + std::to_string(task_id) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const std::string body = R"({"name":"pipelined"})";
  const std::string create_request =
      "POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  const std::string missing_request = "GET /tasks/999999 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  HttpConnection raw(server_.port());
  raw.send_raw(get_task_request + create_request + missing_request + get_task_request);
  const auto first = raw.read_response();
  const auto second = raw.read_response();
  const auto third = raw.read_response();
  const auto fourth = raw.read_response();
  EXPECT_EQ(first.status, 200u) << first.describe();
  EXPECT_EQ(int_field(first.data_object(), "task_id"), task_id);
  EXPECT_EQ(second.status, 201u) << second.describe();
  EXPECT_EQ(string_field(second.data_object(), "name"), "pipelined");
  EXPECT_EQ(third.status, 404u) << third.describe();
  EXPECT_EQ(fourth.status, 200u) << fourth.describe();
}

TEST_F(HttpProtocolTest, ConnectionCloseIsHonoured) {
  HttpConnection raw(server_.port());
  raw.send_raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  const auto response = raw.read_response();
  EXPECT_EQ(response.status, 200u) << response.describe();
  EXPECT_FALSE(response.keep_alive);
  EXPECT_TRUE(raw.wait_for_close(answer_deadline()));
}

TEST_F(HttpProtocolTest, Http10GetsAnAnswerAndIsClosed) {
  HttpConnection raw(server_.port());
  raw.send_raw("GET /healthz HTTP/1.0\r\n\r\n");
  const auto response = raw.read_response();
  EXPECT_EQ(response.status, 200u) << response.describe();
  EXPECT_TRUE(is_envelope(response));
  EXPECT_TRUE(raw.wait_for_close(answer_deadline()));
}

TEST_F(HttpProtocolTest, GarbageRequestDoesNotHurtOtherClients) {
  HttpConnection garbage(server_.port());
  garbage.send_raw("THIS IS NOT HTTP\r\n\x01\x02\x03\r\n\r\n");
  // The server may answer 400 or just close; either way that connection ends, and it must
  // end with an envelope if anything is answered.
  try {
    const auto response = garbage.read_response();
    EXPECT_TRUE(is_error(response, 400));
  } catch (const std::exception&) {
    // Closed without an answer: acceptable for bytes that are not HTTP at all.
  }
  EXPECT_EQ(http().get("/healthz").status, 200u);
  HttpConnection fresh(server_.port());
  EXPECT_EQ(fresh.get("/healthz").status, 200u);
}

TEST_F(HttpProtocolTest, ClientThatVanishesMidRequestDoesNotHurtOthers) {
  {
    HttpConnection vanishing(server_.port());
    vanishing.send_raw(
        "POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{\"name\":");
    vanishing.close();
  }
  EXPECT_EQ(http().get("/healthz").status, 200u);
  EXPECT_EQ(int_field(http().get("/tasks").data_object(), "total"), 0);
}

}  // namespace
}  // namespace dialtrack::test
