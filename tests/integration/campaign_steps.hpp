#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.hpp"

/// Steps over the campaign API of SPEC §6 (completion policies, finish, leads, redial), shared
/// by the campaign tests. Like support/api.hpp they throw when an answer is not what the step
/// needs; the answers a test is about are returned as they are.
namespace dialtrack::test {

/// The concurrent campaign workload (campaign_concurrency_test, campaign_multi_instance_pgtest):
/// clients pushing batches of records into tasks of leads with an attempt limit.
namespace campaign_load {
constexpr std::size_t kClients = 16;
constexpr std::size_t kTasks = 6;
constexpr std::size_t kLeadsPerTask = 90;
constexpr std::int64_t kMaxAttempts = 3;
constexpr std::size_t kBatch = 10;
}  // namespace campaign_load

/// `Accept-Language: en`.
Headers english();

/// `{"until": until}` plus `max_attempts` and `final_statuses` when given.
boost::json::object completion_policy(
    std::string_view until, std::optional<std::int64_t> max_attempts = std::nullopt,
    const std::optional<std::vector<std::string>>& final_statuses = std::nullopt);

/// POST /tasks with these leads and completion policy; returns the task_id (expects 201).
std::int64_t create_campaign(HttpConnection& http, const boost::json::array& leads,
                             const boost::json::object& completion,
                             std::string_view name = "campaign",
                             const std::optional<std::string>& job_group_id = std::nullopt);

/// A lead with a name, a job id and attrs derived from its phone (`{"row": n}`).
boost::json::object full_lead(std::string_view phone, std::int64_t row);

/// PUT /tasks/{id}/completion with `body` as it is.
Response put_completion(HttpConnection& http, std::int64_t task_id, const boost::json::value& body);
/// POST /tasks/{id}/finish.
Response finish_task(HttpConnection& http, std::int64_t task_id, const Headers& headers = {});
/// POST /tasks/{id}/leads with `{"leads": leads}`.
Response add_leads(HttpConnection& http, std::int64_t task_id, boost::json::array leads);
/// POST /tasks/{id}/redial with `body`.
Response redial(HttpConnection& http, std::int64_t task_id, const boost::json::object& body = {});

/// GET /tasks/{id}/leads?<query> (query without the `?`).
Response list_leads(HttpConnection& http, std::int64_t task_id, std::string_view query = "");
/// Every lead of a task in `state` (none: every lead), read page by page with `page_size`.
/// Throws when an answer is not 200 or a page's `total` differs from the first page's.
struct LeadListing {
  std::int64_t total = 0;  ///< the `total` every page answered
  std::size_t pages = 0;
  std::vector<boost::json::object> items;
};
LeadListing all_leads(HttpConnection& http, std::int64_t task_id, std::string_view state = "",
                      int page_size = 1000);
/// GET /tasks/{id}/leads/{phone}, the phone percent-encoded.
Response get_lead(HttpConnection& http, std::int64_t task_id, std::string_view phone);

/// The `phone` of each lead, in order.
std::vector<std::string> phones_of(const std::vector<boost::json::object>& leads);
/// Every character outside [A-Za-z0-9-._~] as %XX (a query value or a path segment).
std::string percent_encoded(std::string_view text);
/// The reason of the newest history row into `to`; empty when there is none.
std::string last_reason_into(HttpConnection& http, std::int64_t task_id, std::int64_t to);

/// A race of dialer connections over `all_settled` tasks. Every lead ends one of three ways,
/// whatever order its records arrive in: connected (after up to two NoAnswer attempts, its
/// connected call going Executing -> Connected), dead (NotExist, maybe after a NoAnswer, the
/// dead call going Executing -> NotExist) or exhausted (`max_attempts` NoAnswer calls, one of
/// them sent twice). The records are dealt out to the clients at random.
struct SettlingRace {
  struct Task {
    std::int64_t id = 0;
    std::int64_t leads = 0;
    std::int64_t connected = 0;
    std::int64_t unreachable = 0;
    std::int64_t exhausted = 0;
  };
  std::vector<Task> tasks;
  std::vector<boost::json::array> per_client;
  std::size_t records = 0;
};
/// Creates the tasks through `http` (each with `leads_per_task` leads and max_attempts
/// `max_attempts`) and deals their records out to `clients`.
SettlingRace plan_settling_race(HttpConnection& http, std::size_t tasks, std::size_t leads_per_task,
                                std::int64_t max_attempts, std::size_t clients, unsigned seed);

/// What the clients of a race were answered.
struct RaceOutcome {
  std::map<std::int64_t, std::size_t> completions;  ///< task -> answers listing it completed
  std::size_t acknowledged = 0;                     ///< records in batches answered 200
  std::size_t rejected = 0;
  std::size_t busy_answers = 0;  ///< 503 answers (each retried)
  std::vector<std::string> failures;
};
/// Starts every client at once; client c talks to ports[c % ports.size()] over its own
/// keep-alive connection, in batches of `batch` records, retrying a batch answered 503.
RaceOutcome run_race(const std::vector<std::uint16_t>& ports, const SettlingRace& race,
                     std::size_t batch);

/// The race's verdict on each task, read through `http`: every task complete exactly once
/// (one 2 -> 3 row with reason `all_settled`, in exactly one answer's completed_tasks) and its
/// counters and lead states what its records say. Adds a gtest failure for each difference.
void expect_each_task_completed_once(HttpConnection& http, const SettlingRace& race,
                                     const RaceOutcome& outcome);

}  // namespace dialtrack::test
