// `dialtrack import-leads`, `import-records` and `export-records`: the binary run as a process
// on the server's database; what it stored read back over HTTP; bad rows reported by line.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <iterator>
#include <map>
#include <system_error>

#include "support/csv_text.hpp"
#include "support/process.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

namespace json = boost::json;

// 张三, 外呼 and 备注 in GBK.
const std::string kZhangSanGbk = "\xD5\xC5\xC8\xFD";
const std::string kWaiHuGbk = "\xCD\xE2\xBA\xF4";
const std::string kBeiZhuGbk = "\xB1\xB8\xD7\xA2";

/// The digits at `pos` in `text` (empty when there are none). Plain string search: std::regex
/// trips -Wmaybe-uninitialized in the sanitizer build.
std::string digits_at(const std::string& text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') {
    ++end;
  }
  return text.substr(pos, end - pos);
}

/// The number after `word ` in the summary line.
std::int64_t summary_count(const std::string& out, const std::string& word) {
  const std::string key = word + " ";
  for (auto at = out.find(key); at != std::string::npos; at = out.find(key, at + 1)) {
    const auto number = digits_at(out, at + key.size());
    if (!number.empty()) {
      return std::stoll(number);
    }
  }
  throw std::runtime_error("no '" + word + " N' in: " + out);
}

/// The line numbers reported as `line N: ...`.
std::vector<std::int64_t> reported_lines(const std::string& err) {
  std::vector<std::int64_t> out;
  const std::string key = "line ";
  for (auto at = err.find(key); at != std::string::npos; at = err.find(key, at + 1)) {
    const auto number = digits_at(err, at + key.size());
    const auto after = at + key.size() + number.size();
    if (!number.empty() && err.compare(after, 2, ": ") == 0) {
      out.push_back(std::stoll(number));
    }
  }
  return out;
}

class CsvImportTest : public ServerTest {
 protected:
  std::string file(const std::string& name, std::string_view bytes) {
    return write_file(server_.dir().string(), name, bytes);
  }
  CommandResult run(std::vector<std::string> args) {
    args.push_back("--db");
    args.push_back(server_.db());
    return run_dialtrack(args, {}, std::chrono::seconds(60));
  }
  /// Pushes one NoAnswer record per phone: each is accepted only if the phone is a lead.
  std::int64_t leads_found(std::int64_t task_id, const std::vector<std::string>& phones) {
    json::array records;
    for (const auto& p : phones) {
      records.push_back(call_record("probe-" + p, task_id, p, "NoAnswer"));
    }
    return push(http(), std::move(records)).accepted;
  }
};

TEST_F(CsvImportTest, ImportLeadsStoresGoodRowsAndReportsBadOnesByLine) {
  const auto task_id = create_task(http(), {});
  const auto path = file("leads.csv",
                         "\xEF\xBB\xBF"
                         "phone,name,city\r\n"                        // 1
                         "13800000001,张三,北京\r\n"                  // 2
                         "138-0000-0002,\"李, 四\",上海\r\n"          // 3
                         "not-a-phone,王五,广州\r\n"                  // 4 bad phone
                         "13800000003\r\n"                            // 5 too few fields
                         "13800000001,again,\r\n"                     // 6 duplicate
                         "\"13800000004\",\"two\r\nlines\",深圳\r\n"  // 7-8
                         ",noname,x\r\n"                              // 9 no phone
                         "13800000005,,\r\n");                        // 10
  const auto result = run({"import-leads", std::to_string(task_id), path});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_EQ(reported_lines(result.err), (std::vector<std::int64_t>{4, 5, 9})) << result.err;
  EXPECT_NE(result.err.find("phone"), std::string::npos) << result.err;
  // stderr is a pipe here, not a terminal: no progress line, only the bad rows.
  EXPECT_EQ(result.err.find('\033'), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find(" rows/s"), std::string::npos) << result.err;
  EXPECT_EQ(summary_count(result.out, "rows"), 8);
  EXPECT_EQ(summary_count(result.out, "added"), 4);
  EXPECT_EQ(summary_count(result.out, "duplicates"), 1);
  EXPECT_EQ(summary_count(result.out, "bad"), 3);

  EXPECT_EQ(int_field(get_task(http(), task_id), "total_calls"), 4);
  EXPECT_EQ(leads_found(task_id, {"13800000001", "13800000002", "13800000004", "13800000005"}), 4);
}

/// What a command wrote to a terminal (its stderr, a pseudo-terminal) and to a pipe (stdout).
struct TerminalRun {
  int exit_code = -1;
  std::string terminal;
  std::string out;
};

TerminalRun run_with_stderr_on_a_terminal(const std::vector<std::string>& args) {
  int master = -1;
  int slave = -1;
  std::array<int, 2> out_pipe{};
  if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0 ||
      ::pipe2(out_pipe.data(), O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "openpty/pipe2");
  }
  std::vector<std::string> argv{dialtrack_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = spawn_process(argv, {}, out_pipe[1], slave);
  ::close(slave);  // the child's copy is the last one: reading the master ends with EIO
  ::close(out_pipe[1]);
  TerminalRun result;
  std::array<pollfd, 2> fds{pollfd{master, POLLIN, 0}, pollfd{out_pipe[0], POLLIN, 0}};
  std::array<std::string*, 2> sinks{&result.terminal, &result.out};
  const auto until = std::chrono::steady_clock::now() + answer_deadline();
  int open_count = 2;
  while (open_count > 0 && std::chrono::steady_clock::now() < until) {
    if (::poll(fds.data(), fds.size(), 100) <= 0) {
      continue;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      std::array<char, 4096> chunk{};
      const ssize_t got = ::read(fds[i].fd, chunk.data(), chunk.size());
      if (got > 0) {
        sinks[i]->append(chunk.data(), static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {  // EOF on the pipe, EIO on the terminal
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  for (const auto& fd : fds) {
    if (fd.fd >= 0) {
      ::close(fd.fd);
    }
  }
  result.exit_code = wait_for_exit(pid, answer_deadline()).value_or(-1);
  return result;
}

/// How often `needle` occurs in `text`.
std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST_F(CsvImportTest, OnATerminalAProgressLineIsRedrawnAndBadRowsBreakIt) {
  const auto task_id = create_task(http(), {});
  constexpr int kRows = 3000;
  std::string csv = "phone\n";
  for (int i = 0; i < kRows; ++i) {
    csv += (i == 1 ? std::string("not-a-phone") : "1360000" + std::to_string(1000 + i)) + "\n";
  }
  const auto result = run_with_stderr_on_a_terminal(
      {"import-leads", std::to_string(task_id), file("progress.csv", csv), "--db", server_.db()});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.terminal;  // one bad row
  // The line is redrawn in place (carriage return, erase line): at least once while reading
  // and once at the end, where it shows every row.
  EXPECT_GE(occurrences(result.terminal, "\r\033[K["), 2U) << result.terminal;
  const auto last = result.terminal.rfind("\r\033[K[");
  ASSERT_NE(last, std::string::npos) << result.terminal;
  const auto final_line = result.terminal.substr(last);
  EXPECT_NE(final_line.find("] " + std::to_string(kRows) + " rows, "), std::string::npos)
      << final_line;
  EXPECT_NE(final_line.find(" rows/s"), std::string::npos) << final_line;
  // The bad row (line 3) is printed on a line of its own: the bar is erased before it.
  EXPECT_NE(result.terminal.find("\r\033[Kline 3: "), std::string::npos) << result.terminal;
  // stdout is not the terminal: the summary alone, without drawing.
  EXPECT_EQ(result.out.find('\033'), std::string::npos) << result.out;
  EXPECT_EQ(summary_count(result.out, "rows"), kRows);
  EXPECT_EQ(summary_count(result.out, "added"), kRows - 1);
  EXPECT_EQ(summary_count(result.out, "bad"), 1);
  EXPECT_EQ(int_field(get_task(http(), task_id), "total_calls"), kRows - 1);
}

TEST_F(CsvImportTest, GbkFilesAreDetectedOrNamed) {
  const auto task_id = create_task(http(), {});
  const std::string gbk =
      "phone,name\r\n13900000001," + kZhangSanGbk + "\r\n13900000002," + kWaiHuGbk + "\r\n";
  const auto detected = run({"import-leads", std::to_string(task_id), file("auto.csv", gbk)});
  EXPECT_EQ(detected.exit_code, 0) << detected.out << detected.err;
  EXPECT_EQ(summary_count(detected.out, "added"), 2);

  const std::string named = "phone,name\n13900000003," + kWaiHuGbk + kZhangSanGbk + "\n";
  const auto forced =
      run({"import-leads", std::to_string(task_id), file("named.csv", named), "--encoding", "gbk"});
  EXPECT_EQ(forced.exit_code, 0) << forced.out << forced.err;
  EXPECT_EQ(summary_count(forced.out, "added"), 1);
  EXPECT_EQ(int_field(get_task(http(), task_id), "total_calls"), 3);

  // A GBK column name and value come through as UTF-8 in the record's extra fields.
  const std::string records = "call_id,task_id,phone,call_status," + kBeiZhuGbk + "\r\ng-1," +
                              std::to_string(task_id) + ",13900000001,NoAnswer," + kWaiHuGbk +
                              "\r\n";
  const auto ingested = run({"import-records", file("records.csv", records)});
  EXPECT_EQ(ingested.exit_code, 0) << ingested.out << ingested.err;
  const auto page = followup(http(), task_id);
  ASSERT_EQ(page.status, 200U) << page.describe();
  const auto& items = page.data_object().at("records").as_array();
  ASSERT_EQ(items.size(), 1U);
  const auto& extra = items[0].as_object().at("extra");
  ASSERT_TRUE(extra.is_object()) << json::serialize(items[0]);
  EXPECT_EQ(string_field(extra.as_object(), "备注"), "外呼");

  // Declared UTF-8, the GBK bytes are bad rows, reported, nothing stored from them.
  const auto wrong =
      run({"import-leads", std::to_string(task_id), file("wrong.csv", gbk), "--encoding", "utf-8"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_EQ(reported_lines(wrong.err), (std::vector<std::int64_t>{2, 3})) << wrong.err;
}

TEST_F(CsvImportTest, ImportRecordsIngestsLikeTheApiAndReportsBadRowsByLine) {
  const std::vector<std::string> phones{"13700000001", "13700000002"};
  const auto task_id = create_task(http(), phones);
  const auto t = std::to_string(task_id);
  const std::string csv =
      "call_id,task_id,phone,call_status,started_at,duration,event_time\n"  // 1
      "r-1," +
      t +
      ",13700000001,NoAnswer,2026-11-28T09:00:00Z,0,2026-11-28T09:00:05Z\n"  // 2
      "r-2," +
      t +
      ",13700000001,SucceededFinish,2026-11-28 10:00:00,30,1795856400\n"  // 3
      "r-3," +
      t +
      ",13799999999,Busy,,,\n"         // 4
      "r-4,abc,13700000002,Busy,,,\n"  // 5
      "r-5," +
      t +
      ",13700000002,Bad Status!,,,\n"  // 6
      "r-6," +
      t +
      ",13700000002,Busy,not-a-time,,\n"  // 7
      "r-7," +
      t +
      ",13700000002,SucceededClientHangUp,,12,\n"  // 8
      "r-1," +
      t + ",13700000001,NoAnswer,2026-11-28T09:00:00Z,0,2026-11-28T09:00:05Z\n";  // 9
  const auto result = run({"import-records", file("records.csv", csv), "--batch-size", "2"});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  // Lines 5-7 fail decoding; line 4 is rejected when its batch is stored.
  auto lines = reported_lines(result.err);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::int64_t>{4, 5, 6, 7})) << result.err;
  EXPECT_EQ(summary_count(result.out, "accepted"), 3) << result.out;
  EXPECT_EQ(summary_count(result.out, "unchanged"), 1) << result.out;
  EXPECT_EQ(summary_count(result.out, "rejected"), 4) << result.out;
  EXPECT_EQ(summary_count(result.out, "tasks completed"), 1) << result.out;

  EXPECT_EQ(
      all_records(http(), task_id),
      (std::map<std::string, std::string>{
          {"r-1", "NoAnswer"}, {"r-2", "SucceededFinish"}, {"r-7", "SucceededClientHangUp"}}));
  const auto task = get_task(http(), task_id);
  EXPECT_EQ(int_field(task, "task_type"), 3);
  EXPECT_EQ(int_field(task, "connected_calls"), 2);
  EXPECT_EQ(history(http(), task_id).back().reason, "records_ingested");
}

TEST_F(CsvImportTest, UnknownTaskAndMissingColumnsStopTheImport) {
  const auto leads = file("l.csv", "phone\n13800000001\n");
  const auto unknown = run({"import-leads", "987654", leads});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("not found"), std::string::npos) << unknown.err;

  const auto records = run({"import-records", file("r.csv", "call_id,phone\nx,1\n")});
  EXPECT_EQ(records.exit_code, 2);
  EXPECT_NE(records.err.find("call_status"), std::string::npos) << records.err;

  const auto task_id = create_task(http(), {});
  const auto open_quote =
      run({"import-leads", std::to_string(task_id), file("q.csv", "phone\n\"13800000001\n")});
  EXPECT_EQ(open_quote.exit_code, 2);
  EXPECT_NE(open_quote.err.find("line 2"), std::string::npos) << open_quote.err;
}

TEST_F(CsvImportTest, ExportWritesEveryRecordWithTheWriterOfTheHttpExport) {
  const auto phones = make_phones(30);
  const auto task_id = create_task(http(), phones, "导出");
  json::array records;
  for (std::size_t i = 0; i < phones.size(); ++i) {
    auto r = call_record_at("ex-" + std::to_string(i), task_id, phones[i],
                            i % 3 == 0 ? "SucceededFinish" : "NoAnswer", static_cast<int>(i));
    r["duration"] = static_cast<std::int64_t>(i);
    r["note"] = "备注, \"" + std::to_string(i) + "\"";
    records.push_back(std::move(r));
  }
  ASSERT_EQ(push(http(), std::move(records)).accepted, 30);

  const auto out = server_.dir().string() + "/export.csv";
  const auto result = run({"export-records", std::to_string(task_id), "--output", out});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream in(out, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_TRUE(text.starts_with("\xEF\xBB\xBF"));
  const auto rows = parse_csv(std::string_view(text).substr(3));
  ASSERT_EQ(rows.size(), 31U);
  const auto& header = rows[0];
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < header.size(); ++i) {
    column[header[i]] = i;
  }
  for (const char* name : {"call_id", "task_id", "phone", "call_status", "call_status_zh",
                           "duration", "event_time", "extra.note", "extra"}) {
    ASSERT_TRUE(column.contains(name)) << name;
  }
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    ASSERT_EQ(row.size(), header.size());
    const std::size_t n = i - 1;  // oldest first
    EXPECT_EQ(row[column["call_id"]], "ex-" + std::to_string(n));
    EXPECT_EQ(row[column["task_id"]], std::to_string(task_id));
    EXPECT_EQ(row[column["phone"]], "\t" + phones[n]);  // kept as text by spreadsheets
    EXPECT_EQ(row[column["call_status"]], n % 3 == 0 ? "SucceededFinish" : "NoAnswer");
    EXPECT_EQ(row[column["call_status_zh"]], n % 3 == 0 ? "正常接通" : "无人接听");
    EXPECT_EQ(row[column["duration"]], std::to_string(n));
    // event_time(0) is 2026-03-01T08:00:00Z: 16:00 in display.utc_offset (+08:00).
    EXPECT_EQ(row[column["event_time"]],
              "2026-03-01 16:00:" + std::string(n < 10 ? "0" : "") + std::to_string(n));
    EXPECT_EQ(row[column["extra.note"]], "备注, \"" + std::to_string(n) + "\"");
    EXPECT_EQ(row[column["extra"]], "");
  }

  // --utc-offset and --format xlsx.
  const auto utc =
      run({"export-records", std::to_string(task_id), "--output", out, "--utc-offset", "+00:00"});
  ASSERT_EQ(utc.exit_code, 0) << utc.err;
  std::ifstream utc_in(out, std::ios::binary);
  const std::string utc_text((std::istreambuf_iterator<char>(utc_in)),
                             std::istreambuf_iterator<char>());
  EXPECT_NE(utc_text.find(",2026-03-01 08:00:00,"), std::string::npos) << utc_text.substr(0, 600);
  const auto xlsx = server_.dir().string() + "/export.xlsx";
  const auto workbook =
      run({"export-records", std::to_string(task_id), "--output", xlsx, "--format", "xlsx"});
  ASSERT_EQ(workbook.exit_code, 0) << workbook.err;
  const auto sheet = run_command({"/usr/bin/unzip", "-p", xlsx, "xl/worksheets/sheet1.xml"});
  EXPECT_EQ(sheet.exit_code, 0) << sheet.err;
  EXPECT_NE(sheet.out.find("<t>" + phones[0] + "</t>"), std::string::npos) << sheet.out;
  const auto bad = run({"export-records", std::to_string(task_id), "--utc-offset", "8"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

}  // namespace
}  // namespace dialtrack::test
