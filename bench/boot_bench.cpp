#include "bench/boot_bench.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bench/summary.h"
#include "bench/timed_process.h"

namespace vmm::bench {

namespace {

constexpr double kRunTimeoutS = 120;

struct Series {
  std::string vmm_name;  // "vmm" or "qemu"
  int smp;
  std::vector<double> online_ms, exit_ms, rss_kib;
  int failures = 0;
};

std::vector<std::string> command_for(const BootBenchOptions& o, const std::string& which,
                                     int smp) {
  if (which == "vmm")
    return {o.vmm_path, "--guest", o.guest_path, "--smp", std::to_string(smp)};
  return {o.qemu_path, "-M", "microvm,accel=kvm", "-cpu", "host,-arch-capabilities", "-smp",
          std::to_string(smp), "-m", "256", "-nodefaults", "-nographic", "-serial", "stdio",
          "-device", "isa-debug-exit,iobase=0x501", "-kernel", o.guest_path};
}

Series measure(const BootBenchOptions& o, const std::string& which, int smp) {
  Series s{which, smp, {}, {}, {}, 0};
  std::string marker = "smp: " + std::to_string(smp) + " of " + std::to_string(smp) + " CPUs online";
  for (int i = 0; i < o.iterations; ++i) {
    TimedRun run = run_timed(command_for(o, which, smp), marker, kRunTimeoutS);
    if (run.status != 0 || !run.marker_ms) {
      ++s.failures;
      continue;
    }
    s.online_ms.push_back(*run.marker_ms);
    s.exit_ms.push_back(run.exit_ms);
    s.rss_kib.push_back(static_cast<double>(run.peak_rss_kib));
  }
  return s;
}

nlohmann::json to_json(const Series& s) {
  return {{"vmm", s.vmm_name},          {"smp", s.smp},
          {"runs", s.online_ms.size()}, {"failures", s.failures},
          {"online_ms_median", median(s.online_ms)}, {"exit_ms_median", median(s.exit_ms)},
          {"peak_rss_kib_median", median(s.rss_kib)}, {"online_ms", s.online_ms},
          {"exit_ms", s.exit_ms}};
}

void print_row(const Series& s) {
  std::printf("%-5s smp %-2d  online %8.1f ms  exit %8.1f ms  peak RSS %7.0f KiB  (%zu runs, %d failed)\n",
              s.vmm_name.c_str(), s.smp, median(s.online_ms), median(s.exit_ms), median(s.rss_kib),
              s.online_ms.size(), s.failures);
}

}  // namespace

int run_boot_bench(const BootBenchOptions& o) {
  std::vector<Series> all;
  nlohmann::json doc = {{"benchmark", "boot"}, {"iterations", o.iterations},
                        {"guest", o.guest_path}, {"series", nlohmann::json::array()}};
  std::printf("boot: median wall time from start to all vCPUs online and to power-off\n");
  for (int smp : o.smp) {
    Series vmm = measure(o, "vmm", smp);
    print_row(vmm);
    doc["series"].push_back(to_json(vmm));
    all.push_back(vmm);
    if (o.qemu_path.empty()) {
      std::printf("qemu  smp %-2d  not measured: qemu-system-x86_64 not found\n", smp);
      continue;
    }
    Series qemu = measure(o, "qemu", smp);
    print_row(qemu);
    doc["series"].push_back(to_json(qemu));
    double ratio = median(vmm.exit_ms) > 0 ? median(qemu.exit_ms) / median(vmm.exit_ms) : 0;
    std::printf("      smp %-2d  qemu/vmm time to power-off: %.2fx\n", smp, ratio);
    doc["ratios"].push_back({{"smp", smp}, {"qemu_over_vmm_exit", ratio}});
    all.push_back(qemu);
  }
  std::ofstream(o.out_dir + "/boot.json") << doc.dump(2) << "\n";
  std::ofstream csv(o.out_dir + "/boot.csv");
  csv << "vmm,smp,runs,failures,online_ms_median,exit_ms_median,peak_rss_kib_median\n";
  for (const auto& s : all)
    csv << s.vmm_name << "," << s.smp << "," << s.online_ms.size() << "," << s.failures << ","
        << median(s.online_ms) << "," << median(s.exit_ms) << "," << median(s.rss_kib) << "\n";
  std::printf("results in %s/boot.{json,csv}\n", o.out_dir.c_str());
  for (const auto& s : all)
    if (s.failures) return 1;
  return 0;
}

}  // namespace vmm::bench
