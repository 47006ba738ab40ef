#include "metrics/metrics.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace dialtrack::metrics {
namespace {

std::string escape(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

/// `route="/tasks",status="200"`: the key of a series inside its family.
std::string label_text(const Labels& labels) {
  std::string out;
  for (const auto& [name, value] : labels) {
    if (!out.empty()) {
      out += ',';
    }
    out += name + "=\"" + escape(value) + "\"";
  }
  return out;
}

std::string series(const std::string& name, const std::string& labels,
                   const std::string& extra = {}) {
  std::string all = labels;
  if (!extra.empty()) {
    all += all.empty() ? extra : "," + extra;
  }
  return all.empty() ? name : name + "{" + all + "}";
}

std::string bound_text(double bound) {
  std::ostringstream out;
  out << bound;
  return out.str();
}

}  // namespace

void Histogram::observe(double seconds) {
  std::size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) {
    ++i;
  }
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(std::llround(std::max(0.0, seconds) * 1e6)),
                        std::memory_order_relaxed);
}

std::array<std::uint64_t, Histogram::kBounds.size() + 1> Histogram::cumulative() const {
  std::array<std::uint64_t, kBounds.size() + 1> out{};
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

double Histogram::sum() const {
  return static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
}

std::uint64_t Histogram::count() const {
  return cumulative().back();
}

Registry::Family& Registry::family(std::string_view name, std::string_view help, Kind kind) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{kind, std::string(help), {}, {}, {}}).first;
  } else if (it->second.kind != kind) {
    throw std::logic_error("metric " + std::string(name) + " registered with two kinds");
  }
  return it->second;
}

template <typename Metric>
Metric& Registry::series_of(std::string_view name, std::string_view help, const Labels& labels,
                            Kind kind, SeriesMap<Metric> Family::*of_kind) {
  const std::lock_guard lock(mutex_);
  auto& slot = (family(name, help, kind).*of_kind)[label_text(labels)];
  if (!slot) {
    slot = std::make_unique<Metric>();
  }
  return *slot;
}

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  return series_of(name, help, labels, Kind::kCounter, &Family::counters);
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  return series_of(name, help, labels, Kind::kGauge, &Family::gauges);
}

Histogram& Registry::histogram(std::string_view name, std::string_view help, const Labels& labels) {
  return series_of(name, help, labels, Kind::kHistogram, &Family::histograms);
}

void Registry::on_render(std::function<void()> refresh) {
  const std::lock_guard lock(refresh_mutex_);
  refreshers_.push_back(std::move(refresh));
}

std::string Registry::render() const {
  {
    // Refreshers set gauges, which takes mutex_; so they run before it is held.
    const std::lock_guard refreshing(refresh_mutex_);
    for (const auto& refresh : refreshers_) {
      refresh();
    }
  }
  const std::lock_guard lock(mutex_);
  std::ostringstream out;
  for (const auto& [name, f] : families_) {
    out << "# HELP " << name << " " << f.help << "\n";
    switch (f.kind) {
      case Kind::kCounter:
        out << "# TYPE " << name << " counter\n";
        for (const auto& [labels, c] : f.counters) {
          out << series(name, labels) << " " << c->value() << "\n";
        }
        break;
      case Kind::kGauge:
        out << "# TYPE " << name << " gauge\n";
        for (const auto& [labels, g] : f.gauges) {
          out << series(name, labels) << " " << g->value() << "\n";
        }
        break;
      case Kind::kHistogram:
        out << "# TYPE " << name << " histogram\n";
        for (const auto& [labels, h] : f.histograms) {
          const auto counts = h->cumulative();
          for (std::size_t i = 0; i < Histogram::kBounds.size(); ++i) {
            out << series(name + "_bucket", labels,
                          "le=\"" + bound_text(Histogram::kBounds[i]) + "\"")
                << " " << counts[i] << "\n";
          }
          out << series(name + "_bucket", labels, "le=\"+Inf\"") << " " << counts.back() << "\n";
          out << series(name + "_sum", labels) << " " << h->sum() << "\n";
          out << series(name + "_count", labels) << " " << counts.back() << "\n";
        }
        break;
    }
  }
  return out.str();
}

}  // namespace dialtrack::metrics
