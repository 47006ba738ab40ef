#include "domain/call_status.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace dialtrack::domain {
namespace {

TEST(IsValidCallStatus, AcceptsLettersDigitsAndUnderscores) {
  for (const std::string_view status : {"Connected", "a", "Z", "0", "_", "Status_2", "busy"}) {
    EXPECT_TRUE(is_valid_call_status(status)) << status;
  }
}

TEST(IsValidCallStatus, NeedsOneToSixtyFourCharacters) {
  EXPECT_FALSE(is_valid_call_status(""));
  EXPECT_TRUE(is_valid_call_status(std::string(64, 'A')));
  EXPECT_FALSE(is_valid_call_status(std::string(65, 'A')));
}

TEST(IsValidCallStatus, RejectsOtherCharacters) {
  for (const std::string_view status : {"Not Connected", "Busy-1", "Succeeded!", "Busy\n", " Busy",
                                        "No.Answer", "\xe5\xb7\xb2\xe6\x8e\xa5\xe9\x80\x9a"}) {
    EXPECT_FALSE(is_valid_call_status(status)) << status;
  }
  EXPECT_FALSE(is_valid_call_status(std::string_view("Busy\0", 5)));
}

TEST(StatusClassifier, DefaultConnectsTheFourStatusesOfTheOriginalDescription) {
  const StatusClassifier classifier;
  for (const std::string_view status :
       {"Connected", "Succeeded", "SucceededFinish", "SucceededTransferByIntent"}) {
    EXPECT_TRUE(classifier.is_connected(status)) << status;
  }
}

TEST(StatusClassifier, DefaultConnectsEveryStatusStartingWithSucceeded) {
  const StatusClassifier classifier;
  for (const std::string_view status :
       {"SucceededClientHangUp", "SucceededChatbotHangUpAfterSilence",
        "SucceededTransferAfterNoAnswer", "Succeeded_2"}) {
    EXPECT_TRUE(classifier.is_connected(status)) << status;
  }
}

TEST(StatusClassifier, DefaultLeavesEveryOtherStatusNotConnected) {
  const StatusClassifier classifier;
  for (const std::string_view status :
       {"Failed", "NotConnected", "Busy", "NoAnswer", "PoweredOff", "NotExist", "Executing",
        "connected", "CONNECTED", "succeeded", "succeededFinish", "Succeede", "ConnectedX",
        "XConnected", "XSucceeded", ""}) {
    EXPECT_FALSE(classifier.is_connected(status)) << status;
  }
}

TEST(StatusClassifier, DefaultConfigurationIsVisible) {
  const StatusClassifier classifier;
  EXPECT_EQ(classifier.names(),
            (std::vector<std::string>{"Connected", "Succeeded", "SucceededFinish",
                                      "SucceededTransferByIntent"}));
  EXPECT_EQ(classifier.prefixes(), std::vector<std::string>{"Succeeded"});
}

TEST(StatusClassifier, CustomNamesAndPrefixesReplaceTheDefault) {
  const StatusClassifier classifier({"Answered"}, {"Ok_"});
  EXPECT_TRUE(classifier.is_connected("Answered"));
  EXPECT_TRUE(classifier.is_connected("Ok_"));
  EXPECT_TRUE(classifier.is_connected("Ok_Transferred"));
  EXPECT_FALSE(classifier.is_connected("Answered2"));
  EXPECT_FALSE(classifier.is_connected("answered"));
  EXPECT_FALSE(classifier.is_connected("Ok"));
  EXPECT_FALSE(classifier.is_connected("Connected"));
  EXPECT_FALSE(classifier.is_connected("SucceededFinish"));
}

TEST(StatusClassifier, NamesAloneMatchExactly) {
  const StatusClassifier classifier({"Connected", "Talked"}, {});
  EXPECT_TRUE(classifier.is_connected("Connected"));
  EXPECT_TRUE(classifier.is_connected("Talked"));
  EXPECT_FALSE(classifier.is_connected("ConnectedLate"));
  EXPECT_FALSE(classifier.is_connected("Succeeded"));
}

TEST(StatusClassifier, EmptyConfigurationConnectsNothing) {
  const StatusClassifier classifier({}, {});
  EXPECT_FALSE(classifier.is_connected("Connected"));
  EXPECT_FALSE(classifier.is_connected("SucceededFinish"));
}

}  // namespace
}  // namespace dialtrack::domain
