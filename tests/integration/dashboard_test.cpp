// The dashboard and the API viewer served from the binary: files with their content types,
// ETags and caching, 304 on a matching If-None-Match, envelope errors for what is not there,
// the copies compressed at build time sent by Accept-Encoding, and the token's scope the
// dashboard asks for (GET /auth/scope). That a compressed body decompresses to the file is
// checked with node's zlib in tests/browser/compression.test.mjs (no zlib among our C++
// dependencies).
#include <gtest/gtest.h>

#include <cctype>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class DashboardTest : public ServerTest {
 protected:
  /// The dashboard's script, as index.html names it (`/assets/index-<hash>.js`).
  std::string script_path() {
    const auto index = http().get("/");
    // Plain search for /assets/<name>.js (std::regex trips -Wmaybe-uninitialized in the
    // sanitizer build).
    const auto is_name_char = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '-';
    };
    const std::string& body = index.body;
    for (auto at = body.find("/assets/"); at != std::string::npos;
         at = body.find("/assets/", at + 1)) {
      auto end = at + 8;
      while (end < body.size() && is_name_char(body[end])) {
        ++end;
      }
      const auto path = body.substr(at, end - at);
      if (path.size() > 11 && path.ends_with(".js")) {
        return path;
      }
    }
    ADD_FAILURE() << "index.html names no script: " << body;
    return {};
  }
};

TEST_F(DashboardTest, RootIsTheDashboardPage) {
  const auto response = http().get("/");
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(response.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(response.header("Cache-Control"), "no-cache");
  EXPECT_NE(response.body.find("<div id=\"app\"></div>"), std::string::npos);
  const auto etag = response.header("ETag");
  ASSERT_TRUE(etag.has_value());
  EXPECT_TRUE(etag->size() > 2 && etag->front() == '"' && etag->back() == '"') << *etag;
}

TEST_F(DashboardTest, HashedAssetsAreCachedForAYear) {
  const auto path = script_path();
  ASSERT_FALSE(path.empty());
  const auto response = http().get(path);
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(response.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(response.header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_GT(response.body.size(), 10000u);
  EXPECT_EQ(response.header("Content-Length"), std::to_string(response.body.size()));
}

TEST_F(DashboardTest, MatchingIfNoneMatchAnswers304AndTheConnectionGoesOn) {
  const auto first = http().get("/");
  const auto etag = first.header("ETag").value_or("");
  for (const std::string& tag : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    const auto again = http().get("/", {{"If-None-Match", tag}});
    EXPECT_EQ(again.status, 304u) << tag;
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(again.header("ETag"), etag);
  }
  // Another tag is another version: the whole file.
  const auto changed = http().get("/", {{"If-None-Match", "\"0-0\""}});
  EXPECT_EQ(changed.status, 200u);
  EXPECT_EQ(changed.body, first.body);
  // The same keep-alive connection still answers API requests.
  EXPECT_EQ(http().get("/healthz").status, 200u);
}

TEST_F(DashboardTest, MissingFilesAreEnvelope404s) {
  for (const char* target : {"/assets/nope.js", "/assets/", "/assets", "/docs/nope.css", "/docs/",
                             "/index.html", "/assets/../index.html"}) {
    EXPECT_TRUE(is_error(http().get(target), 404)) << target;
  }
  EXPECT_TRUE(is_error(http().post("/", boost::json::object{}), 405));
  EXPECT_TRUE(is_error(http().request("DELETE", script_path()), 405));
}

TEST_F(DashboardTest, DocsServesTheViewerOfOpenapiYaml) {
  const auto page = http().get("/docs");
  ASSERT_EQ(page.status, 200u) << page.describe();
  EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("/docs/swagger-ui-bundle.js"), std::string::npos);
  const auto init = http().get("/docs/init.js");
  ASSERT_EQ(init.status, 200u);
  EXPECT_NE(init.body.find("/openapi.yaml"), std::string::npos);
  const auto bundle = http().get("/docs/swagger-ui-bundle.js");
  ASSERT_EQ(bundle.status, 200u);
  EXPECT_GT(bundle.body.size(), 100000u);
  EXPECT_EQ(http().get("/docs/swagger-ui.css").header("Content-Type"), "text/css; charset=utf-8");
}

TEST_F(DashboardTest, CompressedCopiesFollowAcceptEncoding) {
  const auto path = script_path();
  ASSERT_FALSE(path.empty());
  const auto plain = http().get(path);
  ASSERT_EQ(plain.status, 200u) << plain.describe();
  EXPECT_FALSE(plain.header("Content-Encoding").has_value());
  EXPECT_EQ(plain.header("Vary"), "Accept-Encoding");

  const auto gzip = http().get(path, {{"Accept-Encoding", "gzip, deflate"}});
  ASSERT_EQ(gzip.status, 200u);
  EXPECT_EQ(gzip.header("Content-Encoding"), "gzip");
  EXPECT_EQ(gzip.header("Vary"), "Accept-Encoding");
  EXPECT_EQ(gzip.header("Content-Type"), "text/javascript; charset=utf-8");
  ASSERT_GT(gzip.body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gzip.body[0]), 0x1fU);  // the gzip magic
  EXPECT_EQ(static_cast<unsigned char>(gzip.body[1]), 0x8bU);
  EXPECT_LT(gzip.body.size() * 2, plain.body.size());

  const auto br = http().get(path, {{"Accept-Encoding", "gzip, br"}});
  EXPECT_EQ(br.header("Content-Encoding"), "br");
  EXPECT_LE(br.body.size(), gzip.body.size());
  // Each encoding has its own ETag, and a 304 answers only to that one.
  EXPECT_NE(gzip.header("ETag"), plain.header("ETag"));
  EXPECT_NE(br.header("ETag"), gzip.header("ETag"));
  EXPECT_EQ(http()
                .get(path, {{"Accept-Encoding", "gzip"},
                            {"If-None-Match", gzip.header("ETag").value_or("")}})
                .status,
            304u);
  EXPECT_EQ(http().get(path, {{"If-None-Match", gzip.header("ETag").value_or("")}}).body,
            plain.body);

  for (const char* refused : {"identity", "br;q=0, gzip;q=0", "zstd", "gzip;q=0"}) {
    const auto answer = http().get(path, {{"Accept-Encoding", refused}});
    EXPECT_FALSE(answer.header("Content-Encoding").has_value()) << refused;
    EXPECT_EQ(answer.body, plain.body) << refused;
  }
  EXPECT_EQ(
      http().get(path, {{"Accept-Encoding", "br;q=0.5, gzip;q=0.8"}}).header("Content-Encoding"),
      "gzip");
  EXPECT_EQ(http().get(path, {{"Accept-Encoding", "*"}}).header("Content-Encoding"), "br");
  // index.html is too small to be worth compressing: sent as it is, whatever is accepted.
  EXPECT_FALSE(http().get("/", {{"Accept-Encoding", "gzip, br"}}).header("Content-Encoding"));
}

TEST_F(DashboardTest, WithoutTokensTheScopeIsAdmin) {
  const auto response = http().get("/auth/scope");
  ASSERT_EQ(response.status, 200u) << response.describe();
  const auto data = response.data_object();
  EXPECT_EQ(data.at("scope"), "admin");
  EXPECT_EQ(data.at("tokens_required"), false);
}

TEST(DashboardScopeTest, EachTokenLearnsItsScope) {
  ServerOptions options;
  options.env = {{"DIALTRACK_AUTH_TOKENS",
                  "dash:read:dashboard-read-0123456789,ops:write:dashboard-write-0123456789,"
                  "root:admin:dashboard-admin-0123456789"}};
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  for (const auto& [token, scope] :
       {std::pair<std::string, std::string>{"dashboard-read-0123456789", "read"},
        {"dashboard-write-0123456789", "write"},
        {"dashboard-admin-0123456789", "admin"}}) {
    const auto response = http.get("/auth/scope", {{"Authorization", "Bearer " + token}});
    ASSERT_EQ(response.status, 200u) << response.describe();
    EXPECT_EQ(response.data_object().at("scope"), scope.c_str());
    EXPECT_EQ(response.data_object().at("tokens_required"), true);
  }
  EXPECT_TRUE(is_error(http.get("/auth/scope"), 401));
  EXPECT_TRUE(
      is_error(http.get("/auth/scope", {{"Authorization", "Bearer not-a-token-000000"}}), 401));
}

}  // namespace
}  // namespace dialtrack::test
