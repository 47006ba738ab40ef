#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "support/temp_dir.hpp"

namespace dialtrack::test {

/// A small real filesystem to fill: a tmpfs of a few MB mounted on a fresh directory, unmounted
/// (lazily, so a process still holding files there cannot keep it) on destruction. Mounting needs
/// root (CAP_SYS_ADMIN); `mount` answers why not instead, for the test to skip.
class SmallVolume {
 public:
  /// Mounts a tmpfs of `bytes`, its root owned by `owner` (uid, gid) when given (PostgreSQL
  /// wants its tablespace directories to be its own). Null, with `why_not` set, when this
  /// process may not mount.
  static std::unique_ptr<SmallVolume> mount(std::uint64_t bytes, std::string& why_not,
                                            std::optional<std::pair<uid_t, gid_t>> owner = {});
  ~SmallVolume();
  SmallVolume(const SmallVolume&) = delete;
  SmallVolume& operator=(const SmallVolume&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  /// Bytes still free for an unprivileged writer.
  [[nodiscard]] std::uint64_t free_bytes() const;
  /// Writes a file of `bytes` (fewer when the volume fills first) and returns what it wrote.
  std::uint64_t write_filler(const std::filesystem::path& file, std::uint64_t bytes) const;

 private:
  explicit SmallVolume(std::unique_ptr<TempDir> mount_point);

  std::unique_ptr<TempDir> mount_point_;  ///< removed (empty) once unmounted
  std::filesystem::path path_;
};

}  // namespace dialtrack::test
