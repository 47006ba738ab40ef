#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace dialtrack::metrics {

/// A monotonically increasing count; lock-free.
class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// A value that goes up and down (open connections, pool in use).
class Gauge {
 public:
  void add(std::int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  void set(std::int64_t n) { value_.store(n, std::memory_order_relaxed); }
  [[nodiscard]] std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

/// Durations in seconds, in fixed buckets from 0.5 ms to 10 s.
class Histogram {
 public:
  static constexpr std::array<double, 14> kBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                  0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
  void observe(double seconds);
  /// Cumulative counts per bound, then +Inf; the sum in microseconds.
  [[nodiscard]] std::array<std::uint64_t, kBounds.size() + 1> cumulative() const;
  [[nodiscard]] double sum() const;
  [[nodiscard]] std::uint64_t count() const;

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> sum_micros_{0};
};

/// Label pairs of one series, e.g. {{"route", "/tasks"}, {"status", "200"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

/// Every metric of the process, rendered in the Prometheus text exposition format. Looking a
/// series up takes a lock; hot paths keep the returned reference, which stays valid.
class Registry {
 public:
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, const Labels& labels = {});

  /// Runs `refresh` at the start of every render, to sample values kept elsewhere (such as the
  /// database pool's use) into gauges. It must not call render().
  void on_render(std::function<void()> refresh);

  [[nodiscard]] std::string render() const;

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  /// A family's series of one kind, by their label text.
  template <typename Metric>
  using SeriesMap = std::map<std::string, std::unique_ptr<Metric>>;
  struct Family {
    Kind kind;
    std::string help;
    SeriesMap<Counter> counters;
    SeriesMap<Gauge> gauges;
    SeriesMap<Histogram> histograms;
  };
  Family& family(std::string_view name, std::string_view help, Kind kind);
  /// The series of `labels` in the family `name` (made, and the series, on first use).
  template <typename Metric>
  Metric& series_of(std::string_view name, std::string_view help, const Labels& labels, Kind kind,
                    SeriesMap<Metric> Family::*of_kind);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
  mutable std::mutex refresh_mutex_;
  std::vector<std::function<void()>> refreshers_;
};

}  // namespace dialtrack::metrics
