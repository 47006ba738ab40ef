// The task report (GET /reports/tasks/{id}) on tasks of 10^4 and 10^6 call records, on a real
// SQLite file: app::ReportService::task_report, i.e. the store's three report queries over the
// aggregates the record writes keep (schema version 6; the report index of version 4 before
// it) plus the task row.
//
// Each task has records / 2 phones with two attempts each (a not-connected one, then a second
// that is connected for two phones in three), statuses from a real cloud dialer, started over
// 10 hours. The database is populated once per size through the store's Transaction interface
// and removed at the end. Sizes: `--benchmark_filter=report/10000` runs the small one alone.

#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "app/clock.hpp"
#include "app/report_service.hpp"
#include "bench_support.hpp"
#include "domain/types.hpp"
#include "storage/open_store.hpp"
#include "store_api/store.hpp"

namespace {

namespace domain = dialtrack::domain;
namespace storage = dialtrack::storage;
namespace store_api = dialtrack::store_api;

constexpr std::int64_t kBatch = 10'000;

/// A temporary directory with the database file, removed at the end.
struct Database {
  Database()
      : store(storage::open_store((dir.path() / "bench.db").string(), {.read_connections = 2})) {}

  dialtrack::bench::TempDir dir{"report-bench"};
  std::unique_ptr<store_api::Store> store;
};

domain::TaskId populate(store_api::Store& store, std::int64_t records) {
  constexpr std::array kFirst{"NoAnswer", "Busy", "PoweredOff", "Unreachable", "Rejected"};
  constexpr std::array kSecond{"SucceededFinish", "SucceededClientHangUp", "NoAnswer"};
  const auto now = dialtrack::app::SystemClock{}.now();
  const auto start = now - std::chrono::hours(10);
  const std::int64_t phones = records / 2;
  auto tx = store.begin(store_api::TxMode::kWrite);
  const auto task_id = tx->tasks().insert_task("report bench", std::nullopt, now);
  tx->tasks().transition(task_id, domain::TaskType::kCreated, domain::TaskType::kCalling, "bench",
                         now);
  std::vector<store_api::RecordWrite> writes;
  dialtrack::bench::insert_leads_in_batches(
      *tx, task_id, phones, "139", now, kBatch, [&](std::span<const store_api::LeadMatch> batch) {
        writes.clear();
        for (const auto& lead : batch) {
          const std::int64_t i = dialtrack::bench::phone_index(lead.phone_key);
          for (int attempt = 0; attempt < 2; ++attempt) {
            store_api::RecordWrite w;
            w.call_id = "b-" + std::to_string(i) + "-" + std::to_string(attempt);
            w.task_id = task_id;
            w.lead_id = lead.lead_id;
            w.phone = lead.phone_key;
            const auto status = attempt == 0
                                    ? kFirst[static_cast<std::size_t>(i) % kFirst.size()]
                                    : kSecond[static_cast<std::size_t>(i) % kSecond.size()];
            w.fields.call_status = status;
            w.connected = std::string_view(status).starts_with("Succeeded");
            const auto started =
                start + std::chrono::milliseconds((i * 36'000'000 / phones) + attempt * 60'000);
            w.fields.started_at = started;
            w.fields.duration = w.connected ? 20 + i % 200 : 0;
            w.fields.ended_at = started + std::chrono::seconds(*w.fields.duration);
            w.fields.event_time = *w.fields.ended_at + std::chrono::seconds(1);
            w.is_new = true;
            writes.push_back(std::move(w));
          }
        }
        tx->records().upsert_records(writes, now);
      });
  tx->commit();
  return task_id;
}

void task_report(benchmark::State& state) {
  static std::map<std::int64_t, std::pair<std::unique_ptr<Database>, domain::TaskId>> databases;
  const std::int64_t records = state.range(0);
  auto& entry = databases[records];
  if (!entry.first) {
    entry.first = std::make_unique<Database>();
    const auto began = std::chrono::steady_clock::now();
    entry.second = populate(*entry.first->store, records);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - began;
    std::fprintf(stderr, "populated %lld records in %.1f s\n", static_cast<long long>(records),
                 took.count());
  }
  const dialtrack::app::SystemClock clock;
  dialtrack::app::ReportService reports(*entry.first->store, clock);
  std::int64_t calls = 0;
  for (auto _ : state) {
    const auto report = reports.task_report(entry.second);
    calls = report->calls;
    benchmark::DoNotOptimize(report);
  }
  if (calls != records) {
    state.SkipWithError("the report does not count every record");
  }
  state.counters["records"] = static_cast<double>(records);
}

BENCHMARK(task_report)
    ->Name("report")
    ->Arg(10'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
