#include "dialers/alibaba/alibaba_outboundbot.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cstdio>
#include <ctime>
#include <limits>
#include <random>
#include <stdexcept>

#include "dialers/alibaba/rpc_signature.hpp"
#include "dialers/alibaba/search_paging.hpp"
#include "domain/integer.hpp"

namespace dialtrack::dialers {

namespace json = boost::json;

namespace {

constexpr std::string_view kVersion = "2019-12-26";
constexpr std::string_view kAction = "SearchTask";
constexpr std::string_view kMethod = "GET";  // SearchTask is a GET action (TS client.ts)
constexpr std::size_t kMaxMessage = 300;

/// §4.1: the status strings by code, for an answer that gives only `TaskStatus`.
constexpr std::array<std::string_view, 33> kTaskStatuses{
    "Executing",
    "Succeeded",
    "NoAnswer",
    "NotExist",
    "Busy",
    "Cancelled",
    "Failed",
    "NotConnected",
    "PoweredOff",
    "OutOfService",
    "InArrears",
    "EmptyNumber",
    "PerDayCallCountLimit",
    "ContactBlockList",
    "CallerNotRegistered",
    "Terminated",
    "VerificationCancelled",
    "OutOfServiceNoCall",
    "InArrearsNoCall",
    "CallingNumberNotExist",
    "SucceededFinish",
    "SucceededChatbotHangUpAfterNoAnswer",
    "SucceededChatbotHangUpAfterSilence",
    "SucceededClientHangUpAfterNoAnswer",
    "SucceededClientHangUp",
    "SucceededTransferByIntent",
    "SucceededTransferAfterNoAnswer",
    "SucceededInoInterAction",
    "SucceededError",
    "SucceededSpecialInterceptVoiceAssistant",
    "SucceededSpecialInterceptExtensionNumberTransfer",
    "SucceededSpecialInterceptCustomSpecialIntercept",
    "HighRiskSipCode",
};

std::string iso8601_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text.data();
}

std::string nonce() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::array<char, 33> text{};
  std::snprintf(text.data(), text.size(), "%016llx%016llx",
                static_cast<unsigned long long>(random()),
                static_cast<unsigned long long>(random()));
  return text.data();
}

/// A JSON integer, or a string of digits (some Alibaba APIs send numbers as strings).
std::optional<std::int64_t> number_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return std::nullopt;
  }
  if (v->is_int64()) {
    return v->as_int64();
  }
  if (v->is_uint64() && v->as_uint64() <= std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v->as_uint64());
  }
  if (v->is_double()) {
    return static_cast<std::int64_t>(v->as_double());
  }
  if (v->is_string()) {
    return domain::parse_int64(v->as_string());
  }
  throw std::invalid_argument(std::string(key) + " is not a number");
}

std::optional<std::string> string_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return std::nullopt;
  }
  if (v->is_string()) {
    return std::string(v->as_string());
  }
  if (v->is_int64()) {
    return std::to_string(v->as_int64());
  }
  throw std::invalid_argument(std::string(key) + " is not a string");
}

std::string first_of(const json::object& o, std::string_view a, std::string_view b) {
  try {
    if (auto s = string_of(o, a)) {
      return *s;
    }
    if (auto s = string_of(o, b)) {
      return *s;
    }
  } catch (const std::invalid_argument&) {
  }
  return {};
}

bool starts_with_any(std::string_view text, std::initializer_list<std::string_view> prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](std::string_view p) { return text.starts_with(p); });
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

/// `Limit:1,Remain:0,TimeLeft:2000,Reset:1234` -> 2000 ms.
std::optional<std::chrono::milliseconds> time_left(const net::HttpAnswer& answer) {
  std::optional<std::chrono::milliseconds> out;
  for (const char* name : {"x-ratelimit-user-api", "x-ratelimit-user"}) {
    const auto it = answer.headers.find(name);
    if (it == answer.headers.end()) {
      continue;
    }
    const auto pos = it->second.find("TimeLeft:");
    if (pos == std::string::npos) {
      continue;
    }
    std::string_view rest(it->second);
    rest = rest.substr(pos + 9);
    rest = rest.substr(0, rest.find(','));
    if (const auto ms = domain::parse_int64(rest); ms && *ms >= 0) {
      out = std::max(out.value_or(std::chrono::milliseconds{0}), std::chrono::milliseconds{*ms});
    }
  }
  return out;
}

/// The dialer refused the request: which failure, and its code and message for the operator.
FetchError classify_error(const net::HttpAnswer& answer, const json::object* body) {
  std::string code;
  std::string message;
  std::string request_id;
  if (body != nullptr) {
    code = first_of(*body, "Code", "code");
    message = first_of(*body, "Message", "message");
    request_id = first_of(*body, "RequestId", "requestId");
  }
  // A SignatureDoesNotMatch message repeats the server's string to sign; it names the
  // AccessKeyId, which is no business of a log line.
  if (const auto pos = message.find("server string to sign"); pos != std::string::npos) {
    message.resize(pos);
  }
  if (message.size() > kMaxMessage) {
    message.resize(kMaxMessage);
  }
  while (!message.empty() && (message.back() == ' ' || message.back() == ':')) {
    message.pop_back();
  }
  FetchError error;
  error.message = std::string(kAction) + " answered HTTP " + std::to_string(answer.status);
  if (!code.empty()) {
    error.message += " " + code;
  }
  if (!message.empty()) {
    error.message += ": " + message;
  }
  if (!request_id.empty()) {
    error.message += " (request id " + request_id + ")";
  }
  const auto retry_after = time_left(answer);
  const auto lower_code = lower(code);
  if (code.starts_with("Throttling") || answer.status == 429 ||
      (retry_after && answer.status >= 400)) {
    error.kind = FetchFailure::kThrottled;
    error.retry_after = retry_after;
  } else if (answer.status == 401 || answer.status == 403 ||
             starts_with_any(code,
                             {"SignatureDoesNotMatch", "IncompleteSignature", "SignatureNonceUsed",
                              "InvalidAccessKeyId", "InvalidAK", "InvalidTimeStamp", "Forbidden",
                              "NoPermission", "Permission", "InvalidSecurityToken"})) {
    error.kind = FetchFailure::kAuth;
  } else if (answer.status == 404 || lower_code.find("notexist") != std::string::npos ||
             lower_code.find("notfound") != std::string::npos) {
    error.kind = FetchFailure::kUnknownJobGroup;
  } else {
    error.kind = FetchFailure::kServer;
  }
  return error;
}

FetchError malformed(const std::string& reason) {
  return {FetchFailure::kMalformed, std::string(kAction) + " answer is malformed: " + reason,
          std::nullopt};
}

CallAttempt attempt_of(const json::object& row, std::string_view job_group_id) {
  CallAttempt a;
  a.call_id = string_of(row, "TaskId").value_or("");
  a.job_group_id = string_of(row, "JobGroupId").value_or(std::string(job_group_id));
  a.job_id = string_of(row, "JobId");
  a.phone = string_of(row, "CalledNumber").value_or("");
  if (auto status = string_of(row, "TaskStatusString"); status && !status->empty()) {
    a.call_status = *status;
  } else if (const auto code = number_of(row, "TaskStatus");
             code && *code >= 0 && *code < static_cast<std::int64_t>(kTaskStatuses.size())) {
    a.call_status = kTaskStatuses[static_cast<std::size_t>(*code)];
  }
  const auto actual = number_of(row, "ActualTime");
  const auto duration_ms = number_of(row, "CallDuration");
  if (actual && *actual > 0) {
    a.started_at = domain::Timestamp{std::chrono::milliseconds{*actual}};
  }
  if (duration_ms && *duration_ms >= 0) {
    a.duration = (*duration_ms + 500) / 1000;
    // The answer has no end time: a finished attempt ends its talk time after its start.
    if (a.started_at && a.call_status != "Executing") {
      a.ended_at = *a.started_at + std::chrono::milliseconds{*duration_ms};
    }
  }
  a.event_time = a.ended_at ? a.ended_at : a.started_at;
  return a;
}

}  // namespace

std::string alibaba_endpoint(const AlibabaOptions& options) {
  if (!options.endpoint.empty()) {
    return options.endpoint;
  }
  return "https://outboundbot." + options.region + ".aliyuncs.com";
}

AlibabaOutboundBot::AlibabaOutboundBot(AlibabaOptions options)
    : options_(std::move(options)),
      http_({.ca_file = options_.ca_file, .ca_file_setting = "dialers.ca_file"}) {
  const auto url = alibaba_endpoint(options_);
  auto endpoint = net::Endpoint::parse(url);
  if (!endpoint) {
    throw std::invalid_argument("dialers.alibaba.endpoint '" + url +
                                "' is not an http:// or https:// URL with a host");
  }
  endpoint_ = std::move(*endpoint);
}

AlibabaOutboundBot::~AlibabaOutboundBot() = default;

std::string AlibabaOutboundBot::account() const {
  return "alibaba:" + options_.instance_id;
}

FetchOutcome AlibabaOutboundBot::fetch_page(std::string_view job_group_id,
                                            std::string_view cursor_text) {
  const auto cursor = search_paging::parse(cursor_text);
  const auto range = search_paging::request(cursor);
  rpc::Params params{
      {"Action", std::string(kAction)},
      {"Version", std::string(kVersion)},
      {"Format", "JSON"},
      {"AccessKeyId", options_.access_key_id},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureVersion", "1.0"},
      {"SignatureNonce", nonce()},
      {"Timestamp", iso8601_now()},
      {"RegionId", options_.region},
      {"InstanceId", options_.instance_id},
      {"JobGroupId", std::string(job_group_id)},
      {"PageIndex", std::to_string(range.page_index)},
      {"PageSize", std::to_string(options_.page_size)},
      {"SortBy", "actualTime"},
      {"SortOrder", "asc"},
  };
  if (range.actual_time_gte) {
    params.emplace_back("ActualTimeGte", std::to_string(*range.actual_time_gte));
  }
  if (range.actual_time_lte) {
    params.emplace_back("ActualTimeLte", std::to_string(*range.actual_time_lte));
  }
  const auto signature = rpc::sign(kMethod, params, options_.access_key_secret);
  std::string target =
      "/?" + rpc::canonicalized_query(params) + "&Signature=" + rpc::percent_encode(signature);

  const net::Request request{
      .method = std::string(kMethod),
      .target = std::move(target),
      .headers = {{"User-Agent", "dialtrack-dialer-sync"}, {"Accept", "application/json"}},
      .body = {}};
  // Syncs run on worker threads, one page at a time: the blocking form of the client.
  auto outcome = http_.request_blocking(endpoint_, request, options_.timeout);
  if (const auto* failure = std::get_if<net::HttpFailure>(&outcome)) {
    if (failure->truncated) {
      return malformed(failure->message);
    }
    return FetchError{FetchFailure::kNetwork,
                      std::string(kAction) + " to " + endpoint_.host_header +
                          " got no answer: " + failure->message,
                      std::nullopt};
  }
  const auto& answer = std::get<net::HttpAnswer>(outcome);
  boost::system::error_code ec;
  const auto parsed = json::parse(answer.body, ec);
  const json::object* body = ec ? nullptr : parsed.if_object();
  if (answer.status < 200 || answer.status >= 300) {
    return classify_error(answer, body);
  }
  if (body == nullptr) {
    return malformed(ec ? "not JSON (" + ec.message() + ")" : "not a JSON object");
  }
  if (const auto* success = body->if_contains("Success");
      success != nullptr && success->is_bool() && !success->as_bool()) {
    return classify_error(answer, body);
  }
  try {
    // The list is what the answer is for: without it, this is not a page (an empty page is
    // an empty array), and taking it for a clean last page would end the sync silently.
    const auto* list = body->if_contains("SearchTaskInfoList");
    if (list == nullptr || list->is_null()) {
      return malformed("no SearchTaskInfoList");
    }
    if (!list->is_array()) {
      return malformed("SearchTaskInfoList is not an array");
    }
    const auto total = number_of(*body, "Total");
    std::vector<CallAttempt> attempts;
    std::vector<search_paging::Row> rows;
    attempts.reserve(list->as_array().size());
    rows.reserve(list->as_array().size());
    for (const auto& item : list->as_array()) {
      if (!item.is_object()) {
        return malformed("an item of SearchTaskInfoList is not an object");
      }
      auto attempt = attempt_of(item.as_object(), job_group_id);
      rows.push_back({attempt.call_id,
                      attempt.started_at
                          ? std::optional(attempt.started_at->time_since_epoch().count())
                          : std::nullopt,
                      attempt.call_status == "Executing"});
      attempts.push_back(std::move(attempt));
    }
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto step = search_paging::step(cursor, rows, total, options_.page_size, now);
    if (const auto* refusal = std::get_if<search_paging::Refusal>(&step)) {
      return malformed(refusal->reason);
    }
    const auto& paged = std::get<search_paging::Step>(step);
    ResultPage page;
    page.attempts.reserve(attempts.size());
    for (std::size_t i = 0; i < attempts.size(); ++i) {
      if (paged.keep[i]) {
        page.attempts.push_back(std::move(attempts[i]));
      }
    }
    page.next_cursor = search_paging::format(paged.next);
    page.last = paged.last;
    return page;
  } catch (const std::invalid_argument& e) {
    return malformed(e.what());
  }
}

}  // namespace dialtrack::dialers
