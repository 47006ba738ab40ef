#include "http/outcomes.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dialtrack::http {
namespace {

constexpr auto kEn = Language::kEnglish;

std::string header(const Reply& reply, std::string_view name) {
  for (const auto& [key, value] : reply.headers) {
    if (key == name) {
      return value;
    }
  }
  return {};
}

TEST(Outcomes, MissingThingsAre404) {
  EXPECT_EQ(not_found(Missing::kTask, kEn).status, Status::not_found);
  EXPECT_EQ(not_found(Missing::kTask, kEn).message, text(Msg::kTaskNotFound, kEn));
  EXPECT_EQ(not_found(Missing::kWebhook, kEn).message, text(Msg::kWebhookNotFound, kEn));
  EXPECT_EQ(not_found(Missing::kRoute, kEn).message, text(Msg::kRouteNotFound, kEn));
}

TEST(Outcomes, BadFieldsAre400NamingTheField) {
  const auto reply = bad_field({"leads[1].phone", domain::Problem::kInvalidPhone}, kEn);
  EXPECT_EQ(reply.status, Status::bad_request);
  EXPECT_EQ(reply.data.at("field"), "leads[1].phone");
  EXPECT_NE(reply.message.find("leads[1].phone"), std::string::npos) << reply.message;
  const auto target = private_webhook_target(domain::AddressKind::kLoopback, kEn);
  EXPECT_EQ(target.status, Status::bad_request);
  EXPECT_EQ(target.data.at("field"), "url");
  EXPECT_EQ(target.data.at("address_kind"), "loopback");
}

TEST(Outcomes, TaskFailures) {
  EXPECT_EQ(task_failure(app::TaskFailure::kNotFound, kEn).status, Status::not_found);
  EXPECT_EQ(task_failure(app::TaskFailure::kDeleted, kEn).status, Status::conflict);
  const auto wrong = task_failure(app::TaskFailure::kWrongState, kEn, 3);
  EXPECT_EQ(wrong.status, Status::conflict);
  EXPECT_EQ(wrong.message, cannot_start_text(3, kEn));
}

TEST(Outcomes, SyncRefusals) {
  EXPECT_EQ(sync_refused(app::SyncRefusal::kTaskNotFound, kEn).status, Status::not_found);
  EXPECT_EQ(sync_refused(app::SyncRefusal::kNoJobGroup, kEn).status, Status::conflict);
  EXPECT_EQ(sync_refused(app::SyncRefusal::kAlreadyRunning, kEn).status, Status::conflict);
  EXPECT_EQ(sync_refused(app::SyncRefusal::kNoAccount, kEn).status, Status::service_unavailable);
}

TEST(Outcomes, AFinishedSyncAnswersItsReportWithTheStatusOfWhatStoppedIt) {
  app::SyncReport report;
  const boost::json::value data = boost::json::object{{"pages", 2}};
  const auto done = sync_finished(report, data, kEn);
  EXPECT_EQ(done.status, Status::ok);
  EXPECT_EQ(done.data, data);
  const auto status_of = [&](app::SyncErrorKind kind) {
    report.error = app::SyncError{kind, "why"};
    const auto reply = sync_finished(report, data, kEn);
    EXPECT_EQ(reply.data, data);
    return reply.status;
  };
  EXPECT_EQ(status_of(app::SyncErrorKind::kConcurrentSync), Status::conflict);
  EXPECT_EQ(status_of(app::SyncErrorKind::kStorage), Status::service_unavailable);
  EXPECT_EQ(status_of(app::SyncErrorKind::kStopped), Status::service_unavailable);
  for (const auto kind : {app::SyncErrorKind::kThrottled, app::SyncErrorKind::kAuth,
                          app::SyncErrorKind::kUnknownJobGroup, app::SyncErrorKind::kNetwork,
                          app::SyncErrorKind::kMalformed, app::SyncErrorKind::kServer}) {
    EXPECT_EQ(status_of(kind), Status::bad_gateway) << app::sync_error_name(kind);
  }
  report.error = app::SyncError{app::SyncErrorKind::kAuth, "why"};
  EXPECT_EQ(sync_finished(report, data, kEn).message,
            "Sync from the dialer failed: the dialer refused the credentials (AccessKey or "
            "permission)");
}

TEST(Outcomes, AccessRefusals) {
  const auto missing = access_refused({Denial::kTokenMissing, Scope::kRead}, kEn);
  EXPECT_EQ(missing.status, Status::unauthorized);
  EXPECT_EQ(header(missing, "WWW-Authenticate"), R"(Bearer realm="dialtrack")");
  const auto invalid = access_refused({Denial::kTokenInvalid, Scope::kRead}, kEn);
  EXPECT_EQ(invalid.status, Status::unauthorized);
  EXPECT_EQ(header(invalid, "WWW-Authenticate"),
            R"(Bearer realm="dialtrack", error="invalid_token")");
  const auto low = access_refused({Denial::kScopeTooLow, Scope::kAdmin}, kEn);
  EXPECT_EQ(low.status, Status::forbidden);
  EXPECT_EQ(low.data.at("required_scope"), "admin");
  EXPECT_EQ(header(low, "WWW-Authenticate"),
            R"(Bearer realm="dialtrack", error="insufficient_scope", scope="admin")");
  for (const auto denial :
       {Denial::kSignatureMissing, Denial::kSignatureInvalid, Denial::kSignatureExpired}) {
    const auto reply = access_refused({denial, Scope::kWrite}, kEn);
    EXPECT_EQ(reply.status, Status::unauthorized);
    EXPECT_EQ(header(reply, "WWW-Authenticate"), "");
  }
}

TEST(Outcomes, FaultsAre503ForTheDatabaseAnd500Otherwise) {
  EXPECT_EQ(fault_reply(Fault::kStoreUnavailable, kEn).status, Status::service_unavailable);
  EXPECT_EQ(fault_reply(Fault::kStoreConflict, kEn).status, Status::service_unavailable);
  EXPECT_EQ(fault_reply(Fault::kStoreConflict, kEn).message, text(Msg::kStoreUnavailable, kEn));
  EXPECT_EQ(fault_reply(Fault::kUnexpected, kEn).status, Status::internal_server_error);
}

TEST(Outcomes, AFullDiskIs507WithRetryAfterInBothLanguages) {
  const auto reply = fault_reply(Fault::kStoreFull, kEn);
  EXPECT_EQ(reply.status, Status::insufficient_storage);
  EXPECT_EQ(reply.message, text(Msg::kStoreFull, kEn));
  EXPECT_GT(std::stoi(header(reply, "Retry-After")), 0);
  EXPECT_EQ(fault_reply(Fault::kStoreFull, Language::kChinese).message,
            text(Msg::kStoreFull, Language::kChinese));
  EXPECT_NE(text(Msg::kStoreFull, Language::kChinese), text(Msg::kStoreFull, kEn));
}

TEST(Outcomes, TheServersOwnRefusals) {
  const auto status_of = [](ServerRefusal refusal) { return server_refusal(refusal, kEn).status; };
  EXPECT_EQ(status_of(ServerRefusal::kMalformed), Status::bad_request);
  EXPECT_EQ(status_of(ServerRefusal::kHeadersTooLarge), Status::request_header_fields_too_large);
  EXPECT_EQ(body_too_large(4096, kEn).status, Status::payload_too_large);
  EXPECT_EQ(body_too_large(4096, kEn).message, body_too_large_text(4096, kEn));
  // Busy, not broken: each says when to try again.
  for (const auto refusal : {ServerRefusal::kTooManyConnections, ServerRefusal::kBodyBudgetFull,
                             ServerRefusal::kShuttingDown}) {
    const auto reply = server_refusal(refusal, kEn);
    EXPECT_EQ(reply.status, Status::service_unavailable);
    EXPECT_EQ(header(reply, "Retry-After"), "1");
  }
  EXPECT_EQ(server_refusal(ServerRefusal::kBodyBudgetFull, kEn).message,
            text(Msg::kBodyBudgetFull, kEn));
  EXPECT_NE(server_refusal(ServerRefusal::kMalformed, kEn, "bad method").message.find("bad method"),
            std::string::npos);
  const auto not_ready_reply = not_ready(std::chrono::milliseconds(1000), kEn);
  EXPECT_EQ(not_ready_reply.status, Status::service_unavailable);
  EXPECT_EQ(not_ready_reply.message, "The database did not answer within 1000 ms");
}

TEST(SyncErrorKind, DialerFailuresKeepTheDialersNames) {
  using dialers::FetchFailure;
  for (const auto failure :
       {FetchFailure::kThrottled, FetchFailure::kAuth, FetchFailure::kUnknownJobGroup,
        FetchFailure::kNetwork, FetchFailure::kMalformed, FetchFailure::kServer}) {
    EXPECT_EQ(app::sync_error_name(app::sync_error_kind(failure)), dialers::failure_name(failure));
  }
  EXPECT_EQ(app::sync_error_name(app::SyncErrorKind::kConcurrentSync), "concurrent_sync");
  EXPECT_EQ(app::sync_error_name(app::SyncErrorKind::kStorage), "storage");
  EXPECT_EQ(app::sync_error_name(app::SyncErrorKind::kStopped), "stopped");
}

}  // namespace
}  // namespace dialtrack::http
