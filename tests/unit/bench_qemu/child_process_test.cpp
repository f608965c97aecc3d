#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "bench/qemu/child_process.h"
#include "bench/qemu/private_temp_dir.h"
#include "tests/unit/bench_qemu/deadline_helpers.h"

namespace vmm::bench {
namespace {

using testing::in_seconds;

TEST(ChildProcess, CapturesOutputAndStatus) {
  auto child = ChildProcess::start({"/bin/sh", "-c", "echo out; echo err >&2; exit 5"});
  ASSERT_TRUE(child) << child.error().message;
  auto status = (*child)->wait_exit(in_seconds(10));
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, 5);
  EXPECT_FALSE((*child)->exited_by_signal());
  (*child)->finish_output(in_seconds(10));
  EXPECT_EQ((*child)->out(), "out\n");
  EXPECT_EQ((*child)->err(), "err\n");
}

TEST(ChildProcess, ExecFailureIsAnErrorWithTheReason) {
  auto child = ChildProcess::start({"/nonexistent/program"});
  ASSERT_FALSE(child);
  EXPECT_NE(child.error().message.find("cannot run '/nonexistent/program': No such file"),
            std::string::npos)
      << child.error().message;
}

TEST(ChildProcess, KilledAndReapedWhenTheOwnerGoesAway) {
  pid_t pid = 0;
  {
    auto child = ChildProcess::start({"/bin/sh", "-c", "exec sleep 60"});
    ASSERT_TRUE(child);
    EXPECT_FALSE((*child)->wait_exit(std::chrono::steady_clock::now()));
    pid = (*child)->pid();
  }
  ASSERT_GT(pid, 0);
  EXPECT_NE(kill(pid, 0), 0);  // gone, and reaped (a zombie would still take signal 0)
}

TEST(PrivateTempDir, RemovedWithItsContents) {
  std::string path;
  {
    auto dir = PrivateTempDir::create("tempdir-test-");
    ASSERT_TRUE(dir) << dir.error().message;
    path = (*dir)->path();
    std::ofstream(path + "/file") << "x";
    EXPECT_TRUE(std::filesystem::is_directory(path));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace vmm::bench
