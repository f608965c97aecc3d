// vmm: parse, build the VM, run it, report. Every error reaches the user as
// one line on stderr; bad input exits with status 2 before anything starts.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "hostnet/create_backend.h"
#include "hostnet/slirp_backend.h"
#include "vmm/app/bundled_guest.h"
#include "vmm/app/end_by_signal.h"
#include "vmm/app/guest_symbolizer.h"
#include "vmm/app/vm.h"
#include "vmm/cli/command_line.h"
#include "hv/core/exit_status.h"
#include "vmm/loader/guest_image_file.h"
#include "vmm/loader/pvh_loader.h"
#include "vmm/seccomp/thread_filters.h"

namespace vmm {
namespace {

int fail(int status, const std::string& message) {
  std::fprintf(stderr, "vmm: %s\n", message.c_str());
  return status;
}

void set_up_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("vmm");
  logger->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}

// The --stats-json file is opened before the VM runs, once nothing can fail
// as bad input any more (a refused run leaves no file behind): from then on
// the main thread's seccomp filter lets it open no file.
Result<std::unique_ptr<std::ofstream>> open_stats_json(const std::optional<std::string>& path) {
  if (!path) return std::unique_ptr<std::ofstream>();
  auto out = std::make_unique<std::ofstream>(*path, std::ios::trunc);
  if (!*out) return make_error("--stats-json: cannot write '" + *path + "'");
  return out;
}

int report(const VmConfig& config, const VmStats& stats, std::ofstream* stats_json) {
  if (stats.exit_status != kStatusPoweredOff) std::fprintf(stderr, "vmm: %s\n", stats.stop_reason.c_str());
  else spdlog::info("{}", stats.stop_reason);
  if (config.print_stats) print_stats_table(stats, std::cout);
  std::cout.flush();
  if (stats_json) {
    write_stats_json(stats, *stats_json);
    if (!stats_json->flush())
      return fail(kStatusVmmError, "--stats-json: cannot write '" + *config.stats_json_path + "'");
  }
  return stats.exit_status;
}

// Every thread kind's seccomp filter, unless --no-seccomp or a sanitizer
// build (whose runtime the filters would kill).
Result<std::optional<seccomp::ThreadFilters>> compile_filters(const VmConfig& config) {
  if (!config.seccomp) return std::optional<seccomp::ThreadFilters>();
  if (seccomp::kSanitizerBuild) {
    spdlog::info("seccomp: off in this sanitizer build (its runtime needs calls the filters forbid)");
    return std::optional<seccomp::ThreadFilters>();
  }
  return std::optional<seccomp::ThreadFilters>(VMM_TRY(seccomp::ThreadFilters::compile()));
}

// The exit status; `stop_signal` is set when a signal stopped the VM.
int run(const std::vector<std::string>& args, int* stop_signal) {
  // libslirp writes to host sockets without MSG_NOSIGNAL: a host peer that
  // resets its connection must cost that connection an EPIPE, not the VMM
  // its life.
  std::signal(SIGPIPE, SIG_IGN);
  auto parsed = parse_command_line(args);
  if (!parsed.ok()) return fail(kStatusUsageError, parsed.error().message);
  if (parsed->kind == CommandLine::Kind::kPrintAndExit) {
    std::cout << parsed->output;
    return 0;
  }
  const VmConfig& config = parsed->config;
  set_up_logging(config.log_level);

  std::vector<uint8_t> file_image;
  std::span<const uint8_t> image = bundled_guest_image();
  std::string image_name = "bundled guest";
  if (config.guest_path) {
    auto read = read_guest_image(*config.guest_path);
    if (!read.ok()) return fail(kStatusUsageError, read.error().message);
    file_image = std::move(*read);
    image = file_image;
    image_name = *config.guest_path;
  }
  auto memory = GuestMemory::create(config.memory_bytes);
  if (!memory.ok()) return fail(kStatusVmmError, memory.error().message);
  auto kernel = load_pvh_elf(image, *memory);
  if (!kernel.ok()) return fail(kStatusUsageError, "guest image '" + image_name + "': " + kernel.error().message);

  auto kvm = open_kvm();
  if (!kvm.ok()) return fail(kStatusVmmError, kvm.error().message);
  auto max_vcpus = (*kvm)->max_vcpus();
  if (!max_vcpus.ok()) return fail(kStatusVmmError, max_vcpus.error().message);
  if (config.vcpus > static_cast<uint32_t>(*max_vcpus))
    return fail(kStatusUsageError, "--smp: " + std::to_string(config.vcpus) +
                                       " exceeds this host's KVM limit of " + std::to_string(*max_vcpus));
  // The backend opens host resources (listening ports, the tap): a failure
  // is the user's --net, reported before anything runs.
  auto net_backend = net::create_net_backend(config.net);
  if (!net_backend.ok()) return fail(kStatusUsageError, net_backend.error().message);
  std::unique_ptr<net::NetBackend> shmem_backend;
  if (config.shmem) {
    auto network = net::SlirpBackend::create(net::kShmemUserNetwork, config.shmem->host_forwards);
    if (!network.ok()) return fail(kStatusUsageError, network.error().message);
    shmem_backend = std::move(*network);
  }
  auto vm = Vm::create(config, **kvm, std::move(*memory), kernel->entry_gpa, std::move(*net_backend),
                       std::move(shmem_backend));
  if (!vm.ok()) return fail(kStatusVmmError, vm.error().message);
  (*vm)->name_guest_addresses(guest_symbolizer(image));
  auto filters = compile_filters(config);
  if (!filters.ok()) return fail(kStatusVmmError, filters.error().message);
  auto stats_json = open_stats_json(config.stats_json_path);
  if (!stats_json.ok()) return fail(kStatusUsageError, stats_json.error().message);
  VmStats stats = (*vm)->run(*filters ? &**filters : nullptr);
  int status = report(config, stats, stats_json->get());
  if (status == stats.exit_status) *stop_signal = stats.stop_signal;
  return status;
}

}  // namespace
}  // namespace vmm

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  int stop_signal = 0;
  int status = vmm::run(args, &stop_signal);
  // Everything is torn down (the terminal mode restored, threads joined)
  // and reported: a stop signal now ends vmm as it would any program, so
  // no guest status can be mistaken for it (hv/core/exit_status.h).
  if (stop_signal != 0) vmm::end_by_signal(stop_signal);
  return status;
}
