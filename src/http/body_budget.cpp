#include "http/body_budget.hpp"

#include <utility>

namespace dialtrack::http {

bool BodyBudget::take(std::size_t bytes) {
  auto used = used_.load();
  do {
    if (bytes > limit_ || used > limit_ - bytes) {
      return false;
    }
  } while (!used_.compare_exchange_weak(used, used + bytes));
  return true;
}

BodyBudget::Reservation::Reservation(Reservation&& other) noexcept
    : budget_(std::exchange(other.budget_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

BodyBudget::Reservation& BodyBudget::Reservation::operator=(Reservation&& other) noexcept {
  if (this != &other) {
    release();
    budget_ = std::exchange(other.budget_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

bool BodyBudget::Reservation::grow_to(std::size_t bytes) {
  if (bytes <= bytes_) {
    return true;
  }
  if (budget_ == nullptr || !budget_->take(bytes - bytes_)) {
    return false;
  }
  bytes_ = bytes;
  return true;
}

void BodyBudget::Reservation::release() {
  if (budget_ != nullptr && bytes_ > 0) {
    budget_->give_back(bytes_);
  }
  bytes_ = 0;
}

}  // namespace dialtrack::http
