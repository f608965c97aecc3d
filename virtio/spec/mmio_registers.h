// The virtio-mmio register block, version 2 (virtio 1.2 §4.2.2, table
// "MMIO Device Register Layout"). Every control register is 32 bits wide;
// the device-specific configuration space starts at 0x100.
#pragma once

#include <cstdint>

namespace vmm::virtio::mmio {

inline constexpr uint32_t kMagicValue = 0x74726976;  // "virt"
inline constexpr uint32_t kVersion = 2;              // modern (non-legacy) interface
// A vendor ID of our own choosing; drivers do not interpret it.
inline constexpr uint32_t kVendorId = 0x564d4d31;    // "1MMV"

inline constexpr uint64_t kWindowSize = 0x1000;      // "4K" on the guest command line

enum Register : uint64_t {
  kRegMagicValue = 0x000,
  kRegVersion = 0x004,
  kRegDeviceId = 0x008,
  kRegVendorId = 0x00c,
  kRegDeviceFeatures = 0x010,
  kRegDeviceFeaturesSel = 0x014,
  kRegDriverFeatures = 0x020,
  kRegDriverFeaturesSel = 0x024,
  kRegQueueSel = 0x030,
  kRegQueueNumMax = 0x034,
  kRegQueueNum = 0x038,
  kRegQueueReady = 0x044,
  kRegQueueNotify = 0x050,
  kRegInterruptStatus = 0x060,
  kRegInterruptAck = 0x064,
  kRegStatus = 0x070,
  kRegQueueDescLow = 0x080,
  kRegQueueDescHigh = 0x084,
  kRegQueueDriverLow = 0x090,
  kRegQueueDriverHigh = 0x094,
  kRegQueueDeviceLow = 0x0a0,
  kRegQueueDeviceHigh = 0x0a4,
  kRegShmSel = 0x0ac,
  kRegShmLenLow = 0x0b0,
  kRegShmLenHigh = 0x0b4,
  kRegShmBaseLow = 0x0b8,
  kRegShmBaseHigh = 0x0bc,
  kRegQueueReset = 0x0c0,
  kRegConfigGeneration = 0x0fc,
  kRegConfig = 0x100,
};

// InterruptStatus / InterruptACK bits (virtio 1.2 §4.2.2).
inline constexpr uint32_t kInterruptUsedBuffer = 1;
inline constexpr uint32_t kInterruptConfigChange = 2;

}  // namespace vmm::virtio::mmio
