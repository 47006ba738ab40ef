#include "webhook_steps.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "support/api.hpp"

namespace dialtrack::test {

ServerOptions webhook_server_options(const EnvVars& extra) {
  ServerOptions options;
  options.env = {{"DIALTRACK_WEBHOOKS_POLL_INTERVAL_MS", "20"},
                 {"DIALTRACK_WEBHOOKS_RETRY_INITIAL_MS", "20"},
                 {"DIALTRACK_WEBHOOKS_RETRY_MAX_MS", "100"},
                 {"DIALTRACK_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "1"}};
  options.env.insert(options.env.end(), extra.begin(), extra.end());
  return options;
}

std::int64_t create_webhook(HttpConnection& http, const std::string& url, const std::string& secret,
                            const std::optional<std::vector<std::string>>& events) {
  boost::json::object body{{"url", url}, {"secret", secret}};
  if (events) {
    boost::json::array names;
    for (const auto& e : *events) {
      names.emplace_back(e);
    }
    body["events"] = std::move(names);
  }
  const auto response = http.post("/webhooks", body);
  if (response.status != 201) {
    throw std::runtime_error("POST /webhooks failed: " + response.describe());
  }
  return int_field(response.data_object(), "webhook_id");
}

boost::json::array deliveries(HttpConnection& http, std::int64_t webhook_id) {
  const auto response =
      http.get("/webhooks/" + std::to_string(webhook_id) + "/deliveries?page_size=1000");
  if (response.status != 200) {
    throw std::runtime_error("GET deliveries failed: " + response.describe());
  }
  return response.data_object().at("items").as_array();
}

boost::json::array wait_for_deliveries(HttpConnection& http, std::int64_t webhook_id,
                                       const std::function<bool(const boost::json::array&)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + answer_deadline();
  for (;;) {
    auto items = deliveries(http, webhook_id);
    if (done(items)) {
      return items;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("deliveries did not reach the expected state: " +
                               boost::json::serialize(items));
    }
    std::this_thread::yield();
  }
}

bool all_have_status(const boost::json::array& items, std::size_t count, std::string_view status) {
  if (items.size() != count) {
    return false;
  }
  for (const auto& item : items) {
    if (item.as_object().at("status").as_string() != status) {
      return false;
    }
  }
  return true;
}

std::int64_t complete_new_task(HttpConnection& http, int phones, std::uint64_t first_phone) {
  const auto numbers = make_phones(static_cast<std::size_t>(phones), first_phone);
  const auto task_id = create_task(http, numbers, "webhook task");
  boost::json::array records;
  for (const auto& phone : numbers) {
    records.push_back(
        call_record("wh-" + std::to_string(task_id) + "-" + phone, task_id, phone, "Connected"));
  }
  const auto counts = push(http, std::move(records));
  if (counts.completed_tasks != std::vector<std::int64_t>{task_id}) {
    throw std::runtime_error("task " + std::to_string(task_id) + " was not completed");
  }
  return task_id;
}

boost::json::object body_of(const ReceivedRequest& request) {
  return boost::json::parse(request.body).as_object();
}

std::optional<double> metric_value(std::string_view metrics_text, std::string_view series) {
  std::size_t start = 0;
  while (start < metrics_text.size()) {
    auto end = metrics_text.find('\n', start);
    if (end == std::string_view::npos) {
      end = metrics_text.size();
    }
    const auto line = metrics_text.substr(start, end - start);
    if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ') {
      return std::stod(std::string(line.substr(series.size() + 1)));
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace dialtrack::test
