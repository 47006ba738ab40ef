#pragma once

#include <stdexcept>

namespace dialtrack::store_api {

/// The database could not be reached or failed; the request or job that hit it fails as a
/// whole and nothing of its transaction is kept.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The database is (temporarily) unavailable: busy beyond the timeout, connection lost.
class StoreUnavailable : public StoreError {
 public:
  using StoreError::StoreError;
};

/// The transaction lost a race with another one (a serialization failure or a unique
/// violation between instances). Nothing of it was kept; running it again from the start is
/// safe, and the application layer does so a few times before giving up.
class StoreConflict : public StoreError {
 public:
  using StoreError::StoreError;
};

}  // namespace dialtrack::store_api
