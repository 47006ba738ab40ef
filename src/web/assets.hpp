#pragma once

#include <span>
#include <string_view>

namespace dialtrack::web {

/// One file of the dashboard or of the API viewer, compiled into the program.
struct EmbeddedFile {
  std::string_view path;          ///< the URL path, e.g. "/index.html", "/assets/index-3f2a.js"
  std::string_view content_type;  ///< e.g. "text/html; charset=utf-8"
  std::string_view etag;          ///< a quoted hash of the content, e.g. "\"9c1e...\""
  std::string_view body;
  std::string_view gzip;    ///< the body gzip-compressed at build time; empty when not worth it
  std::string_view brotli;  ///< the body brotli-compressed at build time; empty when not worth it
};

/// Every embedded file, sorted by path. Defined in the source that `embed_assets` generates
/// at build time from the built dashboard (`web/`) and swagger-ui; empty when the program was
/// configured with DIALTRACK_EMBED_WEB=OFF.
std::span<const EmbeddedFile> embedded_files();

}  // namespace dialtrack::web
