// The bypass stack against the real host side of the shared-memory device,
// minus the VM: a region in host memory with the host's header, the device's
// own libslirp network (10.0.3.0/24, 10.0.3.2 = the host's loopback) behind a
// ShmemNetAdapter, the poller thread, and a BypassNet on the test thread in
// the guest's place. Host programs on 127.0.0.1 are the peers.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "devices/shmem/shmem_net_adapter.h"
#include "devices/shmem/shmem_poller.h"
#include "guest/user/bypass/bypass_net.h"
#include "hostnet/slirp_backend.h"
#include "tests/unit/shmem/test_region.h"

namespace bypass::test {

inline uint64_t steady_clock_ns(void*) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

inline Clock host_clock() { return Clock{steady_clock_ns, nullptr}; }

// Memory for the stack's arena, 16-byte aligned like a guest's .bss.
struct ArenaMemory {
  explicit ArenaMemory(size_t bytes) : words((bytes + 15) / 16), size(bytes) {}
  struct alignas(16) Word {
    uint8_t b[16];
  };
  std::vector<Word> words;
  size_t size;
  void* data() { return words.data(); }
};

// A configuration over `region` with the kernel's shm0 defaults, the host's
// clock and `arena`.
inline BypassConfig config_for(const vmm::testing::TestRegion& region, ArenaMemory& arena) {
  BypassConfig config;
  config.region = region.data();
  config.region_size = region.size();
  config.clock = host_clock();
  config.arena = arena.data();
  config.arena_size = arena.size;
  return config;
}

// The host side alone: region, libslirp, adapter, poller.
struct HostSide {
  // 128 slots a ring (abi/shmem_ring.h): a TCP window's worth of frames.
  static constexpr uint64_t kRegionSize = 1 << 20;

  explicit HostSide(uint64_t region_size = kRegionSize) : region(region_size) {
    auto network = vmm::net::SlirpBackend::create(vmm::net::kShmemUserNetwork, {});
    EXPECT_TRUE(network.ok()) << network.error().message;
    if (!network.ok()) return;
    auto created = vmm::ShmemNetAdapter::create(std::move(*network));
    EXPECT_TRUE(created.ok()) << created.error().message;
    adapter = std::move(*created);
    // Adaptive with a short sleep: this machine's cores are shared, and the
    // rings still see the host within 20 us.
    vmm::PollSettings settings{vmm::PollPolicy::kAdaptive, std::chrono::microseconds(20)};
    auto started = vmm::ShmemPoller::start(vmm::ShmemEndpoint::attach(region.bytes()).value(), *adapter, settings);
    EXPECT_TRUE(started.ok());
    if (started.ok()) poller = std::move(*started);
  }

  vmm::testing::TestRegion region;  // outlives the poller and the adapter
  std::unique_ptr<vmm::ShmemNetAdapter> adapter;
  std::unique_ptr<vmm::ShmemPoller> poller;  // last: joined first
};

// The host side and a started BypassNet on it.
struct BypassRig {
  static constexpr size_t kArenaSize = 16 << 20;

  explicit BypassRig(uint64_t region_size = HostSide::kRegionSize, const net::NetConfig& stack = {})
      : host(region_size), arena(kArenaSize) {
    BypassConfig config;
    config.stack = stack;
    config.region = host.region.data();
    config.region_size = host.region.size();
    config.clock = host_clock();
    config.arena = arena.data();
    config.arena_size = arena.size;
    config.seed = 18;
    started = net.start(config);
    EXPECT_EQ(started, 0) << net.failure().where << ": " << net.failure().reason();
  }
  ~BypassRig() { net.stop(); }

  uint64_t deadline_in(std::chrono::milliseconds ms) const {
    return net.deadline_after(static_cast<uint64_t>(ms.count()) * 1'000'000);
  }

  HostSide host;
  ArenaMemory arena;
  BypassNet net;
  int started = -1;
};

}  // namespace bypass::test
