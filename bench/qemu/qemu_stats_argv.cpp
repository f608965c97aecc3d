#include "bench/qemu/qemu_stats_run.h"

namespace vmm::bench {

namespace {

// QEMU 7.2 microvm writes no virtio_mmio.device= word for a PVH kernel with
// ACPI on: its first virtio-mmio device sits at 0xfeb02e00 (512-byte
// windows) on GSI 47 (the second IOAPIC starts at GSI 24); see
// tests/integration/qemu_test.cpp.
constexpr const char* kVirtioMmioWord = "virtio_mmio.device=512@0xfeb02e00:47";

Result<std::string> netdev_value(const std::vector<std::string>& hostfwd) {
  std::string value = "user,id=n0";
  for (const auto& rule : hostfwd) {
    if (rule.empty() || rule.find(',') != std::string::npos)
      return make_error("hostfwd rule '" + rule + "' is empty or has a ','");
    value += ",hostfwd=" + rule;
  }
  return value;
}

}  // namespace

Result<std::vector<std::string>> qemu_stats_argv(const QemuRunOptions& o,
                                                 const std::string& qmp_socket) {
  if (o.qemu_path.empty()) return make_error("no QEMU binary given");
  if (o.guest_path.empty()) return make_error("no guest image given");
  if (o.smp < 1 || o.smp > 255)
    return make_error("smp " + std::to_string(o.smp) + " not in 1..255");
  if (o.memory_mib < 16) return make_error("memory " + std::to_string(o.memory_mib) + " MiB < 16");
  if (qmp_socket.find(',') != std::string::npos)
    return make_error("QMP socket path has a ',': " + qmp_socket);
  std::string netdev = VMM_TRY(netdev_value(o.hostfwd));
  std::string append = kVirtioMmioWord;
  if (!o.guest_cmdline.empty()) append += " " + o.guest_cmdline;
  return std::vector<std::string>{
      o.qemu_path, "-M", "microvm,accel=kvm", "-cpu", "host,-arch-capabilities",
      "-smp", std::to_string(o.smp), "-m", std::to_string(o.memory_mib),
      "-nodefaults", "-nographic", "-no-reboot", "-no-shutdown", "-S",
      "-serial", "stdio", "-device", "isa-debug-exit,iobase=0x501",
      "-global", "virtio-mmio.force-legacy=false",
      "-netdev", netdev, "-device", "virtio-net-device,netdev=n0",
      "-kernel", o.guest_path, "-append", append,
      "-qmp", "unix:" + qmp_socket + ",server=on,wait=off"};
}

}  // namespace vmm::bench
