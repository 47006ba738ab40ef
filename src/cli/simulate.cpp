#include "cli/simulate.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <thread>

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

json::object data_of(const std::pair<unsigned, json::value>& answer, const std::string& what) {
  const auto& [status, body] = answer;
  if (status >= 300 || !body.is_object() || !body.as_object().contains("data") ||
      !body.as_object().at("data").is_object()) {
    throw ApiError(what + " answered " + std::to_string(status) + ": " + json::serialize(body));
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

/// Runs one stage of the simulation. Returns the exit code when it failed, having said why: 1
/// when the server refused a request, 2 when it could not be reached (`unreachable`: "cannot
/// reach" or "lost").
template <typename Stage>
std::optional<int> failed_stage(const SimulateOptions& options, std::string_view unreachable,
                                Stage stage) {
  try {
    stage();
    return std::nullopt;
  } catch (const ApiError& e) {
    std::cerr << "dialtrack simulate: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "dialtrack simulate: " << unreachable << " " << options.url << ": " << e.what()
              << "\n";
    return 2;
  }
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
    const std::string name = options.english_names ? "Simulated task " + std::to_string(t)
                                                   : "模拟外呼任务 " + std::to_string(t);
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

/// The records pushed so far and what the service answered.
struct Pushed {
  std::int64_t sent = 0;
  std::int64_t accepted = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t stale = 0;
  std::int64_t rejected = 0;
  std::int64_t completed = 0;  ///< tasks

  /// Adds a push of `batch` records and the `data` of its answer; says which tasks it completed.
  void add(std::size_t batch, const json::object& data) {
    sent += static_cast<std::int64_t>(batch);
    accepted += int_of(data, "accepted");
    updated += int_of(data, "updated");
    unchanged += int_of(data, "unchanged");
    stale += int_of(data, "stale");
    rejected += static_cast<std::int64_t>(data.at("rejected").as_array().size());
    for (const auto& id : data.at("completed_tasks").as_array()) {
      ++completed;
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
    pushed.add(batch.size(), data_of(client.request("POST", "/outbound_call_records", &body),
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

}  // namespace

int simulate(const SimulateOptions& options) {
  auto url = net::Location::parse(options.url);
  if (!url || url->endpoint.tls) {
    std::cerr << "dialtrack simulate: --url must be http://HOST:PORT\n";
    return 2;
  }
  const Client client(std::move(url->endpoint), options.token);
  std::vector<sim::TaskPhones> tasks;
  if (const auto code =
          failed_stage(options, "cannot reach", [&] { tasks = create_tasks(client, options); })) {
    return *code;
  }

  sim::Dialer dialer(options.dialer, tasks);
  Pushed pushed;
  const auto start = std::chrono::steady_clock::now();
  if (const auto code = failed_stage(
          options, "lost", [&] { push_records(client, options, dialer, start, pushed); })) {
    return *code;
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  const auto& s = dialer.stats();
  std::cout << "sent " << pushed.sent << " records in " << took.count() << " s: accepted "
            << pushed.accepted << ", updated " << pushed.updated << ", unchanged "
            << pushed.unchanged << ", stale " << pushed.stale << ", rejected " << pushed.rejected
            << "; calls " << s.calls << ", connected calls " << s.connected_calls << ", duplicates "
            << s.duplicates << ", out of order " << s.out_of_order << ", phones connected "
            << s.phones_connected << ", given up " << s.phones_given_up << "; completed "
            << pushed.completed << "/" << options.tasks << " tasks\n";
  const bool finished =
      pushed.completed == options.tasks || options.duration.count() > 0 || s.phones_given_up > 0;
  return pushed.rejected == 0 && finished ? 0 : 1;
}

}  // namespace dialtrack::cli
