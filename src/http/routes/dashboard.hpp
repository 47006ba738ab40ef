#pragma once

#include <span>
#include <string_view>

#include "http/router.hpp"
#include "web/assets.hpp"

namespace dialtrack::http {

/// The files compiled into the program: the dashboard (`GET /`, `GET /assets/{file}`) and the
/// API viewer (`GET /docs`, `GET /docs/{file}`). Both folders are flat (Vite writes every build
/// output to assets/), so one path segment names a file. Every answer carries an ETag and
/// honours `If-None-Match` with a 304; hashed build outputs under /assets/ are cached for a
/// year, everything else is revalidated. An unknown file is the usual 404 envelope.
class DashboardRoutes {
 public:
  /// `files` sorted by path, as `web::embedded_files()` gives them.
  explicit DashboardRoutes(std::span<const web::EmbeddedFile> files);

  [[nodiscard]] Reply index(const RequestContext& ctx) const;
  [[nodiscard]] Reply asset(const RequestContext& ctx) const;
  [[nodiscard]] Reply docs(const RequestContext& ctx) const;
  [[nodiscard]] Reply docs_file(const RequestContext& ctx) const;

 private:
  [[nodiscard]] Reply serve(std::string_view path, const RequestContext& ctx, bool immutable) const;

  std::span<const web::EmbeddedFile> files_;
};

}  // namespace dialtrack::http
