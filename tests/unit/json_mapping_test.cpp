#include "http/json_mapping.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "domain/json_text.hpp"
#include "http/router.hpp"

namespace dialtrack::http {
namespace {

namespace json = boost::json;
using domain::Timestamp;

Timestamp at_millis(std::int64_t millis) {
  return Timestamp{std::chrono::milliseconds{millis}};
}

/// Records with every optional field absent and present, text that needs escapes, unicode,
/// stored `extra` in and out of the form the service writes, extreme numbers and times.
std::vector<domain::CallRecord> varied_records() {
  std::vector<domain::CallRecord> out;
  domain::CallRecord plain;
  plain.call_id = "call-1";
  plain.task_id = 7;
  plain.phone = "13800138000";
  plain.fields.call_status = "Connected";
  plain.connected = true;
  plain.created_at = at_millis(1'796'643'382'139);
  plain.updated_at = at_millis(1'796'643'382'000);
  out.push_back(plain);  // every optional field null

  domain::CallRecord full = plain;
  full.call_id = "呼叫-\"引号\"\\反斜杠\n\t\x01\x1f\x7f";
  full.task_id = std::numeric_limits<std::int64_t>::max();
  full.phone = "+86 138 0013 8000";
  full.fields.job_group_id = "组 \"1\"";
  full.fields.job_id = std::string("nul\0inside", 10);
  full.fields.call_status = "未接通";
  full.fields.started_at = at_millis(0);
  full.fields.ended_at = at_millis(253'402'300'799'999);  // 9999-12-31T23:59:59.999Z
  full.fields.event_time = at_millis(-1);
  full.fields.duration = std::numeric_limits<std::int64_t>::min();
  full.fields.extra_json = R"({"hangup_cause":"client"})";
  full.connected = false;
  out.push_back(full);

  for (const char* extra : {
           R"({"a":1,"b":[true,false,null],"c":{"d":"e"},"big":123456789012345678})",
           R"({ "spaced" : [ 1 , 2 ] })",
           R"({"rate":0.4162,"whole":2.0,"tiny":1e-7,"huge":1e300,"neg":-0})",
           R"({"n":18446744073709551615,"m":-9223372036854775808,"over":99999999999999999999})",
           R"({"s":"\u00e9\u4e2d\ud83d\ude00\/\u0041"})",
           "{\"s\":\"外呼 caf\xc3\xa9 \xf0\x9f\x98\x80\"}",
           R"({"quote":"say \"hi\"","ctl":"\u0001\u001f\b\f\n\r\t"})",
           R"({"dup":1,"dup":2})",
           "{\"bad\":\"\xff\"}",
           "not json",
           "",
           "[1,2,3]",
       }) {
    domain::CallRecord r = full;
    r.call_id = std::string("extra ") + extra;
    r.fields.extra_json = extra;
    r.fields.duration = 45;
    out.push_back(r);
  }

  std::mt19937_64 rng(15);
  std::uniform_int_distribution<std::int64_t> millis(-62'000'000'000'000, 253'402'300'799'999);
  for (int i = 0; i < 200; ++i) {
    domain::CallRecord r = plain;
    r.call_id = "r" + std::to_string(rng());
    r.task_id = static_cast<std::int64_t>(rng() >> 1U);
    r.fields.started_at = at_millis(millis(rng));
    r.fields.ended_at = i % 3 == 0 ? std::nullopt : std::optional(at_millis(millis(rng)));
    r.fields.event_time = at_millis(millis(rng) / 1000 * 1000);
    r.fields.duration = i % 2 == 0 ? std::nullopt : std::optional<std::int64_t>(i);
    r.created_at = at_millis(millis(rng));
    r.updated_at = at_millis(millis(rng));
    r.connected = i % 2 == 0;
    out.push_back(r);
  }
  return out;
}

std::string written(const domain::CallRecord& record) {
  std::string out;
  domain::JsonWriter writer(out);
  write_json(writer, record);
  return out;
}

TEST(JsonMapping, WrittenRecordIsTheDomsText) {
  for (const auto& record : varied_records()) {
    EXPECT_EQ(written(record), domain::json_text(to_json(record))) << record.call_id;
  }
}

TEST(JsonMapping, CheckIsTheDomsText) {
  app::CheckResult result;
  for (const auto& [type, id, total, connected, settled] :
       {std::tuple(domain::TaskType::kCalling, std::int64_t{1}, std::int64_t{0}, std::int64_t{0},
                   std::int64_t{0}),
        std::tuple(domain::TaskType::kCompleted, std::int64_t{9'007'199'254'740'993},
                   std::int64_t{1'000'000}, std::int64_t{999'999}, std::int64_t{1'000'000}),
        std::tuple(domain::TaskType::kDeleted, std::int64_t{42}, std::int64_t{3}, std::int64_t{2},
                   std::int64_t{1})}) {
    result.task.task_id = id;
    result.task.task_type = type;
    result.task.total_calls = total;
    result.task.connected_calls = connected;
    result.task.settled_calls = settled;
    // The DOM the routes built before.
    const json::object dom{
        {"task_id", id},
        {"task_type", static_cast<int>(type)},
        {"is_completed", type == domain::TaskType::kCompleted},
        {"total_calls", total},
        {"connected_calls", connected},
        {"settled_calls", settled},
    };
    EXPECT_EQ(check_text(result), domain::json_text(dom));
    EXPECT_EQ(check_json(result), dom);
  }
}

TEST(JsonMapping, FollowupPageIsTheDomsText) {
  app::FollowupResult result;
  result.check.task.task_id = 42;
  result.check.task.task_type = domain::TaskType::kCompleted;
  result.check.task.total_calls = 3;
  result.check.task.connected_calls = 2;
  result.check.task.settled_calls = 1;
  result.records.total = 1'000'000;
  for (const auto& [records, page, size] :
       {std::tuple(varied_records(), std::int64_t{2}, std::int64_t{500}),
        std::tuple(std::vector<domain::CallRecord>{}, std::int64_t{1}, std::int64_t{50})}) {
    result.records.items = records;
    // The data as the route built it before: check_json's members, then the page.
    json::array items;
    for (const auto& record : records) {
      items.push_back(to_json(record));
    }
    auto data = check_json(result.check);
    data["records"] = std::move(items);
    data["total_records"] = result.records.total;
    data["page"] = page;
    data["page_size"] = size;
    EXPECT_EQ(followup_json(result, page, size), domain::json_text(data));
  }
}

std::vector<store_api::LeadView> varied_leads() {
  std::vector<store_api::LeadView> out;
  store_api::LeadView bare;
  bare.lead_id = 1;
  bare.task_id = 2;
  bare.lead.phone = "13800138000";
  bare.lead.phone_key = "+8613800138000";
  out.push_back(bare);  // every optional field null
  const auto states = {domain::LeadState::kPending, domain::LeadState::kConnected,
                       domain::LeadState::kExhausted, domain::LeadState::kUnreachable};
  int i = 0;
  for (const char* attrs : {
           R"({"city":"hz","age":31,"vip":true,"tags":["a","b"],"none":null})",
           R"({"name":"王\"五\"","s":"\u00e9\/"})",
           "{\"城市\":\"杭州\"}",
           R"({"score":0.5,"big":18446744073709551615,"neg":-0})",
           R"({ "spaced": 1 })",
           R"({"dup":1,"dup":2})",
           "not json",
           "",
       }) {
    store_api::LeadView lead = bare;
    lead.lead.name = std::string("姓名 \"") + attrs + "\"\n";
    lead.lead.job_id = "job-" + std::to_string(i);
    lead.lead.attrs_json = attrs;
    lead.state = *(states.begin() + i % 4);
    lead.attempts = std::numeric_limits<std::int64_t>::max() - i;
    lead.latest_status = "未接通";
    lead.latest_at = at_millis(1'796'643'382'139 + i);
    lead.connected_at = i % 2 == 0 ? std::nullopt : std::optional(at_millis(-62'000'000'000'000));
    out.push_back(lead);
    ++i;
  }
  return out;
}

TEST(JsonMapping, LeadPageIsTheDomsText) {
  store_api::LeadPage leads;
  leads.items = varied_leads();
  leads.total = 12'345;
  for (const auto& lead : leads.items) {
    std::string out;
    domain::JsonWriter writer(out);
    write_json(writer, lead);
    EXPECT_EQ(out, domain::json_text(to_json(lead)));
  }
  // The data as the leads route built it before.
  json::array items;
  for (const auto& lead : leads.items) {
    items.push_back(to_json(lead));
  }
  const json::object data{
      {"items", std::move(items)}, {"total", leads.total}, {"page", 3}, {"page_size", 20}};
  EXPECT_EQ(lead_page_json(leads, 3, 20), domain::json_text(data));
  EXPECT_EQ(lead_page_json(store_api::LeadPage{}, 1, 50),
            R"({"items":[],"total":0,"page":1,"page_size":50})");
}

std::string header_text(const Response& response) {
  std::string out;
  for (const auto& field : response.base()) {
    out += std::string(field.name_string()) + ": " + std::string(field.value()) + "\n";
  }
  return out;
}

TEST(JsonMapping, EnvelopeOfWrittenDataIsTheDomsEnvelope) {
  const auto data = json::parse(R"({"task_id":1,"records":[{"extra":{"a":"\u00e9\n"}}],"x":null})");
  for (const auto& [status, message] :
       {std::pair(Status::ok, std::string("成功")), std::pair(Status::created, std::string("ok")),
        std::pair(Status::not_found, std::string("say \"no\"\n\x01"))}) {
    for (const bool keep_alive : {true, false}) {
      const Reply dom = ok(data, message, status);
      Reply text = ok(nullptr, message, status);
      text.data_json = domain::json_text(data);
      const auto expected = envelope_response(dom, 11, keep_alive);
      const auto written = envelope_response(text, 11, keep_alive);
      // The envelope as a DOM, the way the router built it before.
      const json::object envelope{
          {"status", static_cast<unsigned>(status) < 400 ? "success" : "error"},
          {"code", static_cast<unsigned>(status)},
          {"message", message},
          {"data", data},
      };
      EXPECT_EQ(expected.body(), domain::json_text(envelope));
      EXPECT_EQ(written.body(), expected.body());
      EXPECT_EQ(written.result(), expected.result());
      EXPECT_EQ(header_text(written), header_text(expected));
    }
  }
}

}  // namespace
}  // namespace dialtrack::http
