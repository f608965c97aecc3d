// qemu-stats-probe: one run_qemu_with_stats() by hand. Prints the guest's
// serial output, its exit status and KVM's vCPU statistics summed over vCPUs.
//   qemu-stats-probe --guest build/guest/guest.elf --cmdline "init=ping -- -c 3 10.0.2.2"
#include <CLI/CLI.hpp>

#include <cstdio>

#include "bench/qemu/qemu_stats_run.h"

int main(int argc, char** argv) {
  CLI::App app{"Runs a guest under QEMU microvm and prints KVM's vCPU statistics (query-stats)",
               "qemu-stats-probe"};
  vmm::bench::QemuRunOptions options;
  options.qemu_path = "/usr/bin/qemu-system-x86_64";
  app.add_option("--qemu", options.qemu_path, "QEMU binary");
  app.add_option("--guest", options.guest_path, "guest image")->required();
  app.add_option("--smp", options.smp, "vCPUs");
  app.add_option("--memory", options.memory_mib, "guest RAM, MiB");
  app.add_option("--cmdline", options.guest_cmdline, "guest command line (init=...)");
  app.add_option("--hostfwd", options.hostfwd, "QEMU hostfwd rule (repeatable)");
  app.add_option("--timeout", options.timeout_s, "seconds for the whole run");
  CLI11_PARSE(app, argc, argv);

  auto result = vmm::bench::run_qemu_with_stats(options);
  if (!result) {
    std::fprintf(stderr, "qemu-stats-probe: %s\n", result.error().message.c_str());
    return 1;
  }
  std::printf("%s", result->serial_output.c_str());
  std::printf("=== guest exit status %d; %zu vCPU statistics summed over %d vCPU(s)\n",
              result->guest_exit_status, result->vcpu_stats.size(), options.smp);
  for (const auto& [name, value] : result->vcpu_stats)
    std::printf("%-28s %llu\n", name.c_str(), static_cast<unsigned long long>(value));
  return 0;
}
