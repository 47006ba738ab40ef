// The dashboard and the API viewer served from the binary: files with their content types,
// ETags and caching, 304 on a matching If-None-Match, and envelope errors for what is not there.
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

}  // namespace
}  // namespace dialtrack::test
