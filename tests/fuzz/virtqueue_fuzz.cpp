// The split virtqueue (virtio/queue) as the device thread uses it, over
// guest memory and rings the fuzzer writes: queue size, features and the
// three ring addresses come from the input, then a program of driver writes
// (descriptors, ring entries, indices, raw bytes) interleaved with the
// device's pop / unpop / complete / publish / notification calls.
//
// Beyond memory errors, every chain pop() accepts must keep the promises of
// descriptor_chain.h: all segments inside guest memory, byte counts that add
// up and stay below 4 GiB, and gather/scatter over it that cannot fail.
//
// Input: size selector u8, features u8, desc/avail/used addresses u32 x3,
// then operations (see Op) until the input ends.
#include <deque>
#include <vector>

#include "tests/fuzz/fuzz_input.h"
#include "virtio/queue/chain_copy.h"
#include "virtio/queue/virtqueue.h"
#include "virtio/spec.h"

namespace vmm::fuzz {
namespace {

using namespace vmm::virtio;

constexpr uint32_t kDeviceQueueMax = 256;  // what VirtioNet offers

enum Op : uint8_t {
  kPatch,          // gpa u32, len u8, bytes: raw driver write
  kDescriptor,     // index u16, addr, len u32, flags u8, next u16
  kAvailEntry,     // position u16, head u16
  kAvailIdx,       // idx u16
  kUsedEvent,      // used_event u16, avail flags u16
  kPop,
  kComplete,       // written u32: fill the oldest popped chain, push it used
  kUnpop,          // count u8: give back the newest popped chains
  kPublish,
  kNotifications,  // enable u8 (bit 0)
  kOpCount
};

uint32_t queue_size(ByteReader& in) {
  uint8_t sel = in.u8();
  // Mostly valid sizes, sometimes whatever the driver wrote to QueueNum.
  return sel < 0xf0 ? 1u << (sel % 9) : in.u16();
}

// Addresses land in or near guest memory, or anywhere (wrap-around cases).
uint64_t address(ByteReader& in) {
  uint64_t raw = in.u64();
  return (raw >> 56) == 0xff ? raw : raw % (FuzzGuestMemory::kSpan + 0x100);
}

void check_chain(const GuestMemory& memory, const DescriptorChain& chain, uint32_t size) {
  FUZZ_CHECK(chain.head < size);
  uint64_t readable = 0, writable = 0;
  for (const GuestSegment& s : chain.readable) {
    FUZZ_CHECK(s.len > 0 && memory.contains(s.gpa, s.len));
    readable += s.len;
  }
  for (const GuestSegment& s : chain.writable) {
    FUZZ_CHECK(s.len > 0 && memory.contains(s.gpa, s.len));
    writable += s.len;
  }
  FUZZ_CHECK(readable == chain.readable_bytes && writable == chain.writable_bytes);
  FUZZ_CHECK(readable + writable < (uint64_t{1} << 32));
}

class Driver {
 public:
  Driver(const FuzzGuestMemory& ram, Virtqueue& queue, const QueueLayout& layout)
      : ram_(ram), queue_(queue), layout_(layout) {}

  // False when the device must stop using the queue.
  bool step(ByteReader& in) {
    switch (in.u8() % kOpCount) {
      case kPatch: {
        uint64_t gpa = in.u32() % FuzzGuestMemory::kSpan;
        ram_.patch(gpa, in.bytes(in.u8()));
        return true;
      }
      case kDescriptor: {
        uint16_t index = in.u16() % layout_.size;
        VirtqDesc desc{};
        desc.addr = address(in);
        desc.len = in.u32();
        desc.flags = in.u8() & 7;
        desc.next = in.u16();
        ram_.put(layout_.desc_gpa + sizeof(VirtqDesc) * index, desc);
        return true;
      }
      case kAvailEntry: {
        uint16_t position = in.u16() % layout_.size;
        ram_.put(layout_.avail_gpa + avail_entry_offset(position), in.u16());
        return true;
      }
      case kAvailIdx:
        ram_.put(layout_.avail_gpa + kRingIdxOffset, in.u16());
        return true;
      case kUsedEvent:
        ram_.put(layout_.avail_gpa + used_event_offset(layout_.size), in.u16());
        ram_.put(layout_.avail_gpa + kRingFlagsOffset, in.u16());
        return true;
      case kPop: return pop();
      case kComplete: complete(in.u32()); return true;
      case kUnpop: {
        size_t count = std::min<size_t>(in.u8(), popped_.size());
        popped_.resize(popped_.size() - count);
        queue_.unpop(static_cast<uint16_t>(count));
        return true;
      }
      case kPublish: queue_.publish_used(); return true;
      case kNotifications:
        if (in.flag()) {
          uint16_t seen = queue_.enable_notifications();
          (void)queue_.avail_moved_since(seen);
        } else {
          queue_.disable_notifications();
        }
        (void)queue_.has_available();
        return true;
    }
    return true;
  }

 private:
  bool pop() {
    DescriptorChain chain;
    auto popped = queue_.pop(chain);
    if (!popped.ok()) return false;  // the driver broke a rule: the queue is dead
    if (!*popped) return true;
    check_chain(ram_.memory(), chain, layout_.size);
    if (popped_.size() < 4 * layout_.size) popped_.push_back(std::move(chain));
    return true;
  }

  // What a device does with a chain: read what the driver wrote, write up
  // to the writable room, return it.
  void complete(uint32_t want) {
    if (popped_.empty()) return;
    DescriptorChain chain = std::move(popped_.front());
    popped_.pop_front();
    std::vector<uint8_t> readable;
    FUZZ_CHECK(gather_readable(ram_.memory(), chain, readable).ok());
    FUZZ_CHECK(readable.size() == chain.readable_bytes);
    size_t n = std::min<uint64_t>(want % (chain.writable_bytes + 1), 1 << 20);
    std::vector<uint8_t> reply(n, 0xa5);
    ChainWriter writer(ram_.memory(), std::span(&chain, 1));
    FUZZ_CHECK(writer.write(reply).ok());
    FUZZ_CHECK(writer.written_into(0) == n);
    queue_.push_used(chain.head, writer.written_into(0));
  }

  const FuzzGuestMemory& ram_;
  Virtqueue& queue_;
  QueueLayout layout_;
  std::deque<DescriptorChain> popped_;
};

}  // namespace
}  // namespace vmm::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vmm::fuzz;
  using namespace vmm::virtio;
  const FuzzGuestMemory& ram = FuzzGuestMemory::fresh();
  ByteReader in({data, size});
  QueueLayout layout;
  layout.size = queue_size(in);
  uint8_t feature_bits = in.u8();
  uint64_t features = kFeatureVersion1 | ((feature_bits & 1) ? kFeatureEventIdx : 0) |
                      ((feature_bits & 2) ? kFeatureIndirectDesc : 0);
  layout.desc_gpa = in.u32() % (FuzzGuestMemory::kSpan + 0x100);
  layout.avail_gpa = in.u32() % (FuzzGuestMemory::kSpan + 0x100);
  layout.used_gpa = in.u32() % (FuzzGuestMemory::kSpan + 0x100);
  auto queue = Virtqueue::create(ram.memory(), layout, kDeviceQueueMax, features);
  if (!queue.ok()) return 0;
  FUZZ_CHECK(queue->size() == layout.size);
  Driver driver(ram, *queue, layout);
  bool alive = true;
  while (!in.empty() && (alive = driver.step(in))) {
  }
  if (verbose())
    std::fprintf(stderr, "virtqueue_fuzz: size %u, next avail %u, next used %u, %s\n", layout.size,
                 queue->next_avail_idx(), queue->next_used_idx(), alive ? "alive" : "driver error");
  return 0;
}
