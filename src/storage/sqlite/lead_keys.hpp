#pragma once

#include "storage/common/phone_key_backfill.hpp"

namespace dialtrack::storage::sqlite {

class Database;

/// Keys the leads stored before phone keys (phone_key_backfill), inside the migration's
/// transaction. With no `key`, each phone is its own key.
void key_leads(Database& db, const phone_key_backfill::PhoneKeyFn& key, spdlog::logger* log);

}  // namespace dialtrack::storage::sqlite
