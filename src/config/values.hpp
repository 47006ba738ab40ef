#pragma once
// The parsers of setting values (the text a flag, a variable or the TOML file carries), shared
// by the files of the config target; other targets use config.hpp.

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace dialtrack::config {

/// An integer within min..max; throws std::invalid_argument naming the value otherwise.
std::int64_t parse_int(const std::string& text, std::int64_t min, std::int64_t max);

/// Comma-separated items, trimmed, empty ones left out.
std::vector<std::string> parse_list(const std::string& text);

/// A comma-separated list of call statuses, each checked.
std::vector<std::string> parse_status_list(const std::string& text);

/// `url|secret` or `url|secret|event;event`, several separated by commas.
std::vector<WebhookSubscription> parse_webhooks(const std::string& text);

/// true/false, 1/0, yes/no, on/off (any case); empty is false.
bool parse_bool(const std::string& text);

/// Checks one token and normalises its digest; the messages never repeat the token itself.
ApiToken checked_token(ApiToken token);

/// `name:scope:TOKEN` or `name:scope:sha256:HEX`, several separated by commas.
std::vector<ApiToken> parse_tokens(const std::string& text);

/// `auth.token_file`: lines `name scope sha256hex`; blank lines and `#` comments are skipped.
std::vector<ApiToken> read_token_file(const std::string& path);

}  // namespace dialtrack::config
