#include "support/small_volume.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <vector>

namespace dialtrack::test {

std::unique_ptr<SmallVolume> SmallVolume::mount(std::uint64_t bytes, std::string& why_not,
                                                std::optional<std::pair<uid_t, gid_t>> owner) {
  if (::geteuid() != 0) {
    why_not =
        "needs root to mount a small tmpfs (a real filesystem to fill); run the test as root "
        "or in a container with CAP_SYS_ADMIN";
    return nullptr;
  }
  auto point = std::make_unique<TempDir>("dialtrack-volume");
  std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
  if (owner) {
    options += ",uid=" + std::to_string(owner->first) + ",gid=" + std::to_string(owner->second);
  }
  if (::mount("tmpfs", point->path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) !=
      0) {
    why_not = "cannot mount a tmpfs on " + point->path().string() + ": " +
              std::generic_category().message(errno) + " (needs CAP_SYS_ADMIN)";
    return nullptr;
  }
  return std::unique_ptr<SmallVolume>(new SmallVolume(std::move(point)));
}

SmallVolume::SmallVolume(std::unique_ptr<TempDir> mount_point)
    : mount_point_(std::move(mount_point)), path_(mount_point_->path()) {}

SmallVolume::~SmallVolume() {
  // Lazy: a server that failed to stop may still hold files here; the kernel frees the tmpfs
  // once they are closed. A failure here must not throw from a destructor.
  ::umount2(path_.c_str(), MNT_DETACH);
}

std::uint64_t SmallVolume::free_bytes() const {
  struct statvfs volume {};
  if (::statvfs(path_.c_str(), &volume) != 0) {
    throw std::system_error(errno, std::generic_category(), "statvfs " + path_.string());
  }
  return static_cast<std::uint64_t>(volume.f_bavail) * volume.f_frsize;
}

std::uint64_t SmallVolume::write_filler(const std::filesystem::path& file,
                                        std::uint64_t bytes) const {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(), "open " + file.string());
  }
  const std::vector<char> block(std::size_t{64} << 10, 'f');
  std::uint64_t written = 0;
  while (written < bytes) {
    const auto chunk =
        static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), bytes - written));
    const auto n = ::write(fd, block.data(), chunk);
    if (n <= 0) {
      break;  // the volume is full: that is what a filler is for
    }
    written += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  return written;
}

}  // namespace dialtrack::test
