#pragma once

#include <atomic>
#include <cstddef>

namespace dialtrack::http {

/// One memory budget shared by every request body being read or handled
/// (`server.body_memory_budget`). Each connection reserves what its body will take before reading
/// it; a body that would take the total past the budget is refused at once (503), so thousands
/// of connections sending large bodies cannot hold more than the budget between them.
class BodyBudget {
 public:
  explicit BodyBudget(std::size_t limit) : limit_(limit) {}
  BodyBudget(const BodyBudget&) = delete;
  BodyBudget& operator=(const BodyBudget&) = delete;

  /// Bytes held by one body. Grows as the body does and gives everything back when destroyed;
  /// it may outlive the connection (a handler still running at shutdown holds its body).
  class Reservation {
   public:
    Reservation() = default;
    explicit Reservation(BodyBudget& budget) : budget_(&budget) {}
    ~Reservation() { release(); }
    Reservation(Reservation&& other) noexcept;
    Reservation& operator=(Reservation&& other) noexcept;
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;

    /// Raises the reservation to `bytes` in all (never lowers it). False, changing nothing, when
    /// the budget has no room for the difference.
    [[nodiscard]] bool grow_to(std::size_t bytes);
    [[nodiscard]] std::size_t bytes() const { return bytes_; }

   private:
    void release();

    BodyBudget* budget_ = nullptr;
    std::size_t bytes_ = 0;
  };

  /// An empty reservation on this budget.
  [[nodiscard]] Reservation reserve() { return Reservation(*this); }
  /// Bytes reserved by all bodies now.
  [[nodiscard]] std::size_t in_use() const { return used_.load(); }
  [[nodiscard]] std::size_t limit() const { return limit_; }

 private:
  [[nodiscard]] bool take(std::size_t bytes);
  void give_back(std::size_t bytes) { used_.fetch_sub(bytes); }

  const std::size_t limit_;
  std::atomic<std::size_t> used_{0};
};

}  // namespace dialtrack::http
