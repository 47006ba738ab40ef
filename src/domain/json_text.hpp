#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

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

/// Writes json_text's bytes straight into a string, value by value, for answers too large to
/// build as a DOM first (a follow-up page of 50 records is about a thousand values: building,
/// moving and freeing them cost more than the page's database reads). The same escapes and
/// number forms as json_text; the caller orders the calls as the document nests (a key before
/// each member's value), the writer puts the commas.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  /// The next member's name; its value follows.
  JsonWriter& key(std::string_view name);
  JsonWriter& string(std::string_view text);
  JsonWriter& integer(std::int64_t value);
  JsonWriter& boolean(bool value);
  JsonWriter& number(double value);
  JsonWriter& null();
  /// A DOM value, as json_text writes it.
  JsonWriter& value(const boost::json::value& value);
  /// Text that is JSON already, as json_text wrote it (another writer's output), copied.
  JsonWriter& raw(std::string_view json);
  /// Stored JSON text as json_text writes what boost::json::parse reads from it, `null` when it
  /// does not parse. Text already in that form (no spaces, no escapes, ASCII, integers: what
  /// the service stores) is copied without parsing.
  JsonWriter& reparsed(std::string_view text);

 private:
  void separate();
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  /// A value that is not a container: the comma before it, `write()` (which appends its text)
  /// and the comma after it.
  template <typename Write>
  JsonWriter& scalar(Write write);

  std::string& out_;
  bool comma_ = false;  ///< a value was written at this level: the next one needs a comma
};

}  // namespace dialtrack::domain
