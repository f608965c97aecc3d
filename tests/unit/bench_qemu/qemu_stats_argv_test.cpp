#include <gtest/gtest.h>

#include <algorithm>

#include "bench/qemu/qemu_stats_run.h"

namespace vmm::bench {
namespace {

QemuRunOptions options() {
  QemuRunOptions o;
  o.qemu_path = "/usr/bin/qemu-system-x86_64";
  o.guest_path = "guest.elf";
  o.smp = 2;
  o.memory_mib = 128;
  o.guest_cmdline = "init=ping -- -c 3 10.0.2.2";
  o.hostfwd = {"tcp:127.0.0.1:5555-:7", "udp::6000-:9"};
  return o;
}

// The value after `flag` (its first occurrence), or "" if absent.
std::string after(const std::vector<std::string>& argv, const std::string& flag) {
  auto it = std::find(argv.begin(), argv.end(), flag);
  return it == argv.end() || it + 1 == argv.end() ? "" : *(it + 1);
}

bool has(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

TEST(QemuStatsArgv, MicrovmOnKvmPausedKeptAliveAfterPowerOffWithQmp) {
  auto argv = qemu_stats_argv(options(), "/tmp/d/qmp.sock");
  ASSERT_TRUE(argv) << argv.error().message;
  EXPECT_EQ(argv->front(), "/usr/bin/qemu-system-x86_64");
  EXPECT_EQ(after(*argv, "-M"), "microvm,accel=kvm");
  EXPECT_EQ(after(*argv, "-smp"), "2");
  EXPECT_EQ(after(*argv, "-m"), "128");
  EXPECT_TRUE(has(*argv, "-no-shutdown"));
  EXPECT_TRUE(has(*argv, "-no-reboot"));
  EXPECT_TRUE(has(*argv, "-S"));
  EXPECT_EQ(after(*argv, "-serial"), "stdio");
  EXPECT_EQ(after(*argv, "-qmp"), "unix:/tmp/d/qmp.sock,server=on,wait=off");
  EXPECT_EQ(after(*argv, "-kernel"), "guest.elf");
}

TEST(QemuStatsArgv, NetdevCarriesEachHostfwdAndCmdlineFollowsTheVirtioWord) {
  auto argv = qemu_stats_argv(options(), "/tmp/d/qmp.sock");
  ASSERT_TRUE(argv);
  EXPECT_EQ(after(*argv, "-netdev"),
            "user,id=n0,hostfwd=tcp:127.0.0.1:5555-:7,hostfwd=udp::6000-:9");
  EXPECT_EQ(after(*argv, "-append"),
            "virtio_mmio.device=512@0xfeb02e00:47 init=ping -- -c 3 10.0.2.2");
}

TEST(QemuStatsArgv, RejectsWhatQemuWouldMisread) {
  auto o = options();
  o.hostfwd = {"tcp::1-:2,guestfwd=x"};
  auto comma = qemu_stats_argv(o, "/tmp/q");
  ASSERT_FALSE(comma);
  EXPECT_NE(comma.error().message.find("hostfwd"), std::string::npos);
  EXPECT_FALSE(qemu_stats_argv(options(), "/tmp/a,b/qmp.sock"));
  o = options();
  o.smp = 0;
  EXPECT_FALSE(qemu_stats_argv(o, "/tmp/q"));
  o = options();
  o.qemu_path.clear();
  EXPECT_FALSE(qemu_stats_argv(o, "/tmp/q"));
}

TEST(QemuStatsRun, NamesAQemuThatCannotRun) {
  auto o = options();
  o.qemu_path = "/nonexistent/qemu-system-x86_64";
  o.guest_path = "/proc/self/exe";  // any readable file
  o.timeout_s = 10;
  auto r = run_qemu_with_stats(o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("QEMU is not runnable"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("No such file"), std::string::npos) << r.error().message;
}

TEST(QemuStatsRun, NamesAQemuThatExitsBeforeItsQmpSocket) {
  auto o = options();
  o.qemu_path = "/bin/false";
  o.guest_path = "/proc/self/exe";
  o.timeout_s = 10;
  auto r = run_qemu_with_stats(o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("exited with status 1 before its QMP socket was ready"),
            std::string::npos)
      << r.error().message;
}

TEST(QemuStatsRun, NamesAnUnreadableGuest) {
  auto o = options();
  o.guest_path = "/nonexistent/guest.elf";
  auto r = run_qemu_with_stats(o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("/nonexistent/guest.elf"), std::string::npos);
}

}  // namespace
}  // namespace vmm::bench
