// Alibaba Cloud RPC signing against the published test vectors (T1-T7 of
// /work/shared/spec/dialers/alibaba-outboundbot.md section 2.3, each from an official SDK's tests
// or Alibaba's docs).
#include "dialers/alibaba/rpc_signature.hpp"

#include <gtest/gtest.h>

namespace dialtrack::dialers::rpc {
namespace {

// T3: the parameter set of the Go SDK's rpc_signature_composer_test.go (empty values, a space).
Params go_sdk_params() {
  return {{"AccessKeyId", "accessKeyId"},
          {"Action", ""},
          {"Format", "JSON"},
          {"RegionId", "regionId"},
          {"SignatureMethod", "HMAC-SHA1"},
          {"SignatureNonce", "MOCK_UUID"},
          {"SignatureType", ""},
          {"SignatureVersion", "1.0"},
          {"Timestamp", "mock date"},
          {"Version", ""}};
}

Params describe_regions_params(const char* timestamp_key) {
  return {{"AccessKeyId", "testid"},
          {"Action", "DescribeRegions"},
          {"Format", "XML"},
          {"SignatureMethod", "HMAC-SHA1"},
          {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
          {"SignatureVersion", "1.0"},
          {timestamp_key, "2016-02-23T12:46:24Z"},
          {"Version", "2014-05-26"}};
}

TEST(RpcSignature, PercentEncodingKeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(percent_encode("a b*c+d/e=f&g%h"), "a%20b%2Ac%2Bd%2Fe%3Df%26g%25h");
  EXPECT_EQ(percent_encode("中"), "%E4%B8%AD");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(RpcSignature, T1EmptyMethod) {
  const Params params{{"test", "ok"}};
  EXPECT_EQ(string_to_sign("", params), "&%2F&test%3Dok");
  EXPECT_EQ(sign("", params, "accessKeySecret"), "jHx/oHoHNrbVfhncHEvPdHXZwHU=");
}

TEST(RpcSignature, T2GetWithTwoParamsSortedByName) {
  const Params params{{"query", "test"}, {"body", "test"}};
  EXPECT_EQ(string_to_sign("GET", params), "GET&%2F&body%3Dtest%26query%3Dtest");
  EXPECT_EQ(sign("GET", params, "secret"), "XlUyV4sXjOuX5FnjUz9IF9tm5rU=");
}

TEST(RpcSignature, T3GoSdkCommonParameters) {
  EXPECT_EQ(sign("GET", go_sdk_params(), "accessKeySecret"), "7loPmFjvDnzOVnQeQNj85S6nFGY=");
}

TEST(RpcSignature, T4GoSdkWithSecurityToken) {
  auto params = go_sdk_params();
  params.emplace_back("SecurityToken", "accessKeyStsToken");
  EXPECT_EQ(sign("GET", params, "accessKeySecret"), "5Nxdcler+ihqWqv0Hr2On4PsBf4=");
}

TEST(RpcSignature, T5DocumentationExample) {
  EXPECT_EQ(sign("GET", describe_regions_params("TimeStamp"), "testsecret"),
            "CT9X0VtwR86fNWSnsc6v8YGOjuE=");
}

TEST(RpcSignature, T5PrimeTimestampSpelling) {
  EXPECT_EQ(sign("GET", describe_regions_params("Timestamp"), "testsecret"),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

TEST(RpcSignature, T6HmacSha1Primitive) {
  EXPECT_EQ(hmac_sha1_base64("secret", "source"), "Jv4yi8SobFhg5t1C7nWLbhBSFZQ=");
  EXPECT_EQ(hmac_sha1_base64("secret", "中文"), "CqCYIa39h9SSWuXnTz8F5hh9UPA=");
  EXPECT_EQ(hmac_sha1_base64("secret", "中文unicode"), "szlfHs3WVaO/HgY3Cg7/uyXDaRw=");
}

TEST(RpcSignature, T7StringsToSign) {
  EXPECT_EQ(string_to_sign("GET", {}), "GET&%2F&");
  EXPECT_EQ(string_to_sign("GET", {{"key", "value"}}), "GET&%2F&key%3Dvalue");
  EXPECT_EQ(string_to_sign("GET", {{"key", "value"}, {"q", "value"}}),
            "GET&%2F&key%3Dvalue%26q%3Dvalue");
  EXPECT_EQ(string_to_sign("GET", {{"key", "value"}, {"q", "http://domain/?q=value&q2=value2"}}),
            "GET&%2F&key%3Dvalue%26q%3Dhttp%253A%252F%252Fdomain%252F%253Fq%253Dvalue%2526q2%"
            "253Dvalue2");
}

TEST(RpcSignature, SignatureDependsOnTheSecret) {
  const Params params{{"test", "ok"}};
  EXPECT_NE(sign("GET", params, "one"), sign("GET", params, "two"));
}

}  // namespace
}  // namespace dialtrack::dialers::rpc
