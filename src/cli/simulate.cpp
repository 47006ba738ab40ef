#include "cli/simulate.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cstdio>
#include <iostream>
#include <thread>

#include "domain/time.hpp"

namespace dialtrack::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

class ApiError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A keep-alive HTTP/1.1 client to one server (Boost.Beast, synchronous); reconnects once
/// when the server closed the connection between requests.
class Client {
 public:
  Client(std::string host, std::string port, std::optional<std::string> token)
      : host_(std::move(host)), port_(std::move(port)), token_(std::move(token)) {}

  /// Sends a JSON request; returns the status and the parsed envelope.
  std::pair<unsigned, json::value> request(bhttp::verb method, const std::string& target,
                                           const json::value* body) {
    for (int attempt = 0;; ++attempt) {
      try {
        connect();
        bhttp::request<bhttp::string_body> req{method, target, 11};
        req.set(bhttp::field::host, host_);
        req.set(bhttp::field::user_agent, "dialtrack-simulate");
        req.set(bhttp::field::accept_language, "en");
        req.keep_alive(true);
        if (token_) {
          req.set(bhttp::field::authorization, "Bearer " + *token_);
        }
        if (body != nullptr) {
          req.set(bhttp::field::content_type, "application/json");
          req.body() = json::serialize(*body);
        }
        req.prepare_payload();
        bhttp::write(*stream_, req);
        beast::flat_buffer buffer;
        bhttp::response<bhttp::string_body> res;
        bhttp::read(*stream_, buffer, res);
        if (!res.keep_alive()) {
          stream_.reset();
        }
        boost::system::error_code ec;
        auto parsed = json::parse(res.body(), ec);
        return {res.result_int(), ec ? json::value(res.body()) : std::move(parsed)};
      } catch (const boost::system::system_error&) {
        stream_.reset();
        if (attempt == 1) {
          throw;
        }
      }
    }
  }

 private:
  void connect() {
    if (stream_) {
      return;
    }
    tcp::resolver resolver(io_);
    stream_.emplace(io_);
    stream_->connect(resolver.resolve(host_, port_));
    stream_->socket().set_option(tcp::no_delay(true));
  }

  asio::io_context io_;
  std::string host_;
  std::string port_;
  std::optional<std::string> token_;
  std::optional<beast::tcp_stream> stream_;
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

}  // namespace

int simulate(const SimulateOptions& options) {
  const auto url = boost::urls::parse_uri(options.url);
  if (!url || url->scheme() != "http" || url->host().empty()) {
    std::cerr << "dialtrack simulate: --url must be http://HOST:PORT\n";
    return 2;
  }
  Client client(std::string(url->host()), url->has_port() ? std::string(url->port()) : "80",
                options.token);
  std::vector<sim::TaskPhones> tasks;
  try {
    // Tasks with their phones; leads beyond the first thousand are added in more requests.
    constexpr int kLeadsPerRequest = 1000;
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
              int_of(data_of(client.request(bhttp::verb::post, "/tasks", &body), "POST /tasks"),
                     "task_id");
        } else {
          const json::value body = json::object{{"leads", std::move(leads)}};
          data_of(client.request(bhttp::verb::post,
                                 "/tasks/" + std::to_string(task.task_id) + "/leads", &body),
                  "POST /tasks/{id}/leads");
        }
      }
      const json::value empty = json::object{};
      data_of(client.request(bhttp::verb::post, "/tasks/" + std::to_string(task.task_id) + "/start",
                             &empty),
              "POST /tasks/{id}/start");
      std::cout << "task " << task.task_id << " \"" << name << "\": " << options.phones
                << " phones\n";
      tasks.push_back(std::move(task));
    }
  } catch (const ApiError& e) {
    std::cerr << "dialtrack simulate: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "dialtrack simulate: cannot reach " << options.url << ": " << e.what() << "\n";
    return 2;
  }

  sim::Dialer dialer(options.dialer, tasks);
  std::int64_t sent = 0;
  std::int64_t accepted = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t stale = 0;
  std::int64_t rejected = 0;
  std::int64_t completed = 0;
  const auto start = std::chrono::steady_clock::now();
  auto last_print = start;
  try {
    while (!dialer.done() && completed < options.tasks) {
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
      const auto data = data_of(client.request(bhttp::verb::post, "/outbound_call_records", &body),
                                "POST /outbound_call_records");
      sent += static_cast<std::int64_t>(batch.size());
      accepted += int_of(data, "accepted");
      updated += int_of(data, "updated");
      unchanged += int_of(data, "unchanged");
      stale += int_of(data, "stale");
      rejected += static_cast<std::int64_t>(data.at("rejected").as_array().size());
      for (const auto& id : data.at("completed_tasks").as_array()) {
        ++completed;
        std::cout << "task " << id.as_int64() << " completed\n";
      }
      const auto now_steady = std::chrono::steady_clock::now();
      if (now_steady - last_print >= std::chrono::seconds(1)) {
        last_print = now_steady;
        std::cout << sent << " records sent, " << dialer.stats().phones_connected
                  << " phones connected, " << completed << "/" << options.tasks
                  << " tasks complete\n"
                  << std::flush;
      }
      // Keep to the rate: the next batch leaves when the records sent so far are due.
      if (options.rate > 0) {
        const auto due =
            start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                        std::chrono::duration<double>(static_cast<double>(sent) / options.rate));
        std::this_thread::sleep_until(due);
      }
    }
  } catch (const ApiError& e) {
    std::cerr << "dialtrack simulate: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "dialtrack simulate: lost " << options.url << ": " << e.what() << "\n";
    return 2;
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  const auto& s = dialer.stats();
  std::cout << "sent " << sent << " records in " << took.count() << " s: accepted " << accepted
            << ", updated " << updated << ", unchanged " << unchanged << ", stale " << stale
            << ", rejected " << rejected << "; calls " << s.calls << ", connected calls "
            << s.connected_calls << ", duplicates " << s.duplicates << ", out of order "
            << s.out_of_order << ", phones connected " << s.phones_connected << ", given up "
            << s.phones_given_up << "; completed " << completed << "/" << options.tasks
            << " tasks\n";
  const bool finished =
      completed == options.tasks || options.duration.count() > 0 || s.phones_given_up > 0;
  return rejected == 0 && finished ? 0 : 1;
}

}  // namespace dialtrack::cli
