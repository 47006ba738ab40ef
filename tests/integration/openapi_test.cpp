// GET /openapi.yaml: the embedded OpenAPI document describes exactly the routes the server
// registers (as `dialtrack routes` prints them), both ways.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "support/process.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

/// "METHOD /path" for every operation under `paths:`, read line by line: a path is a key
/// indented by two spaces, an operation a method key indented by four.
std::set<std::string> documented_routes(const std::string& yaml) {
  static const std::set<std::string> kMethods{"get", "post", "put", "delete", "patch"};
  std::set<std::string> out;
  std::istringstream in(yaml);
  std::string line;
  bool in_paths = false;
  std::string path;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (line.empty() || line.front() == '#') {
      continue;
    }
    if (line.front() != ' ') {
      in_paths = line == "paths:";
      continue;
    }
    if (!in_paths) {
      continue;
    }
    if (line.starts_with("  /") && line.back() == ':') {
      path = line.substr(2, line.size() - 3);
    } else if (line.starts_with("    ") && !line.starts_with("     ") && line.back() == ':') {
      auto method = line.substr(4, line.size() - 5);
      if (kMethods.contains(method)) {
        for (auto& c : method) {
          c = static_cast<char>(c - 'a' + 'A');
        }
        out.insert(method + " " + path);
      }
    }
  }
  return out;
}

class OpenApiTest : public ServerTest {};

TEST_F(OpenApiTest, ServesTheDocumentAsYaml) {
  const auto r = http().get("/openapi.yaml");
  ASSERT_EQ(r.status, 200U);
  EXPECT_TRUE(r.header("Content-Type").value_or("").starts_with("application/yaml"));
  EXPECT_TRUE(r.body.starts_with("openapi: 3.")) << r.body.substr(0, 100);
  EXPECT_NE(r.body.find("Envelope:"), std::string::npos);
}

TEST_F(OpenApiTest, DocumentsEveryRegisteredRouteAndNothingElse) {
  const auto listed = run_dialtrack({"routes", "--db", server_.db()});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::set<std::string> registered;
  std::istringstream lines(listed.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) {
      registered.insert(line);
    }
  }
  ASSERT_GT(registered.size(), 15U) << listed.out;
  EXPECT_TRUE(registered.contains("GET /reports/tasks/{task_id}"));

  const auto documented = documented_routes(http().get("/openapi.yaml").body);
  for (const auto& route : registered) {
    EXPECT_TRUE(documented.contains(route)) << route << " is registered but not documented";
  }
  for (const auto& route : documented) {
    EXPECT_TRUE(registered.contains(route)) << route << " is documented but not registered";
  }
}

}  // namespace
}  // namespace dialtrack::test
