// Where the hostile guest keeps things in its RAM (physical addresses; the
// VMM and QEMU give it at least 16 MiB):
//
//   0x0010_0000  the image: code, data, .bss with the stack
//   0x0020_0000  receive queue: descriptors +0, available +0x1000, used +0x2000
//   0x0021_0000  transmit queue, the same
//   0x0030_0000  receive buffers, 2 KiB each, one per descriptor
//   0x0040_0000  transmit buffers, 2 KiB each, one per descriptor
//   0x0050_0000  scratch: indirect descriptor tables of the hostile chains
//   0x0100_0000  end of what the guest touches (16 MiB)
#pragma once

#include <stdint.h>

namespace hg {

inline constexpr uint64_t kQueueRingsGpa[2] = {0x200000, 0x210000};
inline constexpr uint64_t kRingPartStride = 0x1000;  // a queue of 256 needs 4 KiB per part
inline constexpr uint64_t kRxBuffersGpa = 0x300000;
inline constexpr uint64_t kTxBuffersGpa = 0x400000;
inline constexpr uint64_t kBufferBytes = 2048;
inline constexpr uint64_t kScratchGpa = 0x500000;
inline constexpr uint64_t kScratchBytes = 0x100000;
inline constexpr uint16_t kQueueSize = 256;  // what the guest asks for, if QueueNumMax allows

}  // namespace hg
