#include "fake_outboundbot.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>
#include <condition_variable>
#include <cstdio>
#include <limits>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>

#include "loopback_http_server.hpp"

namespace dialtrack::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

// The signature is checked with code written for the test: its own encoding, its own base64.

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

std::string url_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string rfc3986(std::string_view text) {
  static const std::string kKeep =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
  std::string out;
  for (const char c : text) {
    if (kKeep.find(c) != std::string::npos) {
      out += c;
    } else {
      std::array<char, 4> buf{};
      std::snprintf(buf.data(), buf.size(), "%%%02X", static_cast<unsigned char>(c));
      out += buf.data();
    }
  }
  return out;
}

std::string base64(const unsigned char* data, std::size_t size) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < size; i += 3) {
    const std::uint32_t b0 = data[i];
    const std::uint32_t b1 = i + 1 < size ? data[i + 1] : 0;
    const std::uint32_t b2 = i + 2 < size ? data[i + 2] : 0;
    const std::uint32_t n = (b0 << 16) | (b1 << 8) | b2;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < size ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < size ? kAlphabet[n & 63] : '=';
  }
  return out;
}

std::string expected_signature(const std::map<std::string, std::string>& params,
                               const std::string& secret) {
  // std::map keeps names sorted; encoding leaves the order of these ASCII names unchanged.
  std::string canonical;
  for (const auto& [name, value] : params) {
    if (name == "Signature") {
      continue;
    }
    canonical += (canonical.empty() ? "" : "&") + rfc3986(name) + "=" + rfc3986(value);
  }
  const std::string to_sign = "GET&%2F&" + rfc3986(canonical);
  const std::string key = secret + "&";
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size(), digest.data(),
       &length);
  return base64(digest.data(), length);
}

std::int64_t int_param(const std::map<std::string, std::string>& params, const std::string& name,
                       std::int64_t fallback) {
  const auto it = params.find(name);
  if (it == params.end() || it->second.empty()) {
    return fallback;
  }
  return std::stoll(it->second);
}

std::string error_body(std::string_view code, std::string_view message) {
  return json::serialize(json::object{{"RequestId", "fake-request"},
                                      {"HostId", "outboundbot.fake"},
                                      {"Code", code},
                                      {"Message", message}});
}

struct Answer {
  unsigned status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool truncate = false;
  std::size_t rows = 0;
};

}  // namespace

std::string FakeRequest::param(const std::string& name) const {
  const auto it = params.find(name);
  return it == params.end() ? std::string{} : it->second;
}

struct FakeOutboundBot::Impl {
  using Request = LoopbackHttpServer::Request;
  using Reply = LoopbackHttpServer::Reply;

  Impl(std::string id, std::string secret, std::string instance,
       const std::optional<ReceiverTls>& tls)
      : access_key_id(std::move(id)),
        access_key_secret(std::move(secret)),
        instance_id(std::move(instance)),
        server(
            0, tls, [this](Request request) { return handle(std::move(request)); },
            "fake OutboundBot") {}

  /// Decides the answer to one request (under the mutex).
  Answer answer(const std::map<std::string, std::string>& params, bool& signature_ok) {
    signature_ok = false;
    const auto param = [&](const std::string& n) {
      const auto it = params.find(n);
      return it == params.end() ? std::string{} : it->second;
    };
    if (param("AccessKeyId") != access_key_id) {
      return {400, error_body("InvalidAccessKeyId.NotFound", "Specified access key is not found.")};
    }
    if (param("Signature") != expected_signature(params, access_key_secret)) {
      return {400, error_body("SignatureDoesNotMatch",
                              "Specified signature is not matched with our calculation. server "
                              "string to sign is:GET&%2F&AccessKeyId%3D" +
                                  access_key_id)};
    }
    signature_ok = true;
    const std::string nonce = param("SignatureNonce");
    if (nonce.empty() || !nonces.insert(nonce).second) {
      return {400, error_body("SignatureNonceUsed", "The request signature nonce has been used.")};
    }
    if (param("SignatureMethod") != "HMAC-SHA1" || param("SignatureVersion") != "1.0" ||
        param("Version") != "2019-12-26" || param("Format") != "JSON" ||
        param("Timestamp").size() != 20) {
      return {400, error_body("MissingParameter", "A common parameter is missing or wrong.")};
    }
    if (throttles_left > 0) {
      --throttles_left;
      return {400,
              error_body("Throttling.User", "Request was denied due to user flow control."),
              {{"x-ratelimit-user-api", "Limit:1,Remain:0,TimeLeft:20,Reset:1"}}};
    }
    if (failures_left > 0) {
      --failures_left;
      return {failure_status, error_body("InternalError", "The request processing has failed.")};
    }
    if (param("Action") != "SearchTask") {
      return {404, error_body("InvalidAction.NotFound", "Specified api is not found.")};
    }
    if (param("InstanceId") != instance_id) {
      return {400, error_body("NotExists.InstanceId", "The instance does not exist.")};
    }
    const std::string group = param("JobGroupId");
    if (!groups.contains(group)) {
      return {400, error_body("NotExists.JobGroupId", "The job group does not exist.")};
    }
    const auto from = int_param(params, "ActualTimeGte", 0);
    const auto to = int_param(params, "ActualTimeLte", std::numeric_limits<std::int64_t>::max());
    const auto page_index = int_param(params, "PageIndex", 0);
    const auto page_size = int_param(params, "PageSize", 10);
    // The group's attempts in SearchTask's order (actualTime ascending), sorted once per change.
    auto& sorted = by_group[group];
    if (sorted.empty() || dirty.erase(group) > 0) {
      sorted.clear();
      for (const auto& [id, a] : attempts) {
        if (a.job_group_id == group) {
          sorted.push_back(&a);
        }
      }
      std::sort(sorted.begin(), sorted.end(), [](const FakeAttempt* x, const FakeAttempt* y) {
        return std::tie(x->actual_time, x->task_id) < std::tie(y->actual_time, y->task_id);
      });
    }
    const auto begin =
        std::lower_bound(sorted.begin(), sorted.end(), from,
                         [](const FakeAttempt* a, std::int64_t t) { return a->actual_time < t; });
    const auto end =
        std::upper_bound(begin, sorted.end(), to,
                         [](std::int64_t t, const FakeAttempt* a) { return t < a->actual_time; });
    std::vector<const FakeAttempt*> rows(begin, end);
    if (shuffle) {
      for (auto run = rows.begin(); run != rows.end();) {
        const auto run_end = std::find_if(run, rows.end(), [&](const FakeAttempt* a) {
          return a->actual_time != (*run)->actual_time;
        });
        std::shuffle(run, run_end, random);
        run = run_end;
      }
    }
    json::array list;
    const auto first = static_cast<std::size_t>(page_index * page_size);
    for (std::size_t i = first; i < rows.size() && i < first + static_cast<std::size_t>(page_size);
         ++i) {
      const auto& a = *rows[i];
      const bool answered = a.status.starts_with("Succeeded");
      list.push_back(json::object{
          {"TaskId", a.task_id},
          {"JobId", a.job_id},
          {"JobGroupId", a.job_group_id},
          {"JobGroupName", "fake group"},
          {"InstanceId", instance_id},
          {"CalledNumber", a.called_number},
          {"CallingNumber", "05712688****"},
          {"ActualTime", a.actual_time},
          {"CallDuration", a.call_duration},
          {"CallDurationDisplay", std::to_string(a.call_duration / 1000) + "\u2033"},
          {"RecordingDuration", 5},
          {"TaskStatus", answered ? 20 : 2},
          {"TaskStatusString", a.status},
          {"TaskStatusName", a.status},
          {"TaskEndReason", 1},
          {"JobStatus", 2},
          {"JobStatusString", "Succeeded"},
          {"HasAnswered", answered},
          {"HasReachedEndOfFlow", answered},
          {"HasHangUpByRejection", false},
          {"HasLastPlaybackCompleted", answered},
          {"DialExceptionCodes", json::array{}},
          {"Labels", json::array{}},
      });
    }
    Answer out;
    out.rows = list.size();
    json::object body{{"RequestId", "fake-request"},
                      {"Success", true},
                      {"Code", "OK"},
                      {"Message", "Success"},
                      {"HttpStatusCode", 200},
                      {"PageIndex", page_index},
                      {"PageSize", page_size},
                      {"Total", static_cast<std::int64_t>(rows.size())},
                      {"Labels", json::array{}},
                      {"VariableNames", json::array{}}};
    if (omissions_left > 0) {
      --omissions_left;
      out.rows = 0;
    } else {
      body["SearchTaskInfoList"] = std::move(list);
    }
    out.body = json::serialize(body);
    if (truncations_left > 0) {
      --truncations_left;
      out.truncate = true;
    }
    return out;
  }

  asio::awaitable<std::optional<Reply>> handle(Request request) {
    FakeRequest received;
    const std::string target(request.target());
    const auto q = target.find('?');
    if (q != std::string::npos) {
      std::string_view query(target);
      query.remove_prefix(q + 1);
      while (!query.empty()) {
        const auto amp = query.find('&');
        const auto item = query.substr(0, amp);
        const auto eq = item.find('=');
        received.params[url_decode(item.substr(0, eq))] =
            eq == std::string_view::npos ? std::string{} : url_decode(item.substr(eq + 1));
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
      }
    }
    std::size_t index = 0;
    bool held_here = false;
    {
      const std::lock_guard lock(mutex);
      index = log.size();
      held_here = hold && request.method() == http::verb::get && index >= *hold;
      log.push_back(received);
      held_count += held_here ? 1 : 0;
    }
    changed.notify_all();
    if (held_here) {
      const bool released = co_await server.hold();
      {
        const std::lock_guard lock(mutex);
        --held_count;
        if (!released) {
          co_return std::nullopt;
        }
      }
      changed.notify_all();
    }
    Answer a;
    {
      const std::lock_guard lock(mutex);
      bool signature_ok = false;
      a = request.method() == http::verb::get
              ? answer(received.params, signature_ok)
              : Answer{405, error_body("MethodNotAllowed", "SearchTask is a GET action.")};
      log[index].signature_ok = signature_ok;
      log[index].rows = a.rows;
    }
    std::string head = "HTTP/1.1 " + std::to_string(a.status) +
                       " X\r\nContent-Type: application/json;charset=utf-8\r\nContent-Length: " +
                       std::to_string(a.body.size()) + "\r\nConnection: close\r\n";
    for (const auto& [name, value] : a.headers) {
      head += name + ": " + value + "\r\n";
    }
    head += "\r\n";
    head += a.truncate ? a.body.substr(0, a.body.size() / 2) : a.body;
    co_return Reply{std::move(head), [this, index, status = a.status](bool written) {
                      {
                        const std::lock_guard lock(mutex);
                        log[index].answered = written ? status : 0;
                      }
                      changed.notify_all();
                    }};
  }

  std::string access_key_id;
  std::string access_key_secret;
  std::string instance_id;

  mutable std::mutex mutex;
  std::condition_variable changed;
  std::map<std::string, FakeAttempt> attempts;
  std::map<std::string, std::vector<const FakeAttempt*>> by_group;
  std::set<std::string> dirty;  ///< groups whose sorted view is out of date
  std::set<std::string> groups;
  std::set<std::string> nonces;
  std::vector<FakeRequest> log;
  int throttles_left = 0;
  int failures_left = 0;
  unsigned failure_status = 500;
  int truncations_left = 0;
  int omissions_left = 0;
  bool shuffle = false;
  std::mt19937 random{20261206};  ///< fixed seed: a failing order can be replayed
  std::optional<std::size_t> hold;
  std::size_t held_count = 0;
  LoopbackHttpServer server;  ///< last: stopped (its thread joined) before the state above goes
};

FakeOutboundBot::FakeOutboundBot(std::string access_key_id, std::string access_key_secret,
                                 std::string instance_id, std::optional<ReceiverTls> tls)
    : impl_(std::make_unique<Impl>(std::move(access_key_id), std::move(access_key_secret),
                                   std::move(instance_id), tls)) {}

FakeOutboundBot::~FakeOutboundBot() = default;

std::string FakeOutboundBot::endpoint() const {
  return impl_->server.url();
}

void FakeOutboundBot::put(const std::vector<FakeAttempt>& attempts) {
  const std::lock_guard lock(impl_->mutex);
  for (const auto& a : attempts) {
    impl_->groups.insert(a.job_group_id);
    impl_->dirty.insert(a.job_group_id);
    if (const auto old = impl_->attempts.find(a.task_id); old != impl_->attempts.end()) {
      impl_->dirty.insert(old->second.job_group_id);
    }
    impl_->attempts[a.task_id] = a;
  }
}

void FakeOutboundBot::add_job_group(const std::string& job_group_id) {
  const std::lock_guard lock(impl_->mutex);
  impl_->groups.insert(job_group_id);
}

void FakeOutboundBot::throttle_next(int count) {
  const std::lock_guard lock(impl_->mutex);
  impl_->throttles_left = count;
}

void FakeOutboundBot::fail_next(int count, unsigned status) {
  const std::lock_guard lock(impl_->mutex);
  impl_->failures_left = count;
  impl_->failure_status = status;
}

void FakeOutboundBot::truncate_next(int count) {
  const std::lock_guard lock(impl_->mutex);
  impl_->truncations_left = count;
}

void FakeOutboundBot::hold_from_request(std::optional<std::size_t> number) {
  {
    const std::lock_guard lock(impl_->mutex);
    impl_->hold = number;
  }
  if (!number) {
    impl_->server.release_held();
  }
}

void FakeOutboundBot::omit_list_next(int count) {
  const std::lock_guard lock(impl_->mutex);
  impl_->omissions_left = count;
}

void FakeOutboundBot::shuffle_ties(bool on) {
  const std::lock_guard lock(impl_->mutex);
  impl_->shuffle = on;
}

std::vector<FakeRequest> FakeOutboundBot::requests() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->log;
}

std::size_t FakeOutboundBot::held() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->held_count;
}

bool FakeOutboundBot::wait_until(
    const std::function<bool(const std::vector<FakeRequest>&, std::size_t)>& done,
    std::chrono::milliseconds deadline) {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, deadline,
                                 [&] { return done(impl_->log, impl_->held_count); });
}

std::vector<FakeAttempt> fake_attempts(const std::string& group,
                                       const std::vector<std::string>& phones,
                                       const std::string& status, std::int64_t first_time) {
  std::vector<FakeAttempt> out;
  out.reserve(phones.size());
  for (std::size_t i = 0; i < phones.size(); ++i) {
    out.push_back({group + "-t" + std::to_string(i), group + "-j" + std::to_string(i), group,
                   phones[i], status, first_time + static_cast<std::int64_t>(i) * 1000, 42'000});
  }
  return out;
}

}  // namespace dialtrack::test
