#pragma once

#include <chrono>

#include "domain/types.hpp"

namespace dialtrack::app {

/// Where use cases read the time; tests and simulations may pass their own.
class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual domain::Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] domain::Timestamp now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
};

}  // namespace dialtrack::app
