// POST /outbound_call_records bodies: decode_record_batch.
#include <cstdlib>

#include "domain/call_status.hpp"
#include "domain/phone.hpp"
#include "fuzz_json.hpp"
#include "http/decoders.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dialtrack;
  constexpr std::int64_t kMaxRecords = 50;
  const auto body = fuzz::body_object(data, size);
  if (!body) {
    return 0;
  }
  const auto decoded = http::decode_record_batch(*body, kMaxRecords);
  if (const auto* error = std::get_if<domain::FieldError>(&decoded)) {
    if (error->field.empty()) {
      std::abort();
    }
    return 0;
  }
  const auto& batch = std::get<http::RecordBatch>(decoded);
  // Every pushed record is either decoded or rejected, each once, and keeps its index.
  const auto& items = body->at("records").as_array();
  if (batch.records.size() + batch.rejected.size() != items.size()) {
    std::abort();
  }
  for (const auto& record : batch.records) {
    if (record.index >= items.size() || record.call_id.empty() ||
        domain::normalize_phone(record.phone) != record.phone ||
        !domain::is_valid_call_status(record.fields.call_status) ||
        (!record.task_id && !record.fields.job_group_id)) {
      std::abort();
    }
    if (record.fields.extra_json) {
      // Extra fields are stored as a JSON object and must read back as one.
      boost::system::error_code ec;
      const auto extra = boost::json::parse(*record.fields.extra_json, ec);
      if (ec || !extra.is_object()) {
        std::abort();
      }
    }
  }
  for (const auto& rejection : batch.rejected) {
    if (rejection.index >= items.size() || !rejection.field || rejection.field->field.empty()) {
      std::abort();
    }
  }
  return 0;
}
