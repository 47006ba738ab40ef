#pragma once

#include <memory>
#include <vector>

#include "storage/postgres/pg_connection.hpp"
#include "store_api/store.hpp"

namespace dialtrack::storage::postgres {

class PgStore;

/// The named statements of every port: what each connection prepares once, when it opens.
const std::vector<NamedStatement>& all_statements();

/// Begins a transaction on a connection borrowed from `store` (which must outlive it) and given
/// back when the transaction ends; its ports all run on that connection. A write or read
/// transaction runs between BEGIN and COMMIT (rolled back when it ends uncommitted); a single
/// read sends its one statement on its own.
std::unique_ptr<store_api::Transaction> begin_transaction(PgStore& store, store_api::TxMode mode);

}  // namespace dialtrack::storage::postgres
