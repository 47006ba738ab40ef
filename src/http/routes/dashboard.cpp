#include "http/routes/dashboard.hpp"

#include <algorithm>
#include <string>

#include "http/outcomes.hpp"

namespace dialtrack::http {

namespace {

/// True when an `If-None-Match` value (`*`, or a list of possibly weak tags) names `etag`.
bool etag_matches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    auto tag = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) {
      tag.remove_prefix(1);
    }
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) {
      tag.remove_suffix(1);
    }
    if (tag.starts_with("W/")) {
      tag.remove_prefix(2);
    }
    if (tag == "*" || tag == etag) {
      return true;
    }
  }
  return false;
}

}  // namespace

DashboardRoutes::DashboardRoutes(std::span<const web::EmbeddedFile> files) : files_(files) {}

Reply DashboardRoutes::serve(std::string_view path, const RequestContext& ctx,
                             bool immutable) const {
  const auto it = std::lower_bound(
      files_.begin(), files_.end(), path,
      [](const web::EmbeddedFile& file, std::string_view wanted) { return file.path < wanted; });
  if (it == files_.end() || it->path != path) {
    return not_found(Missing::kRoute, ctx.lang);
  }
  Reply reply;
  reply.headers.emplace_back("ETag", std::string(it->etag));
  // Build outputs under /assets/ have the content hash in their names: they never change.
  reply.headers.emplace_back("Cache-Control",
                             immutable ? "public, max-age=31536000, immutable" : "no-cache");
  reply.content_type = std::string(it->content_type);
  if (etag_matches(ctx.request[beast_http::field::if_none_match], it->etag)) {
    reply.status = Status::not_modified;
    reply.raw_body.emplace();
    return reply;
  }
  reply.raw_body.emplace(it->body);
  return reply;
}

Reply DashboardRoutes::index(const RequestContext& ctx) const {
  return serve("/index.html", ctx, false);
}

Reply DashboardRoutes::asset(const RequestContext& ctx) const {
  return serve("/assets/" + std::string(ctx.params.at(0)), ctx, true);
}

Reply DashboardRoutes::docs(const RequestContext& ctx) const {
  return serve("/docs/index.html", ctx, false);
}

Reply DashboardRoutes::docs_file(const RequestContext& ctx) const {
  return serve("/docs/" + std::string(ctx.params.at(0)), ctx, false);
}

}  // namespace dialtrack::http
