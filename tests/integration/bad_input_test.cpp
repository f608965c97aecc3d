// Every bad guest image and bad argument: status 2, one clear line on
// stderr, nothing on stdout (the VM never started).
#include <gtest/gtest.h>

#include <net/if.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/integration/process.h"
#include "tests/integration/test_binaries.h"

namespace vmm::testing {
namespace {

std::vector<char> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Each test process writes its own copies (the pid in the name): ctest runs
// the cases as parallel processes, and one rewriting a file another's vmm is
// reading would change what that vmm sees.
// This process's copies, removed when it exits. The files are written when
// the test cases are registered, so a process that only lists the tests
// (gtest_discover_tests does) writes them too.
struct TempFiles {
  std::vector<std::string> paths;
  ~TempFiles() {
    for (const std::string& path : paths) std::remove(path.c_str());
  }
};

std::vector<std::string>& temp_files() {
  static TempFiles files;
  return files.paths;
}

std::string write_temp(const std::string& name, const std::vector<char>& bytes) {
  std::string path = ::testing::TempDir() + "bad_input_" + std::to_string(getpid()) + "_" + name;
  temp_files().push_back(path);
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

template <typename T>
T field(const std::vector<char>& elf, size_t offset) {
  T value;
  std::memcpy(&value, elf.data() + offset, sizeof value);
  return value;
}

// End of the last PT_LOAD's file data in an ELF64 image: cutting the file
// before it leaves the headers whole but a segment short.
uint64_t last_segment_end(const std::vector<char>& elf) {
  auto phoff = field<uint64_t>(elf, 32);
  auto phentsize = field<uint16_t>(elf, 54);
  auto phnum = field<uint16_t>(elf, 56);
  uint64_t end = 0;
  for (uint16_t i = 0; i < phnum; ++i) {
    size_t ph = phoff + size_t{i} * phentsize;
    if (field<uint32_t>(elf, ph) != 1) continue;  // PT_LOAD
    end = std::max(end, field<uint64_t>(elf, ph + 8) + field<uint64_t>(elf, ph + 32));
  }
  return end;
}

struct BadCase {
  std::string name;
  std::vector<std::string> args;
  std::string expected;  // a piece of the one-line message
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

std::vector<BadCase> bad_images() {
  std::vector<char> good = read_all(kBundledGuest);
  std::vector<char> truncated(good.begin(), good.begin() + 40);
  std::vector<char> cut_segments(good.begin(), good.begin() + static_cast<long>(last_segment_end(good) - 1));
  std::vector<char> other_machine = good;
  other_machine[18] = static_cast<char>(183);  // e_machine = EM_AARCH64
  other_machine[19] = 0;
  return {
      {"empty", {"--guest", write_temp("empty.elf", {})}, "empty"},
      {"not_elf", {"--guest", write_temp("text.elf", {'h', 'e', 'l', 'l', 'o', '\n'})}, "not an ELF"},
      {"truncated_header", {"--guest", write_temp("trunc.elf", truncated)}, "truncated"},
      {"truncated_segments", {"--guest", write_temp("cut.elf", cut_segments)}, "truncated"},
      {"other_machine", {"--guest", write_temp("arm.elf", other_machine)}, "machine"},
      {"no_pvh_note", {"--guest", kGuestDir + "/no_note_guest.elf"}, "PVH"},
      {"outside_ram", {"--guest", kGuestDir + "/high_guest.elf", "--memory", "256M"}, "outside"},
      {"missing_file", {"--guest", "/nonexistent/guest.elf"}, "/nonexistent/guest.elf"},
      {"directory", {"--guest", "/tmp"}, "/tmp"},
  };
}

std::vector<BadCase> bad_arguments() {
  return {
      {"smp_zero", {"--smp", "0"}, "--smp"},
      {"smp_text", {"--smp", "many"}, "--smp"},
      {"smp_beyond_xapic", {"--smp", "256"}, "--smp"},
      {"memory_junk", {"--memory", "12Q"}, "--memory"},
      {"memory_tiny", {"--memory", "4K"}, "--memory"},
      {"log_level", {"--log-level", "chatty"}, "--log-level"},
      {"unknown_option", {"--frobnicate"}, "--frobnicate"},
      {"missing_value", {"--smp"}, "--smp"},
      {"config_missing", {"--config", "/nonexistent.toml"}, "/nonexistent.toml"},
      {"config_bad_key", {"--config", write_temp("bad.toml", {'x', '=', '1', '\n'})}, "unknown key 'x'"},
      {"net_kind", {"--net", "bogus"}, "--net: unknown kind 'bogus'"},
      {"net_tap_without_name", {"--net", "tap"}, "needs ifname=NAME"},
      {"hostfwd_no_dash", {"--net", "user,hostfwd=tcp:abc"}, "no '-' between host and guest"},
      {"net_restrict_word", {"--net", "user,restrict=yes"}, "--net user: restrict='yes' (expected restrict=on or restrict=off)"},
      {"shmem_zero", {"--shmem", "size=0"}, "--shmem"},
      {"shmem_on_ioapic", {"--shmem", "size=64K,gpa=0xfec00000"}, "overlaps IOAPIC"},
      {"shmem_twice", {"--shmem", "size=64K", "--shmem", "size=64K"}, "given more than once"},
      {"shmem_hostfwd_outside", {"--shmem", "size=64K,hostfwd=tcp:5555-10.0.2.15:7"}, "--shmem: hostfwd"},
      {"shmem_unknown_key", {"--shmem", "size=64K,colour=blue"}, "unknown key 'colour'"},
  };
}

std::string toml(const std::string& name, const std::string& text) {
  return write_temp(name, std::vector<char>(text.begin(), text.end()));
}

// Config files: the message names the file (and the line or key).
std::vector<BadCase> bad_configs() {
  return {
      {"wrong_type", {"--config", toml("type.toml", "smp = \"four\"\n")}, "key 'smp': expected an integer"},
      {"syntax", {"--config", toml("syntax.toml", "smp = \n")}, "syntax.toml:1: "},
      {"not_ascii", {"--config", toml("ascii.toml", "cmdline = \"caf\xc3\xa9\"\n")}, "non-ASCII character"},
      {"bad_shmem", {"--config", toml("shmem.toml", "shmem = \"size=12289\"\n")}, "not a multiple of 4 KiB"},
      {"bad_hostfwd", {"--config", toml("fwd.toml", "net = \"user,hostfwd=tcp:99999-:80\"\n")}, "host port '99999'"},
      {"bad_restrict", {"--config", toml("restrict.toml", "net = \"user,restrict=1\"\n")}, "key 'net': --net user: restrict='1'"},
  };
}

class BadInput : public ::testing::TestWithParam<BadCase> {};

// Bad input ends the VMM before it starts anything: status 2 (no signal,
// no crash), one line on stderr, and nothing left behind: not even the
// --stats-json file it was asked for.
TEST_P(BadInput, ExitsWithStatusTwoAndOneClearLine) {
  const BadCase& c = GetParam();
  std::string stats = ::testing::TempDir() + "bad_input_stats_" + std::to_string(getpid()) + "_" + c.name;
  std::vector<std::string> argv = {kVmm, "--stats-json", stats};
  argv.insert(argv.end(), c.args.begin(), c.args.end());
  auto r = run_process(argv, 30);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(access(stats.c_str(), F_OK), 0) << "left " << stats << " behind";
  std::remove(stats.c_str());
  EXPECT_TRUE(r.out.empty()) << r.out;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "more than one line: " << r.err;
  EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Images, BadInput, ::testing::ValuesIn(bad_images()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Arguments, BadInput, ::testing::ValuesIn(bad_arguments()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Configs, BadInput, ::testing::ValuesIn(bad_configs()),
                         [](const auto& info) { return info.param.name; });

// Refused input with a tap device asked for: the interface the VMM would
// have opened must not outlive it (a persistent tap left by a failed start
// would be there for the next run to trip over). The refusals come from the
// image, the option parser and the shared-memory device's placement.
TEST(BadInputWithTap, LeavesNoTapInterfaceBehind) {
  const std::string ifname = "vmmbad" + std::to_string(getpid() % 100000);
  const std::string tap = "tap,ifname=" + ifname;
  const std::vector<std::vector<std::string>> refused = {
      {"--guest", kGuestDir + "/no_note_guest.elf", "--net", tap},
      {"--net", tap, "--shmem", "size=12289"},
      {"--net", tap, "--memory", "3584M", "--shmem", "size=64K,gpa=0x1000"},
  };
  for (const auto& args : refused) {
    std::vector<std::string> argv = {kVmm};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_process(argv, 30);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(if_nametoindex(ifname.c_str()), 0u) << ifname << " left behind after: " << r.err;
  }
}

TEST(GoodInput, HelpAndVersionExitZero) {
  auto help = run_process({kVmm, "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("--smp"), std::string::npos);
  auto version = run_process({kVmm, "--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_NE(version.out.find("vmm"), std::string::npos);
}

}  // namespace
}  // namespace vmm::testing
