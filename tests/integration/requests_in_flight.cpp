#include "requests_in_flight.hpp"

#include <boost/json/serialize.hpp>

#include "support/api.hpp"

namespace dialtrack::test {

RequestsInFlight::RequestsInFlight(std::uint16_t port, std::int64_t task_id,
                                   const std::vector<std::string>& phones, std::size_t count)
    : written_(static_cast<std::ptrdiff_t>(count)), answers_(count), errors_(count) {
  for (std::size_t i = 0; i < count; ++i) {
    const auto record = call_record("in-flight-" + std::to_string(i), task_id,
                                    phones[i % phones.size()], "Connected");
    const auto body =
        boost::json::serialize(boost::json::object{{"records", boost::json::array{record}}});
    const std::string request =
        "POST /outbound_call_records HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
        "application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    threads_.emplace_back([this, i, port, request] {
      bool written = false;
      try {
        // Far beyond anything the server should take: a hang shows as a failure, not a wait.
        HttpConnection http(port, scaled(std::chrono::seconds(60)));
        http.send_raw(request);
        written = true;
        written_.count_down();
        answers_[i] = http.read_response();
      } catch (const std::exception& error) {
        errors_[i] = error.what();
        if (!written) {
          written_.count_down();
        }
      }
      ++finished_;
    });
  }
  written_.wait();
}

RequestsInFlight::~RequestsInFlight() = default;

const std::vector<std::optional<Response>>& RequestsInFlight::answers() {
  for (auto& thread : threads_) {
    if (thread.joinable()) {
      thread.join();
    }
  }
  return answers_;
}

}  // namespace dialtrack::test
