#pragma once

#include "storage/common/phone_key_backfill.hpp"

namespace dialtrack::storage::postgres {

class Connection;

/// Keys the leads stored before phone keys (phone_key_backfill), on the migration's connection
/// inside its transaction. With no `key`, each phone is its own key.
void key_leads(Connection& c, const phone_key_backfill::PhoneKeyFn& key, spdlog::logger* log);

}  // namespace dialtrack::storage::postgres
