#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "webhook_receiver.hpp"

namespace dialtrack::test {

/// Server options for webhook tests: delivery threads look for work every 20 ms and retry
/// after at most 20 ms, doubling to 100 ms, so the tests wait for little; the receivers of the
/// tests listen on loopback, so private targets are allowed; `extra` is added.
ServerOptions webhook_server_options(const EnvVars& extra = {});

/// POST /webhooks; returns the webhook_id (expects 201).
std::int64_t create_webhook(HttpConnection& http, const std::string& url, const std::string& secret,
                            const std::optional<std::vector<std::string>>& events = std::nullopt);

/// GET /webhooks/{id}/deliveries, the first 1000 items (expects 200).
boost::json::array deliveries(HttpConnection& http, std::int64_t webhook_id);

/// Reads the deliveries until `done(items)` holds; throws with the last answer when the
/// deadline passes first. Delivery state is written by the dispatcher's threads, which the
/// test can only observe through the API.
boost::json::array wait_for_deliveries(HttpConnection& http, std::int64_t webhook_id,
                                       const std::function<bool(const boost::json::array&)>& done);

/// True when every item has this `status` and there are `count` of them.
bool all_have_status(const boost::json::array& items, std::size_t count, std::string_view status);

/// Creates a task with `phones` leads and pushes a connected record for each: the task is
/// completed (checked). Returns its id.
std::int64_t complete_new_task(HttpConnection& http, int phones = 1,
                               std::uint64_t first_phone = 13900000000);

/// The request's body parsed as a JSON object (throws when it is not).
boost::json::object body_of(const ReceivedRequest& request);

/// The value of one series in Prometheus text (`name{labels}` exactly as rendered).
std::optional<double> metric_value(std::string_view metrics_text, std::string_view series);

}  // namespace dialtrack::test
