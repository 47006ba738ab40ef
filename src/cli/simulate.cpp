#include "cli/simulate.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <variant>

#include "app/ingest_counts.hpp"
#include "domain/integer.hpp"
#include "domain/time.hpp"
#include "net/http_client.hpp"

namespace dialtrack::cli {
namespace {

namespace json = boost::json;

// The server answers in milliseconds; one that has not answered in this long is lost.
constexpr std::chrono::minutes kRequestTimeout{5};

class ApiError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The server's API over the service's HTTP client (one connection per request).
class Client {
 public:
  Client(net::Endpoint endpoint, std::optional<std::string> token)
      : endpoint_(std::move(endpoint)), token_(std::move(token)) {}

  /// Sends a JSON request; returns the status and the parsed envelope. Throws
  /// std::runtime_error when the server could not be reached or did not answer.
  std::pair<unsigned, json::value> request(std::string_view method, const std::string& target,
                                           const json::value* body) const {
    net::Request request{.method = std::string(method), .target = target};
    request.headers = {{"User-Agent", "dialtrack-simulate"}, {"Accept-Language", "en"}};
    if (token_) {
      request.headers.emplace_back("Authorization", "Bearer " + *token_);
    }
    if (body != nullptr) {
      request.headers.emplace_back("Content-Type", "application/json");
      request.body = json::serialize(*body);
    }
    auto outcome = http_.request_blocking(endpoint_, request, kRequestTimeout);
    if (const auto* failure = std::get_if<net::HttpFailure>(&outcome)) {
      throw std::runtime_error(failure->message);
    }
    const auto& answer = std::get<net::HttpAnswer>(outcome);
    boost::system::error_code ec;
    auto parsed = json::parse(answer.body, ec);
    return {static_cast<unsigned>(answer.status),
            ec ? json::value(answer.body) : std::move(parsed)};
  }

 private:
  net::HttpClient http_;
  net::Endpoint endpoint_;
  std::optional<std::string> token_;
};

std::string phone_of(int task, int index) {
  char out[32];
  std::snprintf(out, sizeof out, "13%02d%07d", task % 100, index);
  return out;
}

/// What an answer says, for a person: the envelope's message, else the start of the body.
std::string said(const json::value& body) {
  if (const auto* o = body.if_object()) {
    if (const auto* message = o->if_contains("message");
        message != nullptr && message->is_string()) {
      return std::string(message->get_string());
    }
  }
  constexpr std::size_t kShown = 200;
  auto text = body.is_string() ? std::string(body.get_string()) : json::serialize(body);
  if (text.size() > kShown) {
    text = text.substr(0, kShown) + "...";
  }
  return text;
}

json::object data_of(const std::pair<unsigned, json::value>& answer, const std::string& what) {
  const auto& [status, body] = answer;
  if (status >= 300 || !body.is_object() || !body.as_object().contains("data") ||
      !body.as_object().at("data").is_object()) {
    throw ApiError(what + " answered " + std::to_string(status) + ": " + said(body));
  }
  return body.as_object().at("data").as_object();
}

json::object record_json(const sim::SimCall& c) {
  json::object r{{"call_id", c.call_id},
                 {"task_id", c.task_id},
                 {"phone", c.phone},
                 {"call_status", c.call_status},
                 {"started_at", domain::format_timestamp(c.started_at)},
                 {"event_time", domain::format_timestamp(c.event_time)}};
  if (c.call_status != "Executing") {
    r["ended_at"] = domain::format_timestamp(c.ended_at);
    r["duration"] = c.duration;
  }
  return r;
}

std::int64_t int_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

domain::Timestamp now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

/// Runs one stage of the simulation. Returns the exit code when it failed, having said why in
/// one line: 1 when the server refused a request, 2 when it could not be reached
/// (`unreachable`: "cannot reach" or "lost the connection to").
template <typename Stage>
std::optional<int> failed_stage(const SimulateOptions& options, std::string_view unreachable,
                                Stage stage) {
  try {
    stage();
    return std::nullopt;
  } catch (const ApiError& e) {
    std::cerr << "dialtrack simulate: failed: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "dialtrack simulate: failed: " << unreachable << " " << options.url << " ("
              << e.what() << ")\n";
    return 2;
  }
}

/// The server's endpoint from `--url`, or why it is not one (http://HOST:PORT, no path).
std::variant<net::Endpoint, std::string> endpoint_of(const std::string& url) {
  const std::string given = "--url \"" + url + "\"";
  auto location = net::Location::parse(url);
  if (!location) {
    return given + " is not a URL of the form http://HOST:PORT";
  }
  if (location->endpoint.tls) {
    return given + ": https is not supported, use http://HOST:PORT";
  }
  const auto port = domain::parse_int64(location->endpoint.port);
  if (!port || *port < 1 || *port > 65535) {
    return given + ": the port must be a number from 1 to 65535";
  }
  if (location->target != "/") {
    return given + ": give the server's address without a path or query (http://HOST:PORT)";
  }
  return std::move(location->endpoint);
}

/// A random run id: 8 hex digits.
std::string new_run_id() {
  std::random_device device;
  std::uniform_int_distribution<std::uint32_t> bits;
  char out[16];
  std::snprintf(out, sizeof out, "%08x", bits(device));
  return out;
}

/// Creates the tasks with their phones and starts them; leads beyond the first thousand of a
/// task are added in more requests.
std::vector<sim::TaskPhones> create_tasks(const Client& client, const SimulateOptions& options) {
  constexpr int kLeadsPerRequest = 1000;
  std::vector<sim::TaskPhones> tasks;
  for (int t = 1; t <= options.tasks; ++t) {
    sim::TaskPhones task;
    for (int i = 0; i < options.phones; ++i) {
      task.phones.push_back(phone_of(t, i));
    }
    const std::string name = (options.english_names ? "Simulated task " : "模拟外呼任务 ") +
                             std::to_string(t) + " (" + options.dialer.run_id + ")";
    for (int first = 0; first < options.phones || first == 0; first += kLeadsPerRequest) {
      json::array leads;
      for (int i = first; i < std::min(options.phones, first + kLeadsPerRequest); ++i) {
        leads.push_back(
            json::object{{"phone", task.phones[static_cast<std::size_t>(i)]},
                         {"name", options.english_names ? "Customer " + std::to_string(i + 1)
                                                        : "客户" + std::to_string(i + 1)}});
      }
      if (first == 0) {
        const json::value body = json::object{{"name", name}, {"leads", std::move(leads)}};
        task.task_id =
            int_of(data_of(client.request("POST", "/tasks", &body), "POST /tasks"), "task_id");
      } else {
        const json::value body = json::object{{"leads", std::move(leads)}};
        data_of(client.request("POST", "/tasks/" + std::to_string(task.task_id) + "/leads", &body),
                "POST /tasks/{id}/leads");
      }
    }
    const json::value empty = json::object{};
    data_of(client.request("POST", "/tasks/" + std::to_string(task.task_id) + "/start", &empty),
            "POST /tasks/{id}/start");
    std::cout << "task " << task.task_id << " \"" << name << "\": " << options.phones
              << " phones\n";
    tasks.push_back(std::move(task));
  }
  return tasks;
}

/// The records pushed so far and what the service answered (its counts: the answers' sums).
struct Pushed : app::IngestCounts {
  std::int64_t sent = 0;
  std::int64_t rejected = 0;
  std::int64_t completed = 0;  ///< tasks
  std::set<std::int64_t> completed_ids;
  std::map<std::string, std::int64_t> rejections;  ///< the server's reason -> records

  /// Adds a push of `batch` and the `data` of its answer; says which tasks it completed and,
  /// on standard error, why each rejected record was rejected.
  void add(const std::vector<sim::SimCall>& batch, const json::object& data) {
    sent += static_cast<std::int64_t>(batch.size());
    accepted += int_of(data, "accepted");
    updated += int_of(data, "updated");
    unchanged += int_of(data, "unchanged");
    stale += int_of(data, "stale");
    for (const auto& item : data.at("rejected").as_array()) {
      ++rejected;
      const auto& r = item.as_object();
      const auto reason = said(r.contains("error") ? r.at("error") : item);
      ++rejections[reason];
      std::cerr << "dialtrack simulate: record rejected";
      const auto index = int_of(r, "index");
      if (index >= 0 && static_cast<std::size_t>(index) < batch.size()) {
        const auto& call = batch[static_cast<std::size_t>(index)];
        std::cerr << " (call_id " << call.call_id << ", task " << call.task_id << ", phone "
                  << call.phone << ", " << call.call_status << ")";
      }
      std::cerr << ": " << reason << "\n";
    }
    for (const auto& id : data.at("completed_tasks").as_array()) {
      ++completed;
      completed_ids.insert(id.as_int64());
      std::cout << "task " << id.as_int64() << " completed\n";
    }
  }
};

/// Pushes the dialer's call results in batches, at the rate, until every task is complete, the
/// dialer is out of calls, or the duration is over; prints progress every second.
void push_records(const Client& client, const SimulateOptions& options, sim::Dialer& dialer,
                  std::chrono::steady_clock::time_point start, Pushed& pushed) {
  auto last_print = start;
  while (!dialer.done() && pushed.completed < options.tasks) {
    const auto elapsed = std::chrono::steady_clock::now() - start;
    if (options.duration.count() > 0 && elapsed >= options.duration) {
      break;
    }
    auto batch = dialer.next_batch(options.batch_size, now());
    json::array records;
    for (const auto& c : batch) {
      records.push_back(record_json(c));
    }
    const json::value body = json::object{{"records", std::move(records)}};
    pushed.add(batch, data_of(client.request("POST", "/outbound_call_records", &body),
                              "POST /outbound_call_records"));
    const auto now_steady = std::chrono::steady_clock::now();
    if (now_steady - last_print >= std::chrono::seconds(1)) {
      last_print = now_steady;
      std::cout << pushed.sent << " records sent, " << dialer.stats().phones_connected
                << " phones connected, " << pushed.completed << "/" << options.tasks
                << " tasks complete\n"
                << std::flush;
    }
    // Keep to the rate: the next batch leaves when the records sent so far are due.
    if (options.rate > 0) {
      const auto due =
          start +
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
              std::chrono::duration<double>(static_cast<double>(pushed.sent) / options.rate));
      std::this_thread::sleep_until(due);
    }
  }
}

/// Why each task the run did not see complete is open, as the server counts it: "task 12:
/// 97875/100000 phones connected, 99990 settled, state 2". A task the server cannot show is
/// named without counters.
std::string open_tasks(const Client& client, const std::vector<sim::TaskPhones>& tasks,
                       const Pushed& pushed) {
  std::string out;
  for (const auto& task : tasks) {
    if (pushed.completed_ids.contains(task.task_id)) {
      continue;
    }
    out += out.empty() ? "" : ", ";
    out += "task " + std::to_string(task.task_id);
    try {
      const auto t =
          data_of(client.request("GET", "/tasks/" + std::to_string(task.task_id), nullptr),
                  "GET /tasks/{id}");
      out += ": " + std::to_string(int_of(t, "connected_calls")) + "/" +
             std::to_string(int_of(t, "total_calls")) + " phones connected, " +
             std::to_string(int_of(t, "settled_calls")) + " settled, state " +
             std::to_string(int_of(t, "task_type"));
    } catch (const std::exception&) {
      // The line still names the task; the reason of the failure is the rejections or the
      // end of the dialer's calls, said beside it.
    }
  }
  return out;
}

/// The rejections by reason, the most frequent first, at most three reasons.
std::string rejection_reasons(const Pushed& pushed) {
  std::vector<std::pair<std::int64_t, std::string>> by_count;
  for (const auto& [reason, count] : pushed.rejections) {
    by_count.emplace_back(count, reason);
  }
  std::stable_sort(by_count.begin(), by_count.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string out;
  constexpr std::size_t kShown = 3;
  for (std::size_t i = 0; i < by_count.size() && i < kShown; ++i) {
    out += (i == 0 ? "" : "; ") + std::to_string(by_count[i].first) + " x \"" + by_count[i].second +
           "\"";
  }
  if (by_count.size() > kShown) {
    out += "; " + std::to_string(by_count.size() - kShown) + " other reasons";
  }
  return out;
}

}  // namespace

bool valid_run_id(std::string_view id) {
  constexpr std::size_t kMaxRunId = 32;
  return !id.empty() && id.size() <= kMaxRunId && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

int simulate(const SimulateOptions& given) {
  auto endpoint = endpoint_of(given.url);
  if (const auto* why = std::get_if<std::string>(&endpoint)) {
    std::cerr << "dialtrack simulate: " << *why << "\n";
    return 2;
  }
  SimulateOptions options = given;
  options.dialer.run_id = given.run_id.value_or(new_run_id());
  if (!valid_run_id(options.dialer.run_id)) {
    std::cerr << "dialtrack simulate: --run-id \"" << options.dialer.run_id
              << "\" must be 1 to 32 letters, digits, '-' or '_'\n";
    return 2;
  }
  std::cout << "run " << options.dialer.run_id << ": call_ids sim-" << options.dialer.run_id
            << "-1, ...; --run-id " << options.dialer.run_id << " --seed " << options.dialer.seed
            << " repeats it on a fresh database\n";
  const Client client(std::get<net::Endpoint>(std::move(endpoint)), options.token);
  std::vector<sim::TaskPhones> tasks;
  if (const auto code =
          failed_stage(options, "cannot reach", [&] { tasks = create_tasks(client, options); })) {
    return *code;
  }

  sim::Dialer dialer(options.dialer, tasks);
  Pushed pushed;
  const auto start = std::chrono::steady_clock::now();
  const auto lost = failed_stage(options, "lost the connection to",
                                 [&] { push_records(client, options, dialer, start, pushed); });
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  const auto& s = dialer.stats();
  std::cout << "sent " << pushed.sent << " records in " << took.count() << " s: accepted "
            << pushed.accepted << ", updated " << pushed.updated << ", unchanged "
            << pushed.unchanged << ", stale " << pushed.stale << ", rejected " << pushed.rejected
            << "; calls " << s.calls << ", connected calls " << s.connected_calls << ", duplicates "
            << s.duplicates << ", out of order " << s.out_of_order << ", phones connected "
            << s.phones_connected << ", given up " << s.phones_given_up << "; completed "
            << pushed.completed << "/" << options.tasks << " tasks\n";
  if (lost) {
    return *lost;
  }
  const bool finished =
      pushed.completed == options.tasks || options.duration.count() > 0 || s.phones_given_up > 0;
  if (pushed.rejected == 0 && finished) {
    return 0;
  }
  std::string why;
  if (pushed.rejected > 0) {
    why = std::to_string(pushed.rejected) + " records rejected (" + rejection_reasons(pushed) + ")";
  }
  if (!finished) {
    why += (why.empty() ? "" : "; ") + std::string("the dialer ran out of calls with ") +
           std::to_string(options.tasks - pushed.completed) + " of " +
           std::to_string(options.tasks) + " tasks not complete (" +
           open_tasks(client, tasks, pushed) + ")";
  }
  std::cerr << "dialtrack simulate: failed: " << why << "\n";
  return 1;
}

}  // namespace dialtrack::cli
