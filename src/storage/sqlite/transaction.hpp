#pragma once

#include <memory>

#include "store_api/store.hpp"

namespace dialtrack::storage::sqlite {

struct Connection;
class GroupCommit;
class SqliteStore;

/// Begins a read transaction on `reader`, a connection of `store`'s pool (which must outlive the
/// transaction); the connection goes back to the pool when the transaction ends, or at once if
/// BEGIN fails.
std::unique_ptr<store_api::Transaction> begin_read(SqliteStore& store,
                                                   std::unique_ptr<Connection> reader);

/// Begins a read transaction on `reader`, a connection the calling thread owns (which must
/// outlive the transaction). kSingleRead: no BEGIN and COMMIT (one statement is its own
/// snapshot; committing resets it, which ends its read).
std::unique_ptr<store_api::Transaction> begin_thread_read(Connection& reader,
                                                          store_api::TxMode mode);

/// Begins a write transaction: waits for the writer and joins its group commit (see
/// group_commit.hpp).
std::unique_ptr<store_api::Transaction> begin_write(Connection& writer, GroupCommit& group);

}  // namespace dialtrack::storage::sqlite
