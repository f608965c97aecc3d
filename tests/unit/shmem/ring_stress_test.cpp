// The rings under real concurrency: a producer thread and a consumer thread
// move 1,000,000 frames of 1..1514 bytes each way; the consumer checks every
// frame against the one expected next, so a lost, duplicated, reordered or
// torn frame fails the test. The indices start below 2^32 and wrap.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <thread>

#include "abi/shmem_ring.h"
#include "devices/shmem/shmem_endpoint.h"
#include "tests/unit/shmem/frame_pattern.h"
#include "tests/unit/shmem/test_region.h"

namespace vmm {
namespace {

using shmem::RingResult;
using shmem::RingStatus;
using testing::FramePattern;
using testing::TestRegion;

using PushFn = std::function<RingResult(const uint8_t*, uint32_t)>;
using PopFn = std::function<RingResult(uint8_t*, uint32_t)>;

struct Outcome {
  uint64_t received = 0;
  uint64_t first_bad = UINT64_MAX;  // sequence number of the first wrong frame
  shmem::ShmemError error = shmem::ShmemError::kNone;
};

void produce(const PushFn& push, uint64_t frames, const FramePattern& pattern,
             shmem::ShmemError* error) {
  std::array<uint8_t, shmem::kMaxFrameSize> frame;
  for (uint64_t seq = 0; seq < frames;) {
    uint32_t length = pattern.fill(seq, frame.data());
    RingResult r = push(frame.data(), length);
    if (r.status == RingStatus::kDone) ++seq;
    else if (r.status == RingStatus::kFull) std::this_thread::yield();
    else { *error = r.error; return; }
  }
}

Outcome consume(const PopFn& pop, uint64_t frames, const FramePattern& pattern) {
  Outcome out;
  std::array<uint8_t, shmem::kMaxFrameSize> frame;
  while (out.received < frames) {
    RingResult r = pop(frame.data(), frame.size());
    if (r.status == RingStatus::kEmpty) { std::this_thread::yield(); continue; }
    if (r.status != RingStatus::kDone) { out.error = r.error; return out; }
    if (out.first_bad == UINT64_MAX && !pattern.matches(out.received, frame.data(), r.value))
      out.first_bad = out.received;
    ++out.received;
  }
  return out;
}

void run_both_threads(const PushFn& push, const PopFn& pop, uint64_t frames, const char* label) {
  FramePattern pattern;
  shmem::ShmemError producer_error = shmem::ShmemError::kNone;
  auto start = std::chrono::steady_clock::now();
  std::thread producer([&] { produce(push, frames, pattern, &producer_error); });
  Outcome outcome = consume(pop, frames, pattern);
  producer.join();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::printf("%s: %llu frames in %lld ms\n", label, static_cast<unsigned long long>(frames),
              static_cast<long long>(ms.count()));
  EXPECT_EQ(producer_error, shmem::ShmemError::kNone) << shmem::shmem_error_name(producer_error);
  EXPECT_EQ(outcome.error, shmem::ShmemError::kNone) << shmem::shmem_error_name(outcome.error);
  EXPECT_EQ(outcome.received, frames);
  EXPECT_EQ(outcome.first_bad, UINT64_MAX) << "first wrong frame: #" << outcome.first_bad;
}

struct Sides {
  explicit Sides(uint64_t size) : region(size) {
    EXPECT_EQ(shmem::guest_attach(region.data(), region.size(), &guest), shmem::ShmemError::kNone);
    auto e = ShmemEndpoint::attach(region.bytes());
    EXPECT_TRUE(e.ok());
    host.emplace(std::move(*e));
  }
  TestRegion region;
  shmem::GuestRings guest;
  std::optional<ShmemEndpoint> host;
};

constexpr uint64_t kFrames = 1'000'000;

TEST(RingStress, GuestToHostMillionFramesInOrder) {
  Sides s(256 * 1024);  // 32 slots per ring
  run_both_threads(
      [&](const uint8_t* f, uint32_t n) { return s.guest.to_host.try_push(f, n); },
      [&](uint8_t* b, uint32_t cap) { return s.host->receive({b, cap}); }, kFrames, "guest-to-host");
  EXPECT_EQ(s.guest.to_host.head(), static_cast<uint32_t>(shmem::kInitialIndex + kFrames));
}

TEST(RingStress, HostToGuestMillionFramesInOrder) {
  Sides s(256 * 1024);
  run_both_threads(
      [&](const uint8_t* f, uint32_t n) { return s.host->send({f, n}); },
      [&](uint8_t* b, uint32_t cap) { return s.guest.from_host.try_pop(b, cap); }, kFrames,
      "host-to-guest");
  EXPECT_EQ(s.guest.from_host.tail(), static_cast<uint32_t>(shmem::kInitialIndex + kFrames));
}

// One slot per ring: every push waits for the previous pop, the tightest
// full/empty hand-over.
TEST(RingStress, SingleSlotRingHandsOverEveryFrame) {
  Sides s(shmem::kMinRegionSize);
  ASSERT_EQ(s.host->slots_per_ring(), 1u);
  run_both_threads(
      [&](const uint8_t* f, uint32_t n) { return s.guest.to_host.try_push(f, n); },
      [&](uint8_t* b, uint32_t cap) { return s.host->receive({b, cap}); }, 100'000, "1-slot ring");
}

}  // namespace
}  // namespace vmm
