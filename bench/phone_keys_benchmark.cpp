// Phone keys per second (domain::PhoneKeys, SPEC §6 "Phone identity"), for raw phones as a task
// upload or a dialer callback carries them: Chinese mobiles in the four forms that share one key.
// Beside each, normalize_phone alone, the work every phone paid before keys and the ceiling of
// what keying can reach.
//
//   phone/normalize/<form>   normalize_phone(raw)
//   phone/key/<form>         PhoneKeys("CN").key(*normalize_phone(raw)), libphonenumber's parse
//
// <form>: 0 `+86 138-0013-8000`, 1 `8613800138000`, 2 `008613800138000`, 3 `13800138000`,
// 4 the four in turn, 5 short service numbers (10086, 95588, 110...), which libphonenumber reads
// but finds not possible, so they key on their digits. Each form cycles through 1,024 numbers.
// phone/key/4 runs on one thread and on two (the regular expression cache of libphonenumber is
// shared behind a lock).

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "domain/phone.hpp"

namespace {

namespace domain = dialtrack::domain;

constexpr std::size_t kNumbers = 1024;
constexpr std::int64_t kMixed = 4;
constexpr std::int64_t kShort = 5;

/// Raw phones of one form, kNumbers of them, the same numbers in every mobile form.
std::vector<std::string> phones(std::int64_t form) {
  constexpr std::array kShortNumbers{"10086", "10010", "10000", "95588", "95533",
                                     "95555", "110",   "120",   "114",   "12315"};
  constexpr std::array kPrefixes{"130", "133", "135", "138", "139", "150", "152", "158",
                                 "166", "177", "180", "186", "188", "189", "191", "199"};
  std::vector<std::string> out;
  out.reserve(kNumbers);
  std::uint64_t seed = 20240601;
  for (std::size_t i = 0; i < kNumbers; ++i) {
    if (form == kShort) {
      out.emplace_back(kShortNumbers[i % kShortNumbers.size()]);
      continue;
    }
    seed = seed * 6364136223846793005U + 1442695040888963407U;  // a fixed, varied subscriber
    const std::string subscriber = std::to_string(10'000'000 + (seed >> 33) % 90'000'000);
    const std::string prefix = kPrefixes[i % kPrefixes.size()];
    switch (form == kMixed ? static_cast<std::int64_t>(i % 4) : form) {
      case 0:
        out.push_back("+86 " + prefix + "-" + subscriber.substr(0, 4) + "-" + subscriber.substr(4));
        break;
      case 1:
        out.push_back("86" + prefix + subscriber);
        break;
      case 2:
        out.push_back("0086" + prefix + subscriber);
        break;
      default:
        out.push_back(prefix + subscriber);
        break;
    }
  }
  return out;
}

void normalize(benchmark::State& state) {
  const auto raw = phones(state.range(0));
  std::size_t i = 0;
  for (auto _ : state) {
    auto normalized = domain::normalize_phone(raw[i++ % kNumbers]);
    benchmark::DoNotOptimize(normalized);
  }
  state.SetItemsProcessed(state.iterations());
}

void key(benchmark::State& state) {
  const auto raw = phones(state.range(0));
  const domain::PhoneKeys keys("CN");
  // The mobile forms must meet on one key, else this measures something else than the service.
  if (state.range(0) < kShort && keys.key(*domain::normalize_phone(phones(0)[7])) !=
                                     keys.key(*domain::normalize_phone(phones(3)[7]))) {
    state.SkipWithError("the four forms of one mobile do not share a key");
    return;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto phone_key = keys.key(*domain::normalize_phone(raw[i++ % kNumbers]));
    benchmark::DoNotOptimize(phone_key);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(normalize)->Name("phone/normalize")->DenseRange(0, kShort);
BENCHMARK(key)->Name("phone/key")->DenseRange(0, kShort);
BENCHMARK(key)->Name("phone/key")->Arg(kMixed)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
