// The shared-memory network device: region layout and the two frame rings,
// compiled by both the VMM (host side) and the bundled guest. Freestanding:
// only <stdint.h>/<stddef.h> and GCC builtins (__atomic_*, __builtin_memcpy),
// no <atomic> (the guest has no hosted C++ library).
//
// There is no doorbell and no interrupt: each side polls the other's index.
// The region is its own KVM memory slot; accesses to it never exit to the VMM.
//
//   offset                                                      written by
//   0x0000 +-------------------------------------------------+
//          | ConfigLine: magic, version, sizes, offsets,     |  host, before
//          |   features, host's longest polling delay        |  the guest runs
//   0x0080 | HostStatusLine: state, error, counters          |  host
//   0x0100 | GuestStatusLine: state, error, features,        |  guest
//          |   counters                                      |
//   0x0180 | guest-to-host head  (producer index)            |  guest
//   0x0200 | guest-to-host tail  (consumer index)            |  host
//   0x0280 | host-to-guest head  (producer index)            |  host
//   0x0300 | host-to-guest tail  (consumer index)            |  guest
//   0x0380 | reserved, zero                                  |
//   0x1000 +-------------------------------------------------+ kHeaderSize
//          | guest-to-host ring: N slots of 2048 bytes       |
//          |   slot: u32 length | u32 reserved | frame[2040] |
//   +N*2K  +-------------------------------------------------+
//          | host-to-guest ring: N slots of 2048 bytes       |
//   +2N*2K +-------------------------------------------------+
//          | unused tail of the region, if any               |
//          +-------------------------------------------------+ region_size
//
// N = slots_per_ring(region_size): the largest power of two with
// kHeaderSize + 2 * N * kSlotSize <= region_size (capped at kMaxSlotsPerRing).
//
// Each "line" is 128 bytes, not 64: Intel's L2 spatial prefetcher fetches
// 64-byte lines in aligned pairs (Intel 64 and IA-32 Optimization Reference
// Manual, "Data prefetching"), so indices written by different CPUs 64 bytes
// apart would still bounce between them.
//
// Indices are free-running uint32_t counts of frames; slot = index & (N - 1).
// N divides 2^32, so the mapping stays right across the wrap, and
// head - tail (mod 2^32) is the number of full slots, 0..N. Rings start at
// kInitialIndex, just below 2^32, so every run crosses the wrap early.
//
// Memory ordering (C++20 [intro.races], acquire/release pairing):
//   producer: write slot (length, frame) ; store-release head
//   consumer: load-acquire head ; read slot ; store-release tail
//   producer: load-acquire tail before reusing a slot
// The consumer's acquire of head synchronises with the producer's release, so
// the slot's bytes are visible; the producer's acquire of tail synchronises
// with the consumer's release, so the consumer has finished reading a slot
// before the producer overwrites it. Counters and status are informational
// (relaxed), except GuestStatusLine::state (release by the guest after it has
// attached, acquire by the host).
//
// Trust: the host never reads back what it wrote (it keeps private copies of
// the geometry and of its own indices); everything the guest writes is read
// once into a local and checked before use. The same checks run in the guest.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace shmem {

// ---- constants ----
inline constexpr uint32_t kMagic = 0x52484d53;  // "SMHR" in memory (little-endian)
inline constexpr uint32_t kVersion = 1;
inline constexpr uint32_t kLineSize = 128;
inline constexpr uint32_t kPageSize = 4096;
inline constexpr uint32_t kHeaderSize = 4096;
inline constexpr uint32_t kSlotSize = 2048;
inline constexpr uint32_t kSlotHeaderSize = 8;
// Ethernet II without FCS: 14-byte header + 1500-byte payload.
inline constexpr uint32_t kMaxFrameSize = 1514;
// What a 1 GiB region holds; far below the 2^31 the index arithmetic needs.
inline constexpr uint32_t kMaxSlotsPerRing = 1u << 17;
inline constexpr uint64_t kMinRegionSize = kHeaderSize + 2ull * kSlotSize;  // 8 KiB: N = 1
inline constexpr uint64_t kMaxRegionSize = 1ull << 30;
inline constexpr uint32_t kInitialIndex = 0xFFFFFF00u;  // 256 frames before the wrap
// Feature bits offered in ConfigLine::host_features and accepted in
// GuestStatusLine::features. Version 1 defines none.
inline constexpr uint64_t kKnownFeatures = 0;

// ---- errors (also stored in the status lines, so values are ABI) ----
enum class ShmemError : uint32_t {
  kNone = 0,
  kRegionTooSmall = 1,       // smaller than the header plus one slot per ring
  kRegionTooLarge = 2,
  kRegionSizeUnaligned = 3,  // not a multiple of 4 KiB
  kRegionMisaligned = 4,     // base address not page-aligned
  kBadMagic = 5,
  kBadVersion = 6,
  kBadRegionSize = 7,        // config disagrees with the mapped size
  kBadHeaderSize = 8,
  kBadSlotSize = 9,
  kBadSlotCount = 10,
  kBadMaxFrame = 11,
  kBadRingOffset = 12,
  kPeerHeadAhead = 13,       // producer index more than N ahead of the consumer
  kPeerHeadBehind = 14,      // producer index moved backwards
  kPeerTailAhead = 15,       // consumer index beyond the producer's
  kPeerTailBehind = 16,      // consumer index moved backwards
  kFrameEmpty = 17,          // slot length 0
  kFrameTooLong = 18,        // slot length > kMaxFrameSize
  kBufferTooSmall = 19,      // caller's buffer cannot hold the frame
  kBadGuestState = 20,
  kBadGuestFeatures = 21,    // guest accepted a feature the host did not offer
  kNotAttached = 22,         // a ring object that was never given a place
};

inline const char* shmem_error_name(ShmemError e) {
  switch (e) {
    case ShmemError::kNone: return "no error";
    case ShmemError::kRegionTooSmall: return "region too small";
    case ShmemError::kRegionTooLarge: return "region too large";
    case ShmemError::kRegionSizeUnaligned: return "region size not a multiple of 4 KiB";
    case ShmemError::kRegionMisaligned: return "region not page-aligned";
    case ShmemError::kBadMagic: return "bad magic";
    case ShmemError::kBadVersion: return "unsupported version";
    case ShmemError::kBadRegionSize: return "header region size disagrees with the mapping";
    case ShmemError::kBadHeaderSize: return "bad header size";
    case ShmemError::kBadSlotSize: return "bad slot size";
    case ShmemError::kBadSlotCount: return "bad slot count";
    case ShmemError::kBadMaxFrame: return "bad maximum frame size";
    case ShmemError::kBadRingOffset: return "bad ring offset";
    case ShmemError::kPeerHeadAhead: return "peer head beyond tail + slots";
    case ShmemError::kPeerHeadBehind: return "peer head moved backwards";
    case ShmemError::kPeerTailAhead: return "peer tail beyond head";
    case ShmemError::kPeerTailBehind: return "peer tail moved backwards";
    case ShmemError::kFrameEmpty: return "frame length 0";
    case ShmemError::kFrameTooLong: return "frame length above the maximum";
    case ShmemError::kBufferTooSmall: return "buffer too small for the frame";
    case ShmemError::kBadGuestState: return "unknown guest state";
    case ShmemError::kBadGuestFeatures: return "guest accepted features the host did not offer";
    case ShmemError::kNotAttached: return "ring not attached";
  }
  return "unknown error";
}

enum class HostState : uint32_t { kIdle = 0, kPolling = 1, kFailed = 2 };
enum class GuestState : uint32_t { kAbsent = 0, kReady = 1, kStopped = 2 };

// ---- layout ----
struct ConfigLine {
  uint32_t magic;                  // 0x00
  uint32_t version;                // 0x04
  uint64_t region_size;            // 0x08
  uint32_t header_size;            // 0x10 offset of the first ring
  uint32_t slot_size;              // 0x14
  uint32_t slots_per_ring;         // 0x18 N, a power of two
  uint32_t max_frame;              // 0x1c
  uint64_t guest_to_host_offset;   // 0x20 from the region's start
  uint64_t host_to_guest_offset;   // 0x28
  uint64_t host_features;          // 0x30
  uint64_t host_max_latency_ns;    // 0x38 longest the host may sleep between polls; 0 = spins
  uint8_t reserved[kLineSize - 0x40];
};

struct HostStatusLine {
  uint32_t state;                  // 0x00 HostState
  uint32_t error;                  // 0x04 ShmemError that stopped the host
  uint64_t frames_to_guest;        // 0x08
  uint64_t frames_from_guest;      // 0x10
  uint64_t drops;                  // 0x18
  uint8_t reserved[kLineSize - 0x20];
};

struct GuestStatusLine {
  uint32_t state;                  // 0x00 GuestState
  uint32_t error;                  // 0x04 ShmemError that stopped the guest
  uint64_t features;               // 0x08 subset of host_features in use
  uint64_t frames_to_host;         // 0x10
  uint64_t frames_from_host;       // 0x18
  uint64_t drops;                  // 0x20
  uint8_t reserved[kLineSize - 0x28];
};

struct IndexLine {
  uint32_t index;
  uint8_t reserved[kLineSize - 4];
};

struct Header {
  ConfigLine config;               // 0x000
  HostStatusLine host;             // 0x080
  GuestStatusLine guest;           // 0x100
  IndexLine guest_to_host_head;    // 0x180
  IndexLine guest_to_host_tail;    // 0x200
  IndexLine host_to_guest_head;    // 0x280
  IndexLine host_to_guest_tail;    // 0x300
  uint8_t reserved[kHeaderSize - 0x380];
};

struct Slot {
  uint32_t length;                 // 0x0 frame bytes, 1..kMaxFrameSize
  uint32_t reserved;               // 0x4 zero; room for per-frame flags
  uint8_t frame[kSlotSize - kSlotHeaderSize];  // 0x8
};

static_assert(sizeof(ConfigLine) == kLineSize && sizeof(HostStatusLine) == kLineSize);
static_assert(sizeof(GuestStatusLine) == kLineSize && sizeof(IndexLine) == kLineSize);
static_assert(offsetof(ConfigLine, region_size) == 0x08 && offsetof(ConfigLine, slots_per_ring) == 0x18);
static_assert(offsetof(ConfigLine, host_to_guest_offset) == 0x28);
static_assert(offsetof(ConfigLine, host_max_latency_ns) == 0x38);
static_assert(offsetof(GuestStatusLine, features) == 0x08 && offsetof(GuestStatusLine, drops) == 0x20);
static_assert(offsetof(Header, config) == 0x000 && offsetof(Header, host) == 0x080);
static_assert(offsetof(Header, guest) == 0x100);
static_assert(offsetof(Header, guest_to_host_head) == 0x180);
static_assert(offsetof(Header, guest_to_host_tail) == 0x200);
static_assert(offsetof(Header, host_to_guest_head) == 0x280);
static_assert(offsetof(Header, host_to_guest_tail) == 0x300);
static_assert(sizeof(Header) == kHeaderSize);
static_assert(offsetof(Slot, frame) == kSlotHeaderSize && sizeof(Slot) == kSlotSize);
static_assert(kMaxFrameSize <= sizeof(Slot::frame));

// ---- geometry: the one computation both sides use ----
inline constexpr ShmemError check_region_size(uint64_t region_size) {
  if (region_size < kMinRegionSize) return ShmemError::kRegionTooSmall;
  if (region_size > kMaxRegionSize) return ShmemError::kRegionTooLarge;
  if (region_size % kPageSize != 0) return ShmemError::kRegionSizeUnaligned;
  return ShmemError::kNone;
}

// 0 when check_region_size() fails.
inline constexpr uint32_t slots_per_ring(uint64_t region_size) {
  if (check_region_size(region_size) != ShmemError::kNone) return 0;
  uint64_t fit = (region_size - kHeaderSize) / (2ull * kSlotSize);
  uint32_t slots = 1;
  while (slots < kMaxSlotsPerRing && 2ull * slots <= fit) slots *= 2;
  return slots;
}

static_assert(slots_per_ring(kMinRegionSize) == 1);
static_assert(slots_per_ring(kMinRegionSize - kPageSize) == 0);
static_assert(slots_per_ring(1ull << 20) == 128);  // 1 MiB: 4 KiB header leaves room for 255
static_assert(slots_per_ring(kMaxRegionSize) == kMaxSlotsPerRing);

// The config the host writes for a region of this size (host_max_latency_ns
// is filled in by the host) and the guest expects to find.
inline constexpr ConfigLine expected_config(uint64_t region_size) {
  ConfigLine c{};
  uint32_t slots = slots_per_ring(region_size);
  c.magic = kMagic;
  c.version = kVersion;
  c.region_size = region_size;
  c.header_size = kHeaderSize;
  c.slot_size = kSlotSize;
  c.slots_per_ring = slots;
  c.max_frame = kMaxFrameSize;
  c.guest_to_host_offset = kHeaderSize;
  c.host_to_guest_offset = kHeaderSize + uint64_t{slots} * kSlotSize;
  c.host_features = 0;
  return c;
}

// Compares a config read from the region (copied into `found` first) with
// what a region of `mapped_size` bytes must hold. The guest calls this before
// it touches a ring.
inline constexpr ShmemError check_config(const ConfigLine& found, uint64_t mapped_size) {
  ShmemError size_error = check_region_size(mapped_size);
  if (size_error != ShmemError::kNone) return size_error;
  ConfigLine want = expected_config(mapped_size);
  if (found.magic != want.magic) return ShmemError::kBadMagic;
  if (found.version != want.version) return ShmemError::kBadVersion;
  if (found.region_size != want.region_size) return ShmemError::kBadRegionSize;
  if (found.header_size != want.header_size) return ShmemError::kBadHeaderSize;
  if (found.slot_size != want.slot_size) return ShmemError::kBadSlotSize;
  if (found.slots_per_ring != want.slots_per_ring) return ShmemError::kBadSlotCount;
  if (found.max_frame != want.max_frame) return ShmemError::kBadMaxFrame;
  if (found.guest_to_host_offset != want.guest_to_host_offset ||
      found.host_to_guest_offset != want.host_to_guest_offset)
    return ShmemError::kBadRingOffset;
  return ShmemError::kNone;
}

// ---- ring operations ----
enum class RingStatus : uint8_t {
  kDone,      // pushed / popped one frame
  kFull,      // push: no free slot now
  kEmpty,     // pop: no frame now
  kRejected,  // the caller's argument is wrong (frame size, buffer); ring unchanged
  kBroken,    // the peer broke the protocol; the ring stays broken
};

struct RingResult {
  RingStatus status;
  ShmemError error;  // for kRejected and kBroken
  uint32_t value;    // kDone: frame length; kBroken: the offending value read from the peer
  uint32_t index;    // own index when the result was made (for diagnostics)
};

// Where one ring lives: a private copy, never re-read from shared memory.
struct RingPlace {
  Slot* slots;
  uint32_t slot_count;       // N, a power of two
  uint32_t* own_index;       // this side's line: written, never trusted when read back
  const uint32_t* peer_index;
  uint32_t start_index;
};

// Both sides load the peer's index once (one atomic read), so the value that
// is checked is the value that is used (no double fetch).
inline uint32_t load_peer_index(const uint32_t* line) {
  return __atomic_load_n(line, __ATOMIC_ACQUIRE);
}

inline void publish_own_index(uint32_t* line, uint32_t value) {
  __atomic_store_n(line, value, __ATOMIC_RELEASE);
}

// a - b as a signed distance on the 2^32 circle.
inline constexpr int64_t index_distance(uint32_t a, uint32_t b) {
  return static_cast<int32_t>(a - b);
}

class RingProducer {
 public:
  RingProducer() = default;
  explicit RingProducer(const RingPlace& place)
      : place_(place), head_(place.start_index), seen_tail_(place.start_index),
        error_(ShmemError::kNone) {}

  // Copies `length` bytes of `frame` into the next slot and publishes it.
  RingResult try_push(const void* frame, uint32_t length) {
    if (error_ != ShmemError::kNone) return broken(error_, bad_value_);
    if (length == 0) return result(RingStatus::kRejected, ShmemError::kFrameEmpty, 0);
    if (length > kMaxFrameSize) return result(RingStatus::kRejected, ShmemError::kFrameTooLong, length);
    RingResult room = check_room();
    if (room.status != RingStatus::kDone) return room;
    Slot* slot = &place_.slots[head_ & (place_.slot_count - 1)];
    __builtin_memcpy(slot->frame, frame, length);
    slot->length = length;
    slot->reserved = 0;
    head_ += 1;
    publish_own_index(place_.own_index, head_);  // release: slot bytes before head
    return result(RingStatus::kDone, ShmemError::kNone, length);
  }

  // kDone when at least one slot is free, kFull, or kBroken.
  RingResult check_room() {
    if (error_ != ShmemError::kNone) return broken(error_, bad_value_);
    if (head_ - seen_tail_ < place_.slot_count) return result(RingStatus::kDone, ShmemError::kNone, 0);
    RingResult refreshed = refresh_tail();
    if (refreshed.status != RingStatus::kDone) return refreshed;
    if (head_ - seen_tail_ < place_.slot_count) return refreshed;
    return result(RingStatus::kFull, ShmemError::kNone, 0);
  }

  ShmemError error() const { return error_; }
  uint32_t head() const { return head_; }

 private:
  // The consumer's tail must lie in [seen_tail_, head_]: it never moves
  // backwards and never passes what was produced.
  RingResult refresh_tail() {
    uint32_t tail = load_peer_index(place_.peer_index);  // acquire: its reads of the slots are done
    if (index_distance(tail, seen_tail_) < 0) return fail(ShmemError::kPeerTailBehind, tail);
    if (tail - seen_tail_ > head_ - seen_tail_) return fail(ShmemError::kPeerTailAhead, tail);
    seen_tail_ = tail;
    return result(RingStatus::kDone, ShmemError::kNone, 0);
  }

  RingResult fail(ShmemError e, uint32_t value) {
    error_ = e;
    bad_value_ = value;
    return broken(e, value);
  }
  RingResult broken(ShmemError e, uint32_t value) const { return {RingStatus::kBroken, e, value, head_}; }
  RingResult result(RingStatus s, ShmemError e, uint32_t value) const { return {s, e, value, head_}; }

  RingPlace place_{};
  uint32_t head_ = 0;       // private: the truth about what this side produced
  uint32_t seen_tail_ = 0;  // last validated consumer index
  ShmemError error_ = ShmemError::kNotAttached;  // until given a place
  uint32_t bad_value_ = 0;
};

class RingConsumer {
 public:
  RingConsumer() = default;
  explicit RingConsumer(const RingPlace& place)
      : place_(place), tail_(place.start_index), seen_head_(place.start_index),
        error_(ShmemError::kNone) {}

  // Copies the next frame into `buffer` (capacity bytes) and frees its slot.
  RingResult try_pop(void* buffer, uint32_t capacity) {
    if (error_ != ShmemError::kNone) return broken(error_, bad_value_);
    if (tail_ == seen_head_) {
      RingResult refreshed = refresh_head();
      if (refreshed.status != RingStatus::kDone) return refreshed;
      if (tail_ == seen_head_) return result(RingStatus::kEmpty, ShmemError::kNone, 0);
    }
    const Slot* slot = &place_.slots[tail_ & (place_.slot_count - 1)];
    // One read: the peer may rewrite the length after we check it.
    uint32_t length = __atomic_load_n(&slot->length, __ATOMIC_RELAXED);
    if (length == 0) return fail(ShmemError::kFrameEmpty, length);
    if (length > kMaxFrameSize) return fail(ShmemError::kFrameTooLong, length);
    if (length > capacity) return result(RingStatus::kRejected, ShmemError::kBufferTooSmall, length);
    // A hostile peer may rewrite the bytes while we copy; that garbles only
    // the copy, which is why the host copies before anything parses a frame.
    __builtin_memcpy(buffer, slot->frame, length);
    tail_ += 1;
    publish_own_index(place_.own_index, tail_);  // release: our slot reads before the slot's reuse
    return result(RingStatus::kDone, ShmemError::kNone, length);
  }

  ShmemError error() const { return error_; }
  uint32_t tail() const { return tail_; }

 private:
  // The producer's head must lie in [seen_head_, tail_ + N]: it never moves
  // backwards and never gets more than N frames ahead.
  RingResult refresh_head() {
    uint32_t head = load_peer_index(place_.peer_index);  // acquire: slot bytes are visible
    if (index_distance(head, seen_head_) < 0) return fail(ShmemError::kPeerHeadBehind, head);
    if (head - tail_ > place_.slot_count) return fail(ShmemError::kPeerHeadAhead, head);
    seen_head_ = head;
    return result(RingStatus::kDone, ShmemError::kNone, 0);
  }

  RingResult fail(ShmemError e, uint32_t value) {
    error_ = e;
    bad_value_ = value;
    return broken(e, value);
  }
  RingResult broken(ShmemError e, uint32_t value) const { return {RingStatus::kBroken, e, value, tail_}; }
  RingResult result(RingStatus s, ShmemError e, uint32_t value) const { return {s, e, value, tail_}; }

  RingPlace place_{};
  uint32_t tail_ = 0;       // private: the truth about what this side consumed
  uint32_t seen_head_ = 0;  // last validated producer index
  ShmemError error_ = ShmemError::kNotAttached;  // until given a place
  uint32_t bad_value_ = 0;
};

// ---- where each side's rings are, from a validated geometry ----
inline Header* header_of(void* region) { return static_cast<Header*>(region); }

inline Slot* ring_slots(void* region, uint64_t offset) {
  return reinterpret_cast<Slot*>(static_cast<uint8_t*>(region) + offset);
}

inline bool region_aligned(const void* region) {
  return reinterpret_cast<uintptr_t>(region) % kPageSize == 0;
}

// The guest's view: it produces guest-to-host and consumes host-to-guest.
struct GuestRings {
  RingProducer to_host;
  RingConsumer from_host;
};

// Checks the header the host wrote and builds the guest's rings, starting
// from the guest's own index lines (so a guest that attaches again resumes).
// On success the guest still has to call guest_announce_ready().
inline ShmemError guest_attach(void* region, uint64_t mapped_size, GuestRings* out) {
  if (!region_aligned(region)) return ShmemError::kRegionMisaligned;
  ShmemError size_error = check_region_size(mapped_size);
  if (size_error != ShmemError::kNone) return size_error;
  Header* h = header_of(region);
  ConfigLine config;
  __builtin_memcpy(&config, &h->config, sizeof config);  // read once, then check the copy
  ShmemError e = check_config(config, mapped_size);
  if (e != ShmemError::kNone) return e;
  uint32_t n = config.slots_per_ring;
  out->to_host = RingProducer(RingPlace{ring_slots(region, config.guest_to_host_offset), n,
                                        &h->guest_to_host_head.index, &h->guest_to_host_tail.index,
                                        h->guest_to_host_head.index});
  out->from_host = RingConsumer(RingPlace{ring_slots(region, config.host_to_guest_offset), n,
                                          &h->host_to_guest_tail.index, &h->host_to_guest_head.index,
                                          h->host_to_guest_tail.index});
  return ShmemError::kNone;
}

// The host's verdict on the guest side: kNone while it serves the rings;
// once it has stopped the device (HostState::kFailed), the error it
// published, kBadGuestState if none. Both guest sides look before using
// the rings: the kernel when a process gives them back, a bypass process
// while it waits for room.
inline ShmemError host_failure(void* region) {
  HostStatusLine& host = header_of(region)->host;
  if (__atomic_load_n(&host.state, __ATOMIC_ACQUIRE) != static_cast<uint32_t>(HostState::kFailed))
    return ShmemError::kNone;
  uint32_t error = __atomic_load_n(&host.error, __ATOMIC_RELAXED);
  return error == 0 ? ShmemError::kBadGuestState : static_cast<ShmemError>(error);
}

// Release: the host's acquire load of the state then sees the guest's index
// lines as guest_attach() left them.
inline void guest_announce_ready(void* region, uint64_t features) {
  Header* h = header_of(region);
  h->guest.features = features;
  h->guest.error = 0;
  __atomic_store_n(&h->guest.state, static_cast<uint32_t>(GuestState::kReady), __ATOMIC_RELEASE);
}

inline void guest_announce_stopped(void* region, ShmemError why) {
  Header* h = header_of(region);
  h->guest.error = static_cast<uint32_t>(why);
  __atomic_store_n(&h->guest.state, static_cast<uint32_t>(GuestState::kStopped), __ATOMIC_RELEASE);
}

}  // namespace shmem
