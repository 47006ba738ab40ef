#pragma once

#include <iconv.h>

#include <optional>
#include <string>
#include <string_view>

namespace dialtrack::csv {

/// How the bytes of an imported file are encoded.
enum class Encoding { kUtf8, kGbk };

/// Reads `utf-8`/`utf8`, `gbk`/`gb18030`/`gb2312` (case-insensitive); nothing otherwise.
std::optional<Encoding> encoding_from_name(std::string_view name);

/// True when `bytes` is valid UTF-8. With `allow_truncated_end`, a sequence cut off by the end
/// of the buffer is accepted (a sample taken from the start of a longer file).
bool is_valid_utf8(std::string_view bytes, bool allow_truncated_end = false);

/// Guesses the encoding of a file from its first bytes: UTF-8 when they are valid UTF-8 (a
/// UTF-8 byte order mark decides at once), GBK otherwise.
Encoding detect_encoding(std::string_view sample);

/// Converts a stream of chunks to UTF-8 with glibc's iconv (GBK is read as GB18030, its
/// superset). A multi-byte character split across chunks is carried to the next chunk.
class Utf8Decoder {
 public:
  explicit Utf8Decoder(Encoding from);
  ~Utf8Decoder();
  Utf8Decoder(const Utf8Decoder&) = delete;
  Utf8Decoder& operator=(const Utf8Decoder&) = delete;

  /// Appends the UTF-8 text of `chunk` to `out`. False at the first byte sequence that is not
  /// valid in the source encoding; `bad_offset()` is then its position in the whole input.
  bool feed(std::string_view chunk, std::string& out);
  /// False when the input ended inside a character.
  [[nodiscard]] bool finish() const { return pending_.empty(); }
  [[nodiscard]] std::size_t bad_offset() const { return bad_offset_; }

 private:
  Encoding from_;
  iconv_t cd_ = nullptr;  ///< open for GBK only
  std::string pending_;
  std::size_t consumed_ = 0;
  std::size_t bad_offset_ = 0;
};

/// Converts a whole GBK buffer to UTF-8; nothing when it is not valid GBK.
std::optional<std::string> gbk_to_utf8(std::string_view bytes);

}  // namespace dialtrack::csv
