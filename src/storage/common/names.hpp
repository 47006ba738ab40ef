#pragma once

#include "storage/common/time_columns.hpp"
#include "store_api/store.hpp"

/// The names that every port file of both backends uses, short (as the port headers name the
/// domain's): ids, times, task states and transaction modes, and how times are stored.
namespace dialtrack::storage {

using store_api::LeadId;
using store_api::TaskId;
using store_api::TaskType;
using store_api::Timestamp;
using store_api::TxMode;
using time_columns::millis;
using time_columns::timestamp;

}  // namespace dialtrack::storage
