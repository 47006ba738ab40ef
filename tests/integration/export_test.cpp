// Exports over HTTP (SPEC §7): GET /tasks/{id}/records.csv|.xlsx and /tasks/{id}/leads.csv|.xlsx,
// streamed (chunked) page by page. CSV: BOM, CRLF, phones kept as text, times in the
// operator's offset, status labels, the lead's name and attrs and the record's extra fields as
// columns. XLSX: read back from the zip (sheet1.xml): phones as strings, times as numbers with
// a date format.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <fstream>
#include <map>
#include <regex>

#include "campaign_steps.hpp"
#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/csv_text.hpp"
#include "support/process.hpp"
#include "support/server_test.hpp"
#include "support/temp_dir.hpp"

namespace dialtrack::test {
namespace {

/// A CSV export read back: the header and each row as a map from column to field.
struct Table {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
};

Table read_table(const std::string& body) {
  Table table;
  auto rows = parse_csv(std::string_view(body).substr(3));  // past the BOM, checked apart
  if (rows.empty()) {
    return table;
  }
  table.header = rows.front();
  for (std::size_t r = 1; r < rows.size(); ++r) {
    std::map<std::string, std::string> row;
    for (std::size_t c = 0; c < rows[r].size() && c < table.header.size(); ++c) {
      row[table.header[c]] = rows[r][c];
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

bool has_column(const Table& table, std::string_view name) {
  return std::find(table.header.begin(), table.header.end(), name) != table.header.end();
}

/// Every line ends with CRLF: no bare LF anywhere.
bool all_crlf(const std::string& body) {
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) {
      return false;
    }
  }
  return !body.empty() && body.ends_with("\r\n");
}

class ExportTest : public ServerTest {
 protected:
  /// Two leads with names and attrs; records of the first (one with an extra field) and the
  /// second; event_time(0) is 2026-03-01T08:00:00Z.
  std::int64_t seed() {
    boost::json::array leads{full_lead("13900000001", 1), full_lead("13900000002", 2),
                             full_lead("13900000003", 3)};
    const auto id = create_campaign(http(), leads, completion_policy("all_connected"));
    auto first = call_record_at("exp-1", id, "13900000001", "NoAnswer", 0);
    first["hangup_cause"] = "client";
    first["started_at"] = event_time(0);
    first["duration"] = 0;
    push(http(), {first, call_record_at("exp-2", id, "13900000002", "Succeeded", 60)});
    return id;
  }

  Response get(std::int64_t id, std::string_view file, std::string_view query = "") {
    std::string target = "/tasks/" + std::to_string(id) + "/" + std::string(file);
    if (!query.empty()) {
      target += "?" + std::string(query);
    }
    return http().get(target);
  }
};

TEST_F(ExportTest, RecordsCsvHasBomCrlfTextPhonesLocalTimesLabelsAndLeadColumns) {
  const auto id = seed();
  const auto response = get(id, "records.csv");
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(response.header("Content-Type").value_or(""), "text/csv; charset=utf-8");
  EXPECT_EQ(response.header("Transfer-Encoding").value_or(""), "chunked");
  EXPECT_EQ(response.header("Content-Disposition").value_or(""),
            "attachment; filename=\"task-" + std::to_string(id) + "-records.csv\"");
  ASSERT_TRUE(response.body.starts_with("\xEF\xBB\xBF")) << response.body.substr(0, 40);
  EXPECT_TRUE(all_crlf(response.body));
  const auto table = read_table(response.body);
  for (const auto* column :
       {"call_id", "phone", "phone_key", "lead_name", "attr.row", "attr.city", "call_status",
        "call_status_zh", "call_status_en", "event_time", "extra.hangup_cause"}) {
    EXPECT_TRUE(has_column(table, column)) << column;
  }
  ASSERT_EQ(table.rows.size(), 2u);
  const auto& first = table.rows[0];
  EXPECT_EQ(first.at("call_id"), "exp-1");
  // A leading tab: a spreadsheet keeps the phone as text, never 1.3900E+10.
  EXPECT_EQ(first.at("phone"), "\t13900000001");
  EXPECT_EQ(first.at("phone_key"), "\t+8613900000001");
  EXPECT_EQ(first.at("lead_name"), "客户 1");
  EXPECT_EQ(first.at("attr.row"), "1");
  EXPECT_EQ(first.at("attr.city"), "杭州");
  EXPECT_EQ(first.at("call_status"), "NoAnswer");
  EXPECT_EQ(first.at("call_status_zh"), "无人接听");
  EXPECT_EQ(first.at("call_status_en"), "No answer");
  EXPECT_EQ(first.at("event_time"), "2026-03-01 16:00:00");  // +08:00 by default
  EXPECT_EQ(first.at("started_at"), "2026-03-01 16:00:00");
  EXPECT_EQ(first.at("duration"), "0");
  EXPECT_EQ(first.at("extra.hangup_cause"), "client");
  const auto& second = table.rows[1];
  EXPECT_EQ(second.at("call_status_zh"), "接通");
  EXPECT_EQ(second.at("connected"), "true");
  EXPECT_EQ(second.at("event_time"), "2026-03-01 16:01:00");
  EXPECT_EQ(second.at("extra.hangup_cause"), "");

  const auto shifted = get(id, "records.csv", "utc_offset=-05:00");
  ASSERT_EQ(shifted.status, 200u) << shifted.describe();
  EXPECT_EQ(read_table(shifted.body).rows.at(0).at("event_time"), "2026-03-01 03:00:00");
  // A `+` left unencoded reads as a space in a query: taken as the `+` it was.
  const auto plus = get(id, "records.csv", "utc_offset=+05:30");
  ASSERT_EQ(plus.status, 200u) << plus.describe();
  EXPECT_EQ(read_table(plus.body).rows.at(0).at("event_time"), "2026-03-01 13:30:00");
  // The connection serves the next request after a streamed answer.
  EXPECT_EQ(http().get("/tasks/" + std::to_string(id)).status, 200u);
}

TEST_F(ExportTest, LeadsCsvHasStatesLabelsAndFiltersByState) {
  const auto id = seed();
  const auto all = get(id, "leads.csv");
  ASSERT_EQ(all.status, 200u) << all.describe();
  EXPECT_EQ(all.header("Content-Disposition").value_or(""),
            "attachment; filename=\"task-" + std::to_string(id) + "-leads.csv\"");
  EXPECT_TRUE(all.body.starts_with("\xEF\xBB\xBF"));
  EXPECT_TRUE(all_crlf(all.body));
  const auto table = read_table(all.body);
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[0].at("phone"), "\t13900000001");
  EXPECT_EQ(table.rows[0].at("name"), "客户 1");
  EXPECT_EQ(table.rows[0].at("attr.city"), "杭州");
  EXPECT_EQ(table.rows[0].at("state"), "pending");
  EXPECT_EQ(table.rows[0].at("state_zh"), "待呼叫");
  EXPECT_EQ(table.rows[0].at("attempts"), "1");
  EXPECT_EQ(table.rows[0].at("latest_status_en"), "No answer");
  EXPECT_EQ(table.rows[1].at("state"), "connected");
  EXPECT_EQ(table.rows[1].at("state_en"), "Connected");
  EXPECT_FALSE(table.rows[1].at("connected_at").empty());
  EXPECT_EQ(table.rows[2].at("attempts"), "0");
  EXPECT_EQ(table.rows[2].at("latest_status"), "");

  const auto connected = get(id, "leads.csv", "state=connected");
  ASSERT_EQ(connected.status, 200u) << connected.describe();
  const auto only = read_table(connected.body);
  ASSERT_EQ(only.rows.size(), 1u);
  EXPECT_EQ(only.rows[0].at("phone"), "\t13900000002");
  const auto pending = read_table(get(id, "leads.csv", "state=pending").body);
  EXPECT_EQ(pending.rows.size(), 2u);
}

TEST_F(ExportTest, RefusesAMissingTaskABadOffsetAndABadState) {
  const auto id = seed();
  for (const auto* file : {"records.csv", "records.xlsx", "leads.csv", "leads.xlsx"}) {
    const auto missing = get(id + 1000, file);
    EXPECT_EQ(missing.status, 404u) << file << " " << missing.describe();
    EXPECT_TRUE(missing.is_json) << missing.describe();
    const auto offset =
        http().get("/tasks/" + std::to_string(id) + "/" + file + "?utc_offset=8", english());
    EXPECT_EQ(offset.status, 400u) << file << " " << offset.describe();
    EXPECT_EQ(string_field(offset.data_object(), "field"), "utc_offset");
    EXPECT_NE(offset.message().find("UTC offset"), std::string::npos) << offset.message();
  }
  const auto state = get(id, "leads.csv", "state=asleep");
  EXPECT_EQ(state.status, 400u) << state.describe();
  EXPECT_EQ(string_field(state.data_object(), "field"), "state");
  const auto bad_id = http().get("/tasks/abc/records.csv");
  EXPECT_EQ(bad_id.status, 400u) << bad_id.describe();
}

TEST_F(ExportTest, PagesThroughThousandsOfRowsInOrder) {
  // More rows than one page of the exporter (2,000), records and leads.
  const auto phones = make_phones(4500);
  const auto id = create_task(http(), phones);
  for (std::size_t from = 0; from < phones.size(); from += 500) {
    boost::json::array batch;
    for (std::size_t i = from; i < std::min(phones.size(), from + 500); ++i) {
      batch.push_back(call_record_at("page-" + std::to_string(i), id, phones[i], "NoAnswer",
                                     static_cast<int>(i)));
    }
    push(http(), batch);
  }
  const auto records = read_table(get(id, "records.csv").body);
  ASSERT_EQ(records.rows.size(), phones.size());
  for (std::size_t i = 0; i < phones.size(); i += 997) {
    EXPECT_EQ(records.rows[i].at("call_id"), "page-" + std::to_string(i));
    EXPECT_EQ(records.rows[i].at("phone"), "\t" + phones[i]);
  }
  const auto leads = read_table(get(id, "leads.csv").body);
  ASSERT_EQ(leads.rows.size(), phones.size());
  EXPECT_EQ(leads.rows.back().at("phone"), "\t" + phones.back());
}

/// A file of the XLSX zip, through `unzip -p`.
std::string unzip_member(const std::filesystem::path& file, const std::string& member) {
  const auto result = run_command({"/usr/bin/unzip", "-p", file.string(), member});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.out;
}

TEST_F(ExportTest, RecordsXlsxHasTextPhonesAndDatesAsDates) {
  const auto id = seed();
  const auto response = get(id, "records.xlsx", "utc_offset=+00:00");
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(response.header("Content-Type").value_or(""),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(response.header("Content-Disposition").value_or(""),
            "attachment; filename=\"task-" + std::to_string(id) + "-records.xlsx\"");
  ASSERT_TRUE(response.body.starts_with("PK")) << "not a zip";
  TempDir dir("dialtrack-xlsx");
  const auto path = dir.path() / "records.xlsx";
  std::ofstream(path, std::ios::binary) << response.body;
  const auto sheet = unzip_member(path, "xl/worksheets/sheet1.xml");
  // The phone of the first record, C2: an inline string, never a number.
  const std::regex phone(R"re(<c r="C2"[^>]*t="inlineStr"[^>]*><is><t>13900000001</t></is></c>)re");
  EXPECT_TRUE(std::regex_search(sheet, phone)) << sheet.substr(0, 3000);
  EXPECT_NE(sheet.find("<t>客户 1</t>"), std::string::npos);
  EXPECT_NE(sheet.find("<t>无人接听</t>"), std::string::npos);
  // event_time 2026-03-01T08:00:00Z in +00:00: day 46082 of Excel's calendar and a third of it,
  // a number with a style (s="..."), whose number format is a date.
  const std::regex date(R"re(<c r="[A-Z]+2" s="(\d+)"><v>46082\.3333)re");
  std::smatch found;
  ASSERT_TRUE(std::regex_search(sheet, found, date)) << sheet.substr(0, 3000);
  const auto styles = unzip_member(path, "xl/styles.xml");
  const std::regex format(R"re(<numFmt numFmtId="(\d+)" formatCode="yyyy-mm-dd hh:mm:ss"/>)re");
  std::smatch date_format;
  ASSERT_TRUE(std::regex_search(styles, date_format, format)) << styles;
  // The cell's style is the date format's: the s-th <xf> of cellXfs.
  const auto cell_xfs = styles.substr(styles.find("<cellXfs"));
  const std::regex xf(R"re(<xf numFmtId="(\d+)")re");
  std::vector<std::string> formats;
  for (auto it = std::sregex_iterator(cell_xfs.begin(), cell_xfs.end(), xf);
       it != std::sregex_iterator(); ++it) {
    formats.push_back((*it)[1]);
  }
  const auto style = static_cast<std::size_t>(std::stoul(found[1]));
  ASSERT_LT(style, formats.size()) << styles;
  EXPECT_EQ(formats[style], date_format[1].str()) << styles;

  const auto leads = get(id, "leads.xlsx", "state=connected");
  ASSERT_EQ(leads.status, 200u) << leads.describe();
  const auto leads_path = dir.path() / "leads.xlsx";
  std::ofstream(leads_path, std::ios::binary) << leads.body;
  const auto leads_sheet = unzip_member(leads_path, "xl/worksheets/sheet1.xml");
  EXPECT_NE(leads_sheet.find("<t>13900000002</t>"), std::string::npos) << leads_sheet;
  EXPECT_EQ(leads_sheet.find("<t>13900000001</t>"), std::string::npos) << leads_sheet;
}

}  // namespace
}  // namespace dialtrack::test
