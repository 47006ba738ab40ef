#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>

namespace dialtrack::domain {

/// The JSON text the service writes: every HTTP answer, webhook payload and stored JSON goes
/// through here. It is boost::json::serialize's text (the same escapes, the same order, no
/// spaces) except for doubles, which Boost 1.81 writes in exponent form (`4.162E-1`, `0E0`):
/// here they are plain decimals, the shortest text that reads back as the same double
/// (`0.4162`, `0`, `1`, `0.0000001`, `100000000000000000000`). A double that is not finite has
/// no JSON form; it is written as `null` (no route answers one: rates are guarded against a
/// zero denominator, and the decoders refuse numbers outside the range of a double).
std::string json_text(const boost::json::value& value);
std::string json_text(const boost::json::object& object);
std::string json_text(const boost::json::array& array);

/// json_text appended to `out`.
void append_json_text(std::string& out, const boost::json::value& value);

}  // namespace dialtrack::domain
