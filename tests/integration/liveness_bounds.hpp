#pragma once

#include <chrono>

/// The bounds both liveness tests (liveness_test.cpp on SQLite, liveness_pgtest.cpp on
/// PostgreSQL) hold the server to, before scaling for slow builds.
namespace dialtrack::test::liveness {

/// The liveness promise (docs/api.md): /healthz within 1 s whatever the database does.
inline constexpr std::chrono::milliseconds kLiveness{1'000};
/// /readyz waits 1 s for the database; what a loaded machine adds to that.
inline constexpr std::chrono::milliseconds kReadinessBound{2'000};
/// What exiting may take beyond the grace on a loaded machine (the promise is the grace).
inline constexpr std::chrono::milliseconds kExitMargin{1'500};

}  // namespace dialtrack::test::liveness
