#include "domain/enum_names.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string_view>

namespace dialtrack::domain {
namespace {

enum class Colour { kRed = 2, kGreen, kBlue };

constexpr std::array<EnumName<Colour>, 3> kInOrder{{
    {Colour::kRed, "red"},
    {Colour::kGreen, "green"},
    {Colour::kBlue, "blue"},
}};
static_assert(names_each_value(kInOrder, Colour::kRed, Colour::kBlue));

// Not in order: names_each_value says no, and name_of still finds each name by its scan.
constexpr std::array<EnumName<Colour>, 3> kShuffled{{
    {Colour::kBlue, "blue"},
    {Colour::kRed, "red"},
    {Colour::kGreen, "green"},
}};
static_assert(!names_each_value(kShuffled, Colour::kRed, Colour::kBlue));

TEST(EnumNames, EachValueHasItsNameWhateverTheTablesOrder) {
  for (const auto& table : {kInOrder, kShuffled}) {
    EXPECT_EQ(name_of(table, Colour::kRed, "?"), "red");
    EXPECT_EQ(name_of(table, Colour::kGreen, "?"), "green");
    EXPECT_EQ(name_of(table, Colour::kBlue, "?"), "blue");
  }
}

TEST(EnumNames, AValueOutsideTheTableGetsTheFallback) {
  EXPECT_EQ(name_of(kInOrder, static_cast<Colour>(1), "?"), "?");
  EXPECT_EQ(name_of(kInOrder, static_cast<Colour>(5), "?"), "?");
  EXPECT_EQ(name_of(kShuffled, static_cast<Colour>(-7), "?"), "?");
}

TEST(EnumNames, ANameGivesItsValueAndAnUnknownNameNone) {
  EXPECT_EQ(value_named(kInOrder, "green"), Colour::kGreen);
  EXPECT_EQ(value_named(kShuffled, "blue"), Colour::kBlue);
  EXPECT_FALSE(value_named(kInOrder, "Green").has_value());
  EXPECT_FALSE(value_named(kInOrder, "").has_value());
}

TEST(EnumNames, ATableWithAGapOrATwiceListedValueIsRefused) {
  constexpr std::array<EnumName<Colour>, 2> gap{{{Colour::kRed, "red"}, {Colour::kBlue, "blue"}}};
  EXPECT_FALSE(names_each_value(gap, Colour::kRed, Colour::kBlue));
  constexpr std::array<EnumName<Colour>, 3> twice{
      {{Colour::kRed, "red"}, {Colour::kRed, "red"}, {Colour::kBlue, "blue"}}};
  EXPECT_FALSE(names_each_value(twice, Colour::kRed, Colour::kBlue));
}

}  // namespace
}  // namespace dialtrack::domain
