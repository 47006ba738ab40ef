#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace dialtrack::test {

/// A test with its own server (default options, fresh database) and one keep-alive
/// connection to it. Tests that need other options start their own ServerProcess.
class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.start();
    http_ = std::make_unique<HttpConnection>(server_.port());
  }

  HttpConnection& http() { return *http_; }

  ServerProcess server_;
  std::unique_ptr<HttpConnection> http_;
};

}  // namespace dialtrack::test
