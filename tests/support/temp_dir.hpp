#pragma once

#include <filesystem>
#include <string_view>

namespace dialtrack::test {

/// A fresh directory under $TMPDIR (or /tmp) made with mkdtemp, so tests running in parallel
/// never share files. It is removed on destruction unless `keep()` was called (a failing test
/// keeps it so the database and the server log can be inspected).
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "dialtrack-it");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

}  // namespace dialtrack::test
