// vmm-bench: measurements of this VMM (docs/ARCHITECTURE.md §8; bench/README.md).
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <optional>
#include <sstream>

#include "bench/boot_bench.h"
#include "bench/bundled_guest_file.h"
#include "bench/exits/exits_bench.h"
#include "bench/exits/io_paths.h"
#include "bench/net_benches.h"
#include "bench/soak_bench.h"
#include "vmm/app/bundled_guest.h"

namespace {

std::string self_dir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  buf[n] = 0;
  return std::filesystem::path(buf).parent_path();
}

std::string find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
  return {};
}

std::string dated_folder() {
  char buf[64];
  std::time_t t = std::time(nullptr);
  std::strftime(buf, sizeof buf, "results/%Y-%m-%d-%H%M%S", std::localtime(&t));
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vmm-bench: exit counts, latency, throughput and boot time of vmm", "vmm-bench"};
  std::string what, qemu = "auto", out, guest, paths = vmm::bench::all_io_path_names(), method = "both";
  int iterations = 0;
  std::vector<int> smp;
  app.add_option("benchmark", what, "exits|latency|throughput|boot|all, or soak (not part of all)")
      ->required()
      ->check(CLI::IsMember({"exits", "latency", "throughput", "boot", "all", "soak"}));
  app.add_option("--smp", smp, "vCPU counts to measure (boot: default 1 and 4)");
  app.add_option("--iterations", iterations,
                 "repetitions per measurement (exits: calls a phase, default 1000; boot: runs, default 10)")
      ->check(CLI::PositiveNumber);
  app.add_option("--paths", paths,
                 "I/O paths for exits/latency/throughput, comma-separated, of " + vmm::bench::all_io_path_names() +
                     " (default: all)")
      ->check([](const std::string& v) {
        return vmm::bench::split_io_paths(v).empty() ? "no path in '" + v + "' (paths: " + vmm::bench::all_io_path_names() + ")" : "";
      });
  app.add_option("--method", method, "exits: marks, or both (marks and the subtraction method, with QEMU)")
      ->check(CLI::IsMember({"marks", "both"}));
  app.add_option("--qemu", qemu, "qemu-system-x86_64 to compare with ('auto': from PATH, 'none')");
  int soak_minutes = 0, soak_seconds = 0;
  app.add_option("--minutes", soak_minutes, "soak: how long (long runs)")->check(CLI::PositiveNumber);
  app.add_option("--seconds", soak_seconds, "soak: how long in seconds (default 30)")
      ->check(CLI::PositiveNumber)
      ->excludes("--minutes");
  app.add_option("--guest", guest, "guest image (default: the bundled guest.elf)");
  app.add_option("--out", out, "results folder (default: results/<date>)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  std::string dir = self_dir();
  vmm::bench::BootBenchOptions options;
  options.vmm_path = dir + "/vmm";
  // Without --guest: the bundled guest, from this binary, never from a
  // folder beside it that only some build trees have.
  std::optional<vmm::bench::GuestImageFile> bundled;
  if (guest.empty()) {
    auto written = vmm::bench::GuestImageFile::write(vmm::bundled_guest_image());
    if (!written) {
      std::fprintf(stderr, "vmm-bench: %s\n", written.error().message.c_str());
      return 1;
    }
    bundled.emplace(std::move(*written));
  }
  options.guest_path = bundled ? bundled->path() : guest;
  options.qemu_path = qemu == "auto" ? find_in_path("qemu-system-x86_64") : qemu == "none" ? "" : qemu;
  options.iterations = iterations ? iterations : 10;
  options.out_dir = out.empty() ? dated_folder() : out;
  if (!smp.empty()) options.smp = smp;
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) {
    std::fprintf(stderr, "vmm-bench: --out: cannot create '%s': %s\n", options.out_dir.c_str(),
                 ec.message().c_str());
    return 2;
  }
  if (what == "soak") {
    vmm::bench::SoakOptions soak{options.vmm_path, options.guest_path, options.out_dir};
    soak.seconds = soak_minutes ? 60ull * static_cast<uint64_t>(soak_minutes)
                                : soak_seconds ? static_cast<uint64_t>(soak_seconds) : 30;
    if (!smp.empty()) soak.smp = smp.front();
    return vmm::bench::run_soak(soak);
  }
  vmm::bench::ExitsBenchOptions net;
  net.vmm_path = options.vmm_path;
  net.guest_path = options.guest_path;
  net.qemu_path = options.qemu_path;
  net.paths = vmm::bench::split_io_paths(paths);
  net.smp = smp.empty() ? 1 : smp.front();
  net.subtraction = method == "both";
  net.out_dir = options.out_dir;
  // Calls a phase: enough for three significant digits of exits per call.
  net.iterations = iterations ? static_cast<uint64_t>(iterations) : 1000;
  const struct {
    const char* name;
    int (*run)(const vmm::bench::ExitsBenchOptions&);
  } net_benches[] = {{"exits", vmm::bench::run_exits_bench},
                     {"latency", vmm::bench::run_latency_bench},
                     {"throughput", vmm::bench::run_throughput_bench}};
  for (const auto& bench : net_benches) {
    if (what != bench.name && what != "all") continue;
    int status = bench.run(net);
    if (what != "all" || status != 0) return status;
  }
  if (what == "boot" || what == "all") {
    int status = vmm::bench::run_boot_bench(options);
    return status;
  }
  return 0;
}
