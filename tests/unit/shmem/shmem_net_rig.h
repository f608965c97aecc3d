// The shared-memory device as the VMM runs it, minus the VM: a region with
// the host's header, a NetBackend behind a ShmemNetAdapter, the poller thread,
// and the guest's end of the rings driven by the test thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "abi/shmem_ring.h"
#include "devices/shmem/shmem_net_adapter.h"
#include "devices/shmem/shmem_poller.h"
#include "tests/unit/shmem/eventually.h"
#include "tests/unit/shmem/test_region.h"

namespace vmm::testing {

struct ShmemNetRig {
  static constexpr uint64_t kSize = kSmallRegionSize;

  // `backend` is bound to the adapter; `configure` may set it up before the
  // poller starts.
  ShmemNetRig(std::unique_ptr<net::NetBackend> backend, PollSettings settings) : region(kSize) {
    auto created = ShmemNetAdapter::create(std::move(backend));
    EXPECT_TRUE(created.ok()) << created.error().message;
    adapter = std::move(*created);
    EXPECT_EQ(shmem::guest_attach(region.data(), kSize, &guest), shmem::ShmemError::kNone);
    shmem::guest_announce_ready(region.data(), 0);
    auto started = ShmemPoller::start(ShmemEndpoint::attach(region.bytes()).value(), *adapter, settings);
    EXPECT_TRUE(started.ok());
    poller = std::move(*started);
  }

  void guest_sends(const std::vector<uint8_t>& frame) {
    ASSERT_EQ(guest.to_host.try_push(frame.data(), static_cast<uint32_t>(frame.size())).status,
              shmem::RingStatus::kDone);
  }

  // The next frame for the guest, waiting for it; empty if none came.
  std::vector<uint8_t> guest_receives() {
    std::vector<uint8_t> frame(shmem::kMaxFrameSize);
    shmem::RingResult r{};
    bool got = eventually([&] {
      r = guest.from_host.try_pop(frame.data(), shmem::kMaxFrameSize);
      return r.status != shmem::RingStatus::kEmpty;
    });
    if (!got || r.status != shmem::RingStatus::kDone) return {};
    frame.resize(r.value);
    return frame;
  }

  TestRegion region;  // outlives the poller and the adapter
  std::unique_ptr<ShmemNetAdapter> adapter;
  shmem::GuestRings guest;
  std::unique_ptr<ShmemPoller> poller;  // last: joined first
};

}  // namespace vmm::testing
