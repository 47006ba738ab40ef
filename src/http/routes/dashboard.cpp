#include "http/routes/dashboard.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include "http/messages.hpp"
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

/// How a precompressed file is sent: the header value and the suffix that makes its ETag.
struct Encoding {
  std::string_view name;  ///< "br", "gzip", or empty for the file as it is
  std::string_view body;
};

/// The q-value a header of `Accept-Encoding` gives `coding` (`*` counts for any coding not
/// named); 0 when it is not accepted. Parameters other than q are ignored.
double accepted_q(std::string_view header, std::string_view coding) {
  auto trim = [](std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
      text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
      text.remove_suffix(1);
    }
    return text;
  };
  auto lower_equals = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == y;
           });
  };
  std::optional<double> named;
  std::optional<double> any;
  while (!header.empty()) {
    const auto comma = header.find(',');
    auto item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    double q = 1.0;
    const auto semicolon = item.find(';');
    if (semicolon != std::string_view::npos) {
      auto param = trim(item.substr(semicolon + 1));
      if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        param.remove_prefix(2);
        // q is 0 to 1 with at most three decimals: a plain read is enough.
        q = param.starts_with('1') ? 1.0 : 0.0;
        if (param.starts_with("0.")) {
          double scale = 0.1;
          for (const char c : param.substr(2)) {
            if (c < '0' || c > '9') {
              break;
            }
            q += (c - '0') * scale;
            scale /= 10;
          }
        }
      }
      item = item.substr(0, semicolon);
    }
    item = trim(item);
    if (lower_equals(item, coding)) {
      named = q;
    } else if (item == "*") {
      any = q;
    }
  }
  return named.value_or(any.value_or(0.0));
}

/// The encoding to send `file` in: brotli, else gzip, when the client accepts it and the
/// build made that copy; else the file as it is.
Encoding choose_encoding(const web::EmbeddedFile& file, std::string_view accept_encoding) {
  const double br = file.brotli.empty() ? 0.0 : accepted_q(accept_encoding, "br");
  const double gzip = file.gzip.empty() ? 0.0 : accepted_q(accept_encoding, "gzip");
  if (br > 0 && br >= gzip) {
    return {"br", file.brotli};
  }
  if (gzip > 0) {
    return {"gzip", file.gzip};
  }
  return {{}, file.body};
}

}  // namespace

DashboardRoutes::DashboardRoutes(std::span<const web::EmbeddedFile> files, const Access* access)
    : files_(files), access_(access) {}

Reply DashboardRoutes::serve(std::string_view path, const RequestContext& ctx,
                             bool immutable) const {
  const auto it = std::lower_bound(
      files_.begin(), files_.end(), path,
      [](const web::EmbeddedFile& file, std::string_view wanted) { return file.path < wanted; });
  if (it == files_.end() || it->path != path) {
    return not_found(Missing::kRoute, ctx.lang);
  }
  const auto encoding = choose_encoding(*it, ctx.request[beast_http::field::accept_encoding]);
  // Each encoding is another representation, so another ETag: `"<hash>-<size>-br"`.
  std::string etag(it->etag);
  if (!encoding.name.empty()) {
    etag.insert(etag.size() - 1, "-" + std::string(encoding.name));
  }
  Reply reply;
  reply.headers.emplace_back("ETag", etag);
  // Build outputs under /assets/ have the content hash in their names: they never change.
  reply.headers.emplace_back("Cache-Control",
                             immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (!it->gzip.empty() || !it->brotli.empty()) {
    reply.headers.emplace_back("Vary", "Accept-Encoding");
  }
  reply.content_type = std::string(it->content_type);
  if (etag_matches(ctx.request[beast_http::field::if_none_match], etag)) {
    reply.status = Status::not_modified;
    reply.raw_body.emplace();
    return reply;
  }
  if (!encoding.name.empty()) {
    reply.headers.emplace_back("Content-Encoding", std::string(encoding.name));
  }
  reply.raw_body.emplace(encoding.body);
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

Reply DashboardRoutes::auth_scope(const RequestContext& ctx) const {
  const bool required = access_ != nullptr && access_->tokens_configured();
  // The router admitted the token for `read` already; ask for the higher scopes the same way.
  auto scope = Scope::kAdmin;
  if (required) {
    for (const auto wanted : {Scope::kAdmin, Scope::kWrite, Scope::kRead}) {
      scope = wanted;
      if (!access_->admit_header(ctx.request, "/auth/scope", wanted)) {
        break;
      }
    }
  }
  boost::json::object data;
  data["scope"] = std::string(scope_name(scope));
  data["tokens_required"] = required;
  return ok(std::move(data), text(Msg::kOk, ctx.lang));
}

}  // namespace dialtrack::http
