// The virtio-mmio register block, version 2 (virtio 1.2 §4.2.2, table "MMIO
// Device Register Layout"): register offsets, the magic and version values,
// and the interrupt bits. Every control register is 32 bits wide; the
// device-specific configuration space starts at 0x100. Freestanding
// (<stdint.h> only), shared by the VMM and both guests.
#pragma once

#include <stdint.h>

namespace virtio::mmio {

// Register offsets. Values that registers hold have other names (kMagic,
// kModernVersion), so that an offset is never taken for a value.
inline constexpr uint32_t kRegMagicValue = 0x000;
inline constexpr uint32_t kRegVersion = 0x004;
inline constexpr uint32_t kRegDeviceId = 0x008;
inline constexpr uint32_t kRegVendorId = 0x00c;
inline constexpr uint32_t kRegDeviceFeatures = 0x010;
inline constexpr uint32_t kRegDeviceFeaturesSel = 0x014;
inline constexpr uint32_t kRegDriverFeatures = 0x020;
inline constexpr uint32_t kRegDriverFeaturesSel = 0x024;
inline constexpr uint32_t kRegQueueSel = 0x030;
inline constexpr uint32_t kRegQueueNumMax = 0x034;
inline constexpr uint32_t kRegQueueNum = 0x038;
inline constexpr uint32_t kRegQueueReady = 0x044;
inline constexpr uint32_t kRegQueueNotify = 0x050;
inline constexpr uint32_t kRegInterruptStatus = 0x060;
inline constexpr uint32_t kRegInterruptAck = 0x064;
inline constexpr uint32_t kRegStatus = 0x070;
inline constexpr uint32_t kRegQueueDescLow = 0x080;
inline constexpr uint32_t kRegQueueDescHigh = 0x084;
inline constexpr uint32_t kRegQueueDriverLow = 0x090;
inline constexpr uint32_t kRegQueueDriverHigh = 0x094;
inline constexpr uint32_t kRegQueueDeviceLow = 0x0a0;
inline constexpr uint32_t kRegQueueDeviceHigh = 0x0a4;
inline constexpr uint32_t kRegShmSel = 0x0ac;
inline constexpr uint32_t kRegShmLenLow = 0x0b0;
inline constexpr uint32_t kRegShmLenHigh = 0x0b4;
inline constexpr uint32_t kRegShmBaseLow = 0x0b8;
inline constexpr uint32_t kRegShmBaseHigh = 0x0bc;
inline constexpr uint32_t kRegQueueReset = 0x0c0;
inline constexpr uint32_t kRegConfigGeneration = 0x0fc;
inline constexpr uint32_t kRegConfig = 0x100;

inline constexpr uint32_t kMagic = 0x74726976;  // "virt", little-endian
inline constexpr uint32_t kModernVersion = 2;   // 1 = legacy (virtio 1.2 §4.2.4)

// InterruptStatus / InterruptACK bits (virtio 1.2 §4.2.2).
inline constexpr uint32_t kInterruptUsedBuffer = 1;
inline constexpr uint32_t kInterruptConfigChange = 2;

}  // namespace virtio::mmio
