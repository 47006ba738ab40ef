#include "csv/encoding.hpp"

#include <cerrno>
#include <cstdint>
#include <stdexcept>

namespace dialtrack::csv {

std::optional<Encoding> encoding_from_name(std::string_view name) {
  std::string lower;
  for (const char c : name) {
    lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  if (lower == "utf-8" || lower == "utf8") {
    return Encoding::kUtf8;
  }
  if (lower == "gbk" || lower == "gb18030" || lower == "gb2312" || lower == "cp936") {
    return Encoding::kGbk;
  }
  return std::nullopt;
}

bool is_valid_utf8(std::string_view bytes, bool allow_truncated_end) {
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    std::size_t length = 0;
    unsigned min_second = 0x80;
    unsigned max_second = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) {
        min_second = 0xA0;  // no overlong forms
      } else if (c == 0xED) {
        max_second = 0x9F;  // no surrogates
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) {
        min_second = 0x90;
      } else if (c == 0xF4) {
        max_second = 0x8F;
      }
    } else {
      return false;
    }
    for (std::size_t k = 1; k < length; ++k) {
      if (i + k >= n) {
        return allow_truncated_end;
      }
      const auto b = static_cast<unsigned char>(bytes[i + k]);
      const unsigned low = k == 1 ? min_second : 0x80;
      const unsigned high = k == 1 ? max_second : 0xBF;
      if (b < low || b > high) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

Encoding detect_encoding(std::string_view sample) {
  if (sample.starts_with("\xEF\xBB\xBF")) {
    return Encoding::kUtf8;
  }
  return is_valid_utf8(sample, true) ? Encoding::kUtf8 : Encoding::kGbk;
}

Utf8Decoder::Utf8Decoder(Encoding from) : from_(from) {
  if (from_ == Encoding::kGbk) {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    // iconv_open answers (iconv_t)-1 when it cannot convert.
    if (reinterpret_cast<std::intptr_t>(cd) == -1) {
      throw std::runtime_error("iconv cannot convert GB18030 to UTF-8 on this system");
    }
    cd_ = cd;
  }
}

Utf8Decoder::~Utf8Decoder() {
  if (cd_ != nullptr) {
    iconv_close(cd_);
  }
}

bool Utf8Decoder::feed(std::string_view chunk, std::string& out) {
  if (from_ == Encoding::kUtf8) {
    // UTF-8 passes through; its validity is the CSV importer's concern per field.
    out += chunk;
    consumed_ += chunk.size();
    return true;
  }
  std::string input = std::move(pending_);
  pending_.clear();
  input += chunk;
  const std::size_t start = consumed_ - (input.size() - chunk.size());
  char* in = input.data();
  std::size_t in_left = input.size();
  char buffer[16384];
  while (in_left > 0) {
    char* out_ptr = buffer;
    std::size_t out_left = sizeof buffer;
    const auto done = iconv(cd_, &in, &in_left, &out_ptr, &out_left);
    out.append(buffer, static_cast<std::size_t>(out_ptr - buffer));
    if (done != static_cast<std::size_t>(-1)) {
      break;
    }
    if (errno == E2BIG) {
      continue;
    }
    if (errno == EINVAL) {
      pending_.assign(in, in_left);  // a character split by the chunk's end
      break;
    }
    bad_offset_ = start + static_cast<std::size_t>(in - input.data());
    return false;
  }
  consumed_ += chunk.size();
  return true;
}

std::optional<std::string> gbk_to_utf8(std::string_view bytes) {
  Utf8Decoder decoder(Encoding::kGbk);
  std::string out;
  if (!decoder.feed(bytes, out) || !decoder.finish()) {
    return std::nullopt;
  }
  return out;
}

}  // namespace dialtrack::csv
