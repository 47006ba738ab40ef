// Build-time tool: writes a C++ source that embeds files as string literals, with their URL
// path, content type and an ETag (FNV-1a 64 of the content). Usage:
//   embed_assets OUT.cpp URL_PREFIX=PATH...
// A PATH that is a folder is embedded whole (URL_PREFIX + its relative path, e.g. "/=dist");
// a PATH that is a file is embedded at URL_PREFIX itself ("/docs/ui.css=node_modules/x.css").
// A file `X.gz` or `X.br` beside a file `X` is X's precompressed copy (web/scripts/
// precompress.mjs writes them): embedded with X, as its gzip and brotli encodings, never
// served at a path of its own.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string content_type(const fs::path& file) {
  static const std::map<std::string, std::string, std::less<>> kTypes{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".yaml", "application/yaml; charset=utf-8"},
  };
  const auto it = kTypes.find(file.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + file.string());
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string etag(std::string_view body) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : body) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  std::ostringstream out;
  out << std::hex << hash << '-' << body.size();
  return out.str();
}

/// The bytes as C++ string literals: printable ASCII as is (but `?`, which could start a
/// trigraph), the rest as three-digit octal escapes (never ambiguous with a following digit),
/// one literal per line of ~120 characters.
void write_literal(std::ostream& out, std::string_view body) {
  std::string line;
  for (const char c : body) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '"' && c != '\\' && c != '?') {
      line += c;
    } else {
      constexpr std::string_view kDigits = "01234567";
      line += '\\';
      line += kDigits[(byte >> 6U) & 7U];
      line += kDigits[(byte >> 3U) & 7U];
      line += kDigits[byte & 7U];
    }
    if (line.size() >= 120 || byte == '\n') {
      out << "    \"" << line << "\"\n";
      line.clear();
    }
  }
  if (!line.empty() || body.empty()) {
    out << "    \"" << line << "\"\n";
  }
}

struct Entry {
  std::string url;
  fs::path file;
};

/// True for `X.gz` or `X.br` when X is a file too: a precompressed copy, not a file of its own.
bool is_encoded_copy(const fs::path& file) {
  const auto ext = file.extension();
  if (ext != ".gz" && ext != ".br") {
    return false;
  }
  auto base = file;
  base.replace_extension();
  return fs::is_regular_file(base);
}

/// The content of `file` + `suffix` when that copy exists, else empty.
std::string encoded_copy(const fs::path& file, std::string_view suffix) {
  auto copy = file;
  copy += suffix;
  return fs::is_regular_file(copy) ? read_file(copy) : std::string();
}

void collect(const std::string& prefix, const fs::path& path, std::vector<Entry>& out) {
  if (fs::is_regular_file(path)) {
    out.push_back({prefix, path});
    return;
  }
  if (!fs::is_directory(path)) {
    throw std::runtime_error(path.string() + " is neither a file nor a folder");
  }
  for (const auto& item : fs::recursive_directory_iterator(path)) {
    if (item.is_regular_file() && !is_encoded_copy(item.path())) {
      out.push_back({prefix + fs::relative(item.path(), path).generic_string(), item.path()});
    }
  }
}

/// The literal `kFileN_suffix` of a precompressed copy, when there is one.
void write_copy(std::ostream& out, std::size_t i, std::string_view suffix,
                const std::string& copy) {
  if (!copy.empty()) {
    out << "\nconstexpr char kFile" << i << suffix << "[] =\n";
    write_literal(out, copy);
    out << "    ;\n";
  }
}

/// `{kFileN_suffix, size}` when the copy is there, else `{}`.
std::string view_of(std::size_t i, std::string_view suffix, const std::string& copy) {
  if (copy.empty()) {
    return "{}";
  }
  return "{kFile" + std::to_string(i) + std::string(suffix) + ", " + std::to_string(copy.size()) +
         "}";
}

void generate(const fs::path& output, const std::vector<Entry>& entries) {
  std::ostringstream out;
  out << "// Generated at build time by embed_assets: do not edit.\n"
         "#include \"web/assets.hpp\"\n\n"
         "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n\n"
         "namespace dialtrack::web {\n";
  if (entries.empty()) {
    out << "\nstd::span<const EmbeddedFile> embedded_files() { return {}; }\n";
  } else {
    out << "namespace {\n";
    std::vector<std::string> bodies;
    std::vector<std::string> gzips;
    std::vector<std::string> brotlis;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      bodies.push_back(read_file(entries[i].file));
      gzips.push_back(encoded_copy(entries[i].file, ".gz"));
      brotlis.push_back(encoded_copy(entries[i].file, ".br"));
      out << "\nconstexpr char kFile" << i << "[] =\n";
      write_literal(out, bodies.back());
      out << "    ;\n";
      write_copy(out, i, "_gz", gzips.back());
      write_copy(out, i, "_br", brotlis.back());
    }
    out << "\nconstexpr EmbeddedFile kFiles[] = {\n";
    for (std::size_t i = 0; i < entries.size(); ++i) {
      out << "    {\"" << entries[i].url << "\", \"" << content_type(entries[i].file) << "\", "
          << "\"\\\"" << etag(bodies[i]) << "\\\"\", {kFile" << i << ", " << bodies[i].size()
          << "}, " << view_of(i, "_gz", gzips[i]) << ", " << view_of(i, "_br", brotlis[i])
          << "},\n";
    }
    out << "};\n\n}  // namespace\n\n"
           "std::span<const EmbeddedFile> embedded_files() { return kFiles; }\n";
  }
  out << "\n}  // namespace dialtrack::web\n";
  // Rewrite only on change, so an unchanged dashboard recompiles nothing.
  const std::string text = out.str();
  if (fs::exists(output) && read_file(output) == text) {
    return;
  }
  std::ofstream file(output, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file) {
    throw std::runtime_error("cannot write " + output.string());
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: embed_assets OUT.cpp [URL_PREFIX=PATH]...\n";
    return 2;
  }
  try {
    std::vector<Entry> entries;
    for (int i = 2; i < argc; ++i) {
      const std::string_view arg = argv[i];
      const auto eq = arg.find('=');
      if (eq == std::string_view::npos || !arg.starts_with('/')) {
        std::cerr << "embed_assets: expected URL_PREFIX=PATH, got " << arg << "\n";
        return 2;
      }
      collect(std::string(arg.substr(0, eq)), fs::path(arg.substr(eq + 1)), entries);
    }
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.url < b.url; });
    const auto repeated =
        std::adjacent_find(entries.begin(), entries.end(),
                           [](const Entry& a, const Entry& b) { return a.url == b.url; });
    if (repeated != entries.end()) {
      std::cerr << "embed_assets: two files for " << repeated->url << "\n";
      return 1;
    }
    generate(argv[1], entries);
  } catch (const std::exception& e) {
    std::cerr << "embed_assets: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
