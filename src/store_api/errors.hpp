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

/// The disk (or quota) holding the database is full (SQLite SQLITE_FULL or ENOSPC, PostgreSQL
/// SQLSTATE 53100): nothing of the transaction was kept, and the same write succeeds once space
/// is freed, without a restart. A kind of unavailability, so code that only knows "retry later"
/// treats it right; the HTTP layer answers it apart (507).
class StoreFull : public StoreUnavailable {
 public:
  using StoreUnavailable::StoreUnavailable;
};

/// The transaction lost a race with another one (a serialization failure or a unique
/// violation between instances). Nothing of it was kept; running it again from the start is
/// safe, and the application layer does so a few times before giving up.
class StoreConflict : public StoreError {
 public:
  using StoreError::StoreError;
};

}  // namespace dialtrack::store_api
