// The shared-memory device's rings (abi/shmem_ring.h, devices/shmem) over a
// header and rings the fuzzer writes. The host side is the real ShmemPump
// with its ShmemEndpoint, as the poller thread runs it; the guest side is the
// guest's own ring code (guest_attach and its producer/consumer), since the
// same header is compiled into the guest kernel. Between their calls the
// input rewrites any byte of the region: config, status lines, the four
// index lines, slot lengths and frame bytes.
//
// The region is a heap block of exactly its size, page-aligned, so ASan's
// redzone right after it catches any slot access past the end.
//
// Invariants checked besides memory safety: every frame handed to the host
// backend is 1..1514 bytes; a guest pop returns at most the capacity it was
// given; a failed pump stays failed and does nothing.
//
// Input: region size selector u8, then operations (see Op) until the end.
#include <memory>
#include <new>
#include <vector>

#include "abi/shmem_ring.h"
#include "devices/shmem/shmem_backend.h"
#include "devices/shmem/shmem_endpoint.h"
#include "devices/shmem/shmem_pump.h"
#include "devices/shmem/shmem_region.h"
#include "devices/shmem/shmem_stats.h"
#include "tests/fuzz/fuzz_input.h"

namespace vmm::fuzz {
namespace {

enum Op : uint8_t {
  kPatch,         // offset u32, len u8, bytes: any write of the guest
  kIndex,         // line u8 (0..3), mode u8, value u32
  kSlotLength,    // ring u8, slot u32, mode u8, length u32
  kGuestStatus,   // state u32, features u64
  kPump,          // one pass of the host
  kGuestAttach,   // re-read the header as the guest does; announce ready u8
  kGuestPush,     // length u16
  kGuestPop,      // capacity u16
  kBackendFrame,  // length u16: a frame the host backend has for the guest
  kOpCount
};

class CheckingBackend : public ShmemBackend {
 public:
  bool deliver_to_host(std::span<const uint8_t> frame) override {
    FUZZ_CHECK(frame.size() >= 1 && frame.size() <= shmem::kMaxFrameSize);
    return accept = !accept;  // alternate: exercise the refused path too
  }
  size_t fetch_for_guest(std::span<uint8_t> buffer) override {
    FUZZ_CHECK(buffer.size() >= shmem::kMaxFrameSize);
    if (waiting.empty()) return 0;
    size_t length = waiting.back();
    waiting.pop_back();
    std::memset(buffer.data(), 0x42, std::min(length, buffer.size()));
    return length;
  }
  std::vector<size_t> waiting;
  bool accept = false;
};

struct AlignedDelete {
  void operator()(uint8_t* p) const { ::operator delete[](p, std::align_val_t{shmem::kPageSize}); }
};

uint32_t index_value(ByteReader& in) {
  uint8_t mode = in.u8();
  uint32_t value = in.u32();
  // Mostly near where the rings start, so the checks see plausible moves.
  return (mode & 1) ? value : shmem::kInitialIndex + static_cast<int16_t>(value);
}

class Harness {
 public:
  explicit Harness(ByteReader& in) : in_(in) {
    size_ = shmem::kMinRegionSize + static_cast<uint64_t>(in.u8() % 32) * shmem::kPageSize;
    region_.reset(new (std::align_val_t{shmem::kPageSize}) uint8_t[size_]());
    FUZZ_CHECK(initialise_shmem_header(bytes(), std::chrono::microseconds(100)).ok());
    auto endpoint = ShmemEndpoint::attach(bytes());
    FUZZ_CHECK(endpoint.ok());
    slots_ = endpoint->slots_per_ring();
    pump_ = std::make_unique<ShmemPump>(std::move(*endpoint), backend_, counters_);
    frame_.assign(shmem::kSlotSize, 0x17);
  }

  void step() {
    shmem::Header* h = shmem::header_of(region_.get());
    switch (in_.u8() % kOpCount) {
      case kPatch: {
        uint64_t offset = in_.u32() % size_;
        auto patch = in_.bytes(in_.u8());
        std::memcpy(region_.get() + offset, patch.data(), std::min<uint64_t>(patch.size(), size_ - offset));
        break;
      }
      case kIndex: {
        shmem::IndexLine* lines[] = {&h->guest_to_host_head, &h->guest_to_host_tail,
                                     &h->host_to_guest_head, &h->host_to_guest_tail};
        lines[in_.u8() % 4]->index = index_value(in_);
        break;
      }
      case kSlotLength: {
        uint8_t ring = in_.u8();
        uint64_t ring_offset = shmem::kHeaderSize + ((ring & 1) ? uint64_t{slots_} * shmem::kSlotSize : 0);
        uint64_t slot = in_.u32() % slots_;
        auto* s = reinterpret_cast<shmem::Slot*>(region_.get() + ring_offset + slot * shmem::kSlotSize);
        uint8_t mode = in_.u8();
        uint32_t length = in_.u32();
        s->length = (mode & 1) ? length : length % (shmem::kMaxFrameSize + 2);
        break;
      }
      case kGuestStatus:
        h->guest.state = in_.u32() % 5;
        h->guest.features = in_.u8() == 0xff ? in_.u64() : 0;
        break;
      case kPump: pump(); break;
      case kGuestAttach:
        attached_ = shmem::guest_attach(region_.get(), size_, &guest_) == shmem::ShmemError::kNone;
        if (attached_ && in_.flag()) shmem::guest_announce_ready(region_.get(), 0);
        break;
      case kGuestPush: {
        if (!attached_) break;
        uint32_t length = in_.u16() % (shmem::kSlotSize + 1);
        (void)guest_.to_host.try_push(frame_.data(), length);
        break;
      }
      case kGuestPop: {
        if (!attached_) break;
        uint32_t capacity = in_.u16() % (shmem::kSlotSize + 1);
        shmem::RingResult r = guest_.from_host.try_pop(frame_.data(), capacity);
        if (r.status == shmem::RingStatus::kDone) FUZZ_CHECK(r.value >= 1 && r.value <= capacity);
        break;
      }
      case kBackendFrame:
        if (backend_.waiting.size() < 64) backend_.waiting.push_back(in_.u16() % (shmem::kSlotSize + 1));
        break;
    }
  }

  void report() const {
    ShmemStats s = counters_.snapshot();
    std::fprintf(stderr, "shmem_ring_fuzz: %u slots, to host %lu, to guest %lu, drops %lu, "
                 "guest attached %d, host %s\n", slots_, s.frames_to_host, s.frames_to_guest,
                 s.total_drops(), attached_, s.stop_reason.empty() ? "running" : s.stop_reason.c_str());
  }

 private:
  std::span<uint8_t> bytes() const { return {region_.get(), size_}; }

  void pump() {
    bool failed_before = pump_->failed();
    size_t handled = pump_->pump_once();
    // Bounded: at most one ring's worth each way per pass.
    FUZZ_CHECK(handled <= 2 * uint64_t{slots_});
    if (failed_before) FUZZ_CHECK(handled == 0 && pump_->failed());
  }

  ByteReader& in_;
  uint64_t size_ = 0;
  uint32_t slots_ = 0;
  std::unique_ptr<uint8_t[], AlignedDelete> region_;
  CheckingBackend backend_;
  ShmemCounters counters_;
  std::unique_ptr<ShmemPump> pump_;
  shmem::GuestRings guest_{};
  bool attached_ = false;
  std::vector<uint8_t> frame_;
};

}  // namespace
}  // namespace vmm::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vmm::fuzz::ByteReader in({data, size});
  vmm::fuzz::Harness harness(in);
  while (!in.empty()) harness.step();
  if (vmm::fuzz::verbose()) harness.report();
  return 0;
}
