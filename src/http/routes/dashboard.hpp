#pragma once

#include <span>
#include <string_view>

#include "http/auth.hpp"
#include "http/router.hpp"
#include "web/assets.hpp"

namespace dialtrack::http {

/// The files compiled into the program: the dashboard (`GET /`, `GET /assets/{file}`) and the
/// API viewer (`GET /docs`, `GET /docs/{file}`). Both folders are flat (Vite writes every build
/// output to assets/), so one path segment names a file. Every answer carries an ETag and
/// honours `If-None-Match` with a 304; hashed build outputs under /assets/ are cached for a
/// year, everything else is revalidated. A file with copies compressed at build time is sent
/// brotli- or gzip-encoded to a client whose Accept-Encoding takes it (`Content-Encoding`,
/// `Vary: Accept-Encoding`, an ETag per encoding), as it is otherwise. An unknown file is the
/// usual 404 envelope.
class DashboardRoutes {
 public:
  /// `files` sorted by path, as `web::embedded_files()` gives them; `access` the service's
  /// tokens (none: every route is open).
  DashboardRoutes(std::span<const web::EmbeddedFile> files, const Access* access);

  [[nodiscard]] Reply index(const RequestContext& ctx) const;
  [[nodiscard]] Reply asset(const RequestContext& ctx) const;
  [[nodiscard]] Reply docs(const RequestContext& ctx) const;
  [[nodiscard]] Reply docs_file(const RequestContext& ctx) const;
  /// `GET /auth/scope`: what the request's token may do, `{"scope": "read"|"write"|"admin",
  /// "tokens_required": bool}`, so the dashboard shows only the actions it may take. The route
  /// needs a read token when tokens are configured (a missing or wrong one is the usual 401).
  [[nodiscard]] Reply auth_scope(const RequestContext& ctx) const;

 private:
  [[nodiscard]] Reply serve(std::string_view path, const RequestContext& ctx, bool immutable) const;

  std::span<const web::EmbeddedFile> files_;
  const Access* access_;
};

}  // namespace dialtrack::http
