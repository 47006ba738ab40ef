#include "support/answer_log.hpp"

#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace dialtrack::test {
namespace {

struct CloseFile {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

/// The open log of this process, or null when answers are not kept. Opened on first use; the
/// pid names the file, so parallel test processes never share one.
class AnswerLog {
 public:
  void append(const std::string& line) {
    const std::scoped_lock lock(mutex_);
    if (!opened_) {
      opened_ = true;
      const char* dir = std::getenv("DIALTRACK_API_ANSWERS");
      if (dir != nullptr && *dir != '\0') {
        std::filesystem::create_directories(dir);
        const auto path = std::string(dir) + "/" + std::to_string(::getpid()) + ".jsonl";
        file_.reset(std::fopen(path.c_str(), "a"));
        if (!file_) {
          throw std::runtime_error("DIALTRACK_API_ANSWERS: cannot append to " + path);
        }
      }
    }
    if (file_) {
      // One write per line, flushed at once: a forked child never inherits a half line.
      std::fwrite(line.data(), 1, line.size(), file_.get());
      std::fflush(file_.get());
    }
  }
  [[nodiscard]] bool wanted() const {
    const char* dir = std::getenv("DIALTRACK_API_ANSWERS");
    return dir != nullptr && *dir != '\0';
  }

 private:
  std::mutex mutex_;
  bool opened_ = false;
  std::unique_ptr<std::FILE, CloseFile> file_;
};

AnswerLog& answer_log() {
  static AnswerLog log;
  return log;
}

std::string json_string(std::string_view text) {
  return boost::json::serialize(boost::json::string(text));
}

}  // namespace

void log_answer(std::string_view method, std::string_view target, const Response& response) {
  auto& log = answer_log();
  if (!log.wanted()) {
    return;
  }
  std::string line =
      "{\"method\":" + json_string(method) + ",\"path\":" + json_string(target) +
      ",\"status\":" + std::to_string(response.status) +
      ",\"content_type\":" + json_string(response.header("Content-Type").value_or("")) +
      ",\"body\":" +
      (response.is_json ? boost::json::serialize(response.json) : std::string("null")) + "}\n";
  log.append(line);
}

}  // namespace dialtrack::test
