#include "campaign_steps.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <iostream>
#include <latch>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include "support/api.hpp"

namespace dialtrack::test {
namespace {

[[noreturn]] void unexpected(std::string_view step, const Response& response) {
  throw std::runtime_error(std::string(step) + " failed: " + response.describe());
}

std::string task_path(std::int64_t task_id, std::string_view tail = "") {
  return "/tasks/" + std::to_string(task_id) + std::string(tail);
}

/// Pushes `records` in batches over one keep-alive connection, retrying a batch answered 503;
/// any other failure is recorded and the client goes on with a new connection.
void push_batches(std::uint16_t port, const boost::json::array& records, std::size_t batch,
                  RaceOutcome& outcome) {
  auto pushed = push_in_parts(port, records, batch,
                              [&outcome](const boost::json::array& part, const Response& response) {
                                const auto counts = ingest_counts(response);
                                outcome.acknowledged += part.size() - counts.rejected;
                                outcome.rejected += counts.rejected;
                                for (const auto task_id : counts.completed_tasks) {
                                  ++outcome.completions[task_id];
                                }
                              });
  outcome.busy_answers += pushed.busy_answers;
  for (auto& failure : pushed.failures) {
    outcome.failures.push_back(std::move(failure));
  }
}

}  // namespace

Headers english() {
  return {{"Accept-Language", "en"}};
}

boost::json::object completion_policy(
    std::string_view until, std::optional<std::int64_t> max_attempts,
    const std::optional<std::vector<std::string>>& final_statuses) {
  boost::json::object policy{{"until", until}};
  if (max_attempts) {
    policy["max_attempts"] = *max_attempts;
  }
  if (final_statuses) {
    boost::json::array statuses;
    for (const auto& status : *final_statuses) {
      statuses.emplace_back(status);
    }
    policy["final_statuses"] = std::move(statuses);
  }
  return policy;
}

std::int64_t create_campaign(HttpConnection& http, const boost::json::array& leads,
                             const boost::json::object& completion, std::string_view name,
                             const std::optional<std::string>& job_group_id) {
  boost::json::object body{{"name", name}, {"leads", leads}, {"completion", completion}};
  if (job_group_id) {
    body["job_group_id"] = *job_group_id;
  }
  const auto response = http.post("/tasks", body);
  if (response.status != 201) {
    unexpected("POST /tasks", response);
  }
  return int_field(response.data_object(), "task_id");
}

boost::json::object full_lead(std::string_view phone, std::int64_t row) {
  return {{"phone", phone},
          {"name", "客户 " + std::to_string(row)},
          {"job_id", "job-" + std::to_string(row)},
          {"attrs", boost::json::object{{"row", row}, {"city", "杭州"}}}};
}

Response put_completion(HttpConnection& http, std::int64_t task_id,
                        const boost::json::value& body) {
  return http.request("PUT", task_path(task_id, "/completion"), boost::json::serialize(body));
}

Response finish_task(HttpConnection& http, std::int64_t task_id, const Headers& headers) {
  return http.request("POST", task_path(task_id, "/finish"), {}, headers);
}

Response add_leads(HttpConnection& http, std::int64_t task_id, boost::json::array leads) {
  return http.post(task_path(task_id, "/leads"), boost::json::object{{"leads", std::move(leads)}});
}

Response redial(HttpConnection& http, std::int64_t task_id, const boost::json::object& body) {
  return http.post(task_path(task_id, "/redial"), body);
}

Response list_leads(HttpConnection& http, std::int64_t task_id, std::string_view query) {
  return http.get(task_path(task_id, "/leads") + (query.empty() ? "" : "?" + std::string(query)));
}

LeadListing all_leads(HttpConnection& http, std::int64_t task_id, std::string_view state,
                      int page_size) {
  LeadListing listing;
  for (int page = 1;; ++page) {
    std::string query = "page=" + std::to_string(page) + "&page_size=" + std::to_string(page_size);
    if (!state.empty()) {
      query += "&state=" + std::string(state);
    }
    const auto response = list_leads(http, task_id, query);
    if (response.status != 200) {
      unexpected("GET /tasks/{id}/leads", response);
    }
    const auto& data = response.data_object();
    const auto total = int_field(data, "total");
    if (page == 1) {
      listing.total = total;
    } else if (total != listing.total) {
      throw std::runtime_error("total moved between pages: " + response.describe());
    }
    const auto& items = data.at("items").as_array();
    if (items.empty()) {
      return listing;
    }
    ++listing.pages;
    for (const auto& item : items) {
      listing.items.push_back(item.as_object());
    }
    if (items.size() < static_cast<std::size_t>(page_size)) {
      return listing;
    }
  }
}

Response get_lead(HttpConnection& http, std::int64_t task_id, std::string_view phone) {
  return http.get(task_path(task_id, "/leads/") + percent_encoded(phone));
}

std::vector<std::string> phones_of(const std::vector<boost::json::object>& leads) {
  std::vector<std::string> phones;
  phones.reserve(leads.size());
  for (const auto& lead : leads) {
    phones.push_back(string_field(lead, "phone"));
  }
  return phones;
}

std::string percent_encoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    }
  }
  return out;
}

std::string last_reason_into(HttpConnection& http, std::int64_t task_id, std::int64_t to) {
  std::string reason;
  for (const auto& row : history(http, task_id)) {
    if (row.to == to) {
      reason = row.reason;
    }
  }
  return reason;
}

SettlingRace plan_settling_race(HttpConnection& http, std::size_t tasks, std::size_t leads_per_task,
                                std::int64_t max_attempts, std::size_t clients, unsigned seed) {
  SettlingRace race;
  race.per_client.resize(clients);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> any_client(0, clients - 1);
  std::vector<std::vector<boost::json::object>> dealt(clients);
  for (std::size_t t = 0; t < tasks; ++t) {
    const auto phones = make_phones(leads_per_task, 13700000000 + t * leads_per_task);
    SettlingRace::Task task;
    task.id =
        create_campaign(http, leads_of(phones), completion_policy("all_settled", max_attempts),
                        "settling race " + std::to_string(t));
    task.leads = static_cast<std::int64_t>(leads_per_task);
    for (std::size_t p = 0; p < phones.size(); ++p) {
      const auto& phone = phones[p];
      const std::string prefix = "race-" + std::to_string(task.id) + "-" + std::to_string(p) + "-";
      auto send = [&](std::string_view suffix, std::string_view status, int at) {
        dealt[any_client(rng)].push_back(
            call_record_at(prefix + std::string(suffix), task.id, phone, status, at));
        ++race.records;
      };
      const std::size_t variant = p / 3;
      switch (p % 3) {
        case 0:  // connected, after 0, 1 or 2 unanswered attempts
          for (std::size_t i = 0; i < variant % 3; ++i) {
            send("n" + std::to_string(i), "NoAnswer", static_cast<int>(i) * 10);
          }
          send("c", "Executing", 100);
          send("c", "Connected", 110);
          ++task.connected;
          break;
        case 1:  // a dead number, maybe after an unanswered attempt
          if (variant % 2 == 1) {
            send("n0", "NoAnswer", 0);
          }
          send("d", "Executing", 100);
          send("d", "NotExist", 110);
          ++task.unreachable;
          break;
        default:  // every attempt unanswered; one of them reported twice
          for (std::int64_t i = 0; i < max_attempts; ++i) {
            send("n" + std::to_string(i), "NoAnswer", static_cast<int>(i) * 10);
          }
          send("n0", "NoAnswer", 0);
          ++task.exhausted;
          break;
      }
    }
    race.tasks.push_back(task);
  }
  for (std::size_t c = 0; c < clients; ++c) {
    std::shuffle(dealt[c].begin(), dealt[c].end(), rng);
    for (auto& record : dealt[c]) {
      race.per_client[c].push_back(std::move(record));
    }
  }
  return race;
}

RaceOutcome run_race(const std::vector<std::uint16_t>& ports, const SettlingRace& race,
                     std::size_t batch) {
  RaceOutcome total;
  std::mutex total_mutex;
  const auto clients = race.per_client.size();
  std::latch start_together(static_cast<std::ptrdiff_t>(clients));
  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      RaceOutcome mine;
      start_together.arrive_and_wait();
      try {
        push_batches(ports[c % ports.size()], race.per_client[c], batch, mine);
      } catch (const std::exception& error) {
        mine.failures.emplace_back(error.what());
      }
      const std::lock_guard lock(total_mutex);
      for (const auto& [task_id, count] : mine.completions) {
        total.completions[task_id] += count;
      }
      total.acknowledged += mine.acknowledged;
      total.rejected += mine.rejected;
      total.busy_answers += mine.busy_answers;
      total.failures.insert(total.failures.end(), mine.failures.begin(), mine.failures.end());
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  return total;
}

void expect_each_task_completed_once(HttpConnection& http, const SettlingRace& race,
                                     const RaceOutcome& outcome) {
  EXPECT_TRUE(outcome.failures.empty())
      << outcome.failures.size() << " requests failed, first: " << outcome.failures.front();
  EXPECT_EQ(outcome.rejected, 0u);
  EXPECT_EQ(outcome.acknowledged, race.records);
  // A batch answered 503 may have been committed before it failed; its retry then completes
  // nothing, so only an answer of every batch at the first try pins the count to one.
  const bool every_batch_answered_once = outcome.busy_answers == 0 && outcome.failures.empty();
  if (!every_batch_answered_once) {
    std::cout << outcome.busy_answers << " answers were 503 (retried)\n";
  }
  std::set<std::int64_t> ids;
  for (const auto& task : race.tasks) {
    ids.insert(task.id);
    SCOPED_TRACE("task " + std::to_string(task.id));
    const auto stored = get_task(http, task.id);
    EXPECT_EQ(int_field(stored, "task_type"), 3);
    EXPECT_EQ(int_field(stored, "total_calls"), task.leads);
    EXPECT_EQ(int_field(stored, "connected_calls"), task.connected);
    EXPECT_EQ(int_field(stored, "settled_calls"), task.leads);

    const auto rows = history(http, task.id);
    EXPECT_EQ(count_transitions(rows, 1, 2), 1u);
    EXPECT_EQ(count_transitions(rows, 2, 3), 1u);
    EXPECT_EQ(last_reason_into(http, task.id, 3), "all_settled");
    const auto found = outcome.completions.find(task.id);
    const std::size_t completions = found == outcome.completions.end() ? 0 : found->second;
    if (every_batch_answered_once) {
      EXPECT_EQ(completions, 1u) << "answers listing the task in completed_tasks";
    } else {
      EXPECT_LE(completions, 1u) << "answers listing the task in completed_tasks";
    }

    // The states of the leads agree with the counters (the totals) and with the records.
    for (const auto& [state, expected] :
         std::vector<std::pair<std::string, std::int64_t>>{{"connected", task.connected},
                                                           {"unreachable", task.unreachable},
                                                           {"exhausted", task.exhausted},
                                                           {"pending", 0}}) {
      const auto listing = all_leads(http, task.id, state);
      EXPECT_EQ(listing.total, expected) << state;
      EXPECT_EQ(static_cast<std::int64_t>(listing.items.size()), expected) << state;
    }
  }
  for (const auto& [task_id, count] : outcome.completions) {
    EXPECT_TRUE(ids.contains(task_id)) << "completed_tasks named task " << task_id;
  }
}

}  // namespace dialtrack::test
