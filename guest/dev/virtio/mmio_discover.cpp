// virtio-mmio devices from the kernel command line, in the form Linux's
// virtio_mmio driver and QEMU microvm use: virtio_mmio.device=SIZE@ADDR:GSI
// (Linux, drivers/virtio/virtio_mmio.c documents `<size>@<baseaddr>:<irq>
// [:<id>]`). QEMU microvm passes e.g. 512@0xfeb00e00:12, this VMM
// 4K@0xd0000000:5.
#include "abi/platform.h"
#include "boot/cmdline.h"
#include "dev/virtio/virtio_mmio.h"
#include "kernel/console.h"

namespace virtio {

namespace {

constexpr uint64_t kMaxGsi = 255;

// Which words were already reported as malformed (bit i = i-th word).
uint64_t g_reported;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool parse_decimal(Str s, uint64_t* out) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.len; ++i) {
    if (!is_digit(s.data[i])) return false;
  }
  return parse_u64(s, out);
}

// Hex with the 0x prefix and no size suffix.
bool parse_hex_address(Str s, uint64_t* out) {
  if (!(s.starts_with("0x") || s.starts_with("0X")) || s.len == 2) return false;
  for (size_t i = 2; i < s.len; ++i) {
    if (!is_hex_digit(s.data[i])) return false;
  }
  return parse_u64(s, out);
}

// The register block must lie in the 32-bit device hole, which the direct
// map maps uncached, and hold at least the control registers.
bool plausible(const MmioDeviceInfo& d) {
  return d.size >= mmio::kRegConfig && d.phys % 4 == 0 && d.phys >= platform::kLowRamLimit &&
         d.phys < platform::kHighRamStart && d.size <= platform::kHighRamStart - d.phys;
}

}  // namespace

bool parse_mmio_device(const char* text, size_t len, MmioDeviceInfo* out) {
  Str s(text, len);
  size_t at = s.find('@');
  if (at == s.len) return false;
  Str size = s.substr(0, at);
  Str rest = s.substr(at + 1);
  size_t colon = rest.find(':');
  if (colon == rest.len) return false;
  Str addr = rest.substr(0, colon);
  Str tail = rest.substr(colon + 1);
  size_t id_colon = tail.find(':');
  Str gsi = tail.substr(0, id_colon);
  uint64_t id = 0, gsi_value = 0;
  // The optional platform-device id after a second ':' is Linux's; unused here.
  if (id_colon < tail.len && !parse_decimal(tail.substr(id_colon + 1), &id)) return false;
  MmioDeviceInfo d{};
  // SIZE is decimal (or 0x hex) with an optional K/M/G suffix (parse_u64).
  if (!parse_u64(size, &d.size) || !parse_hex_address(addr, &d.phys)) return false;
  if (!parse_decimal(gsi, &gsi_value) || gsi_value > kMaxGsi) return false;
  d.gsi = static_cast<uint32_t>(gsi_value);
  if (!plausible(d)) return false;
  *out = d;
  return true;
}

size_t discover_mmio(MmioDeviceInfo* out, size_t max) {
  Str words[cmdline::kMaxWords];
  size_t total = cmdline::get_all("virtio_mmio.device", words, cmdline::kMaxWords);
  if (total > cmdline::kMaxWords) total = cmdline::kMaxWords;
  size_t found = 0;
  for (size_t i = 0; i < total; ++i) {
    MmioDeviceInfo d;
    if (!parse_mmio_device(words[i].data, words[i].len, &d)) {
      if (!(g_reported & (1ull << i))) {
        g_reported |= 1ull << i;
        kprintf("virtio: ignoring malformed virtio_mmio.device=%.*s\n",
                static_cast<int>(words[i].len), words[i].data);
      }
      continue;
    }
    if (found < max) out[found] = d;
    ++found;
  }
  return found < max ? found : max;
}

}  // namespace virtio
