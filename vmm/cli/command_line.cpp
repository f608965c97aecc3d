#include "vmm/cli/command_line.h"

#include <CLI/CLI.hpp>

#include "vmm/cli/config_file.h"
#include "vmm/cli/shmem_config.h"

namespace vmm {

namespace {

constexpr const char* kVersion = "vmm 0.1.0";

struct RawOptions {
  std::string guest, memory, cmdline, config, log_level, stats_json;
  std::vector<std::string> net;  // every --net given; more than one is an error
  std::vector<std::string> shmem;  // likewise --shmem
  int64_t smp = 0;
  bool stats = false;
  bool no_ioeventfd = false;
  bool no_seccomp = false;
};

void declare_options(CLI::App& app, RawOptions& raw) {
  app.add_option("--guest", raw.guest, "PVH ELF kernel to boot (default: the bundled guest)");
  app.add_option("--smp", raw.smp, "number of vCPUs (default 1)");
  app.add_option("--memory", raw.memory, "guest RAM, e.g. 256M or 2G (default 256M)");
  app.add_option("--cmdline", raw.cmdline, "extra guest command line, e.g. 'init=selftest'");
  app.add_option("--config", raw.config, "TOML config file; command-line options override it");
  app.add_option("--log-level", raw.log_level, "trace|debug|info|warn|error (default warn)");
  app.add_flag("--stats", raw.stats, "print per-vCPU exit tables when the VM ends");
  app.add_option("--stats-json", raw.stats_json, "write the exit statistics as JSON to FILE");
  app.add_option("--net", raw.net,
                 "network device: user[,hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]..."
                 "[,restrict=on|off] (the default kind; restrict=on: the guest reaches nothing outside "
                 "the VM, only DHCP and the host forwards into it) | tap,ifname=NAME | none (the default)")
      ->expected(0, 1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--no-ioeventfd", raw.no_ioeventfd,
               "handle virtio queue notifications as MMIO exits in user space, not in KVM");
  app.add_option("--shmem", raw.shmem,
                 "polled shared-memory network device: size=SIZE[,gpa=ADDR][,poll=busy|adaptive]"
                 "[,max-latency=DURATION][,hostfwd=RULE]... | none (the default). SIZE: 8K..1G, a multiple of 4K; "
                 "ADDR: page-aligned guest-physical base (default 0xe0000000); poll: busy spins, "
                 "adaptive (default) spins, then sleeps; max-latency: the longest one adaptive "
                 "sleep lasts, i.e. the most delay polling adds to a frame, 1us..100ms with unit "
                 "ns/us/ms/s (default 100us). Its network: libslirp on 10.0.3.0/24, guest 10.0.3.15, "
                 "host loopback 10.0.3.2, DNS 10.0.3.3; hostfwd rules as for --net user, into it")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--no-seccomp", raw.no_seccomp,
               "run every VMM thread without its seccomp allowlist (for debugging; the "
               "default confines each thread once it is set up)");
  app.set_version_flag("--version", kVersion);
}

Error option_error(const std::string& option, const Error& error) {
  return make_error(option + ": " + error.message);
}

Result<void> apply_given(const CLI::App& app, const RawOptions& raw, VmConfig& config) {
  if (app.count("--guest")) {
    if (raw.guest.empty()) return make_error("--guest: empty path");
    config.guest_path = raw.guest;
  }
  if (app.count("--smp")) {
    auto v = check_vcpus(raw.smp);
    if (!v.ok()) return option_error("--smp", v.error());
    config.vcpus = *v;
  }
  if (app.count("--memory")) {
    auto v = check_memory(raw.memory);
    if (!v.ok()) return option_error("--memory", v.error());
    config.memory_bytes = *v;
  }
  if (app.count("--cmdline")) config.cmdline = raw.cmdline;
  if (app.count("--log-level")) {
    auto v = check_log_level(raw.log_level);
    if (!v.ok()) return option_error("--log-level", v.error());
    config.log_level = *v;
  }
  if (app.count("--stats")) config.print_stats = raw.stats;
  if (app.count("--stats-json")) {
    if (raw.stats_json.empty()) return make_error("--stats-json: empty path");
    config.stats_json_path = raw.stats_json;
  }
  if (app.count("--net")) {
    if (raw.net.size() > 1) return make_error("--net: given more than once; one network device is supported");
    config.net = VMM_TRY(net::parse_net_option(raw.net.empty() ? "" : raw.net[0]));
  }
  if (app.count("--no-ioeventfd")) config.use_ioeventfd = !raw.no_ioeventfd;
  if (app.count("--no-seccomp")) config.seccomp = !raw.no_seccomp;
  if (app.count("--shmem")) {
    if (raw.shmem.size() > 1)
      return make_error("--shmem: given more than once; one shared-memory device is supported");
    config.shmem = VMM_TRY(parse_shmem_value(raw.shmem[0]));
  }
  return ok();
}

}  // namespace

Result<CommandLine> parse_command_line(const std::vector<std::string>& args) {
  CLI::App app{"vmm: a KVM virtual machine monitor with its own guest kernel", "vmm"};
  RawOptions raw;
  declare_options(app, raw);
  CommandLine result;
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    result.kind = CommandLine::Kind::kPrintAndExit;
    result.output = app.help();
    return result;
  } catch (const CLI::CallForVersion&) {
    result.kind = CommandLine::Kind::kPrintAndExit;
    result.output = std::string(kVersion) + "\n";
    return result;
  } catch (const CLI::ParseError& e) {
    return make_error(e.what());
  }
  if (app.count("--config")) VMM_TRY_VOID(apply_config_file(raw.config, result.config));
  VMM_TRY_VOID(apply_given(app, raw, result.config));
  // Placement depends on --memory, which either source may set: checked on
  // the merged result.
  if (result.config.shmem)
    VMM_TRY_VOID(check_shmem_fits(*result.config.shmem, result.config.memory_bytes));
  return result;
}

}  // namespace vmm
