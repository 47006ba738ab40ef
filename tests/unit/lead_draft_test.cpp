#include "domain/lead_draft.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dialtrack::domain {
namespace {

Lead accepted(const LeadDraft& draft) {
  auto result = validate(draft, "");
  if (const auto* error = std::get_if<FieldError>(&result)) {
    ADD_FAILURE() << "refused, naming " << error->field;
    return {};
  }
  return std::get<Lead>(result);
}

FieldError refused(const LeadDraft& draft, std::string_view prefix = "") {
  auto result = validate(draft, prefix);
  if (const auto* error = std::get_if<FieldError>(&result)) {
    return *error;
  }
  ADD_FAILURE() << "accepted";
  return {};
}

LeadDraft with_phone(std::string phone) {
  LeadDraft d;
  d.phone = std::move(phone);
  return d;
}

TEST(LeadDraft, AcceptsALeadWithItsPhoneNormalised) {
  auto d = with_phone("+86 138-0013-8000");
  d.name = std::string("张三");
  d.job_id = std::string("job-1");
  d.attrs_json = R"({"city":"杭州"})";
  const auto lead = accepted(d);
  EXPECT_EQ(lead.phone, "+8613800138000");
  EXPECT_EQ(lead.name, "张三");
  EXPECT_EQ(lead.job_id, "job-1");
  EXPECT_EQ(lead.attrs_json, R"({"city":"杭州"})");
  const auto bare = accepted(with_phone("13800138000"));
  EXPECT_EQ(bare.name, std::nullopt);
  EXPECT_EQ(bare.job_id, std::nullopt);
  EXPECT_EQ(bare.attrs_json, std::nullopt);
}

TEST(LeadDraft, PhoneIsRequiredTextThatNormalises) {
  EXPECT_EQ(refused(LeadDraft{}, "leads[2]"), (FieldError{"leads[2].phone", Problem::kRequired}));
  LeadDraft number;
  number.phone = std::int64_t{13800138000};
  EXPECT_EQ(refused(number), (FieldError{"phone", Problem::kWrongType, "string"}));
  EXPECT_EQ(refused(with_phone("")), (FieldError{"phone", Problem::kEmpty}));
  EXPECT_EQ(refused(with_phone(std::string(kMaxPhone + 1, '1'))),
            (FieldError{"phone", Problem::kTooLong, "", 64}));
  EXPECT_EQ(refused(with_phone("12")), (FieldError{"phone", Problem::kInvalidPhone}));
}

TEST(LeadDraft, NameMayBeEmptyButNotTooLong) {
  auto d = with_phone("13800138000");
  d.name = std::string();
  EXPECT_EQ(accepted(d).name, "");
  std::string longest;
  for (std::size_t i = 0; i < kMaxName; ++i) {
    longest += "名";
  }
  d.name = longest;
  EXPECT_EQ(accepted(d).name, longest);
  d.name = longest + "名";
  EXPECT_EQ(refused(d), (FieldError{"name", Problem::kTooLong, "", 200}));
  d.name = std::string("a\0b", 3);
  EXPECT_EQ(refused(d), (FieldError{"name", Problem::kNulCharacter}));
}

TEST(LeadDraft, JobIdIsShortNonEmptyText) {
  auto d = with_phone("13800138000");
  d.job_id = std::string();
  EXPECT_EQ(refused(d), (FieldError{"job_id", Problem::kEmpty}));
  d.job_id = std::string(kMaxId + 1, 'j');
  EXPECT_EQ(refused(d), (FieldError{"job_id", Problem::kTooLong, "", 128}));
  d.job_id = OtherValue{};
  EXPECT_EQ(refused(d), (FieldError{"job_id", Problem::kWrongType, "string"}));
}

TEST(LeadDraft, AnAttrsProblemComesAfterTheFieldsAndBeforeThePhoneNumber) {
  auto d = with_phone("not a phone");
  d.attrs_error = FieldError{"attrs", Problem::kWrongType, "object"};
  EXPECT_EQ(refused(d, "leads[0]"), (FieldError{"leads[0].attrs", Problem::kWrongType, "object"}));
  d.job_id = std::string();
  EXPECT_EQ(refused(d).field, "job_id");
}

}  // namespace
}  // namespace dialtrack::domain
