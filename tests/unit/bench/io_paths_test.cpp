// The I/O paths vmm-bench measures: each path's VMM and guest command lines
// (bench/exits/io_paths.h), checked without running a VM.
#include "bench/exits/io_paths.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace vmm::bench {
namespace {

bool has(const std::vector<std::string>& argv, const std::string& word) {
  return std::find(argv.begin(), argv.end(), word) != argv.end();
}

std::vector<std::string> argv_for(const std::string& path) {
  PathSetup p = path_setup(path);
  return vmm_argv({"vmm", "guest.elf", 2}, p, "init=netbench", 4000, "stats.json");
}

TEST(IoPaths, EveryPathIsKnownAndTheDefaultListNamesThemAllInOrder) {
  EXPECT_EQ(all_io_path_names(), "virtio,virtio-noioeventfd,shmem,shmem-bypass");
  EXPECT_EQ(split_io_paths("shmem-bypass,virtio"), (std::vector<std::string>{"shmem-bypass", "virtio"}));
  EXPECT_TRUE(split_io_paths("virtio,bypass").empty());
  EXPECT_TRUE(split_io_paths("").empty());
  EXPECT_EQ(find_io_path("shmem-bypass")->name, std::string("shmem-bypass"));
  EXPECT_EQ(find_io_path("shm"), nullptr);
}

TEST(IoPaths, ShmemBypassRunsNetbenchOverItsOwnStackOnTheSharedMemoryDevice) {
  PathSetup p = path_setup("shmem-bypass");
  EXPECT_EQ(p.peer_addr, "10.0.3.2");  // the host on shm0's network
  std::string cmdline = netbench_cmdline(p, {100, uint16_t{7}, true}, 5000, 5001);
  EXPECT_EQ(cmdline, "init=netbench -- --bypass -n 100 -a 7000 -p 7 10.0.3.2 5000 5001");
  auto argv = argv_for("shmem-bypass");
  EXPECT_TRUE(has(argv, "--shmem"));
  EXPECT_TRUE(has(argv, "size=256K,hostfwd=tcp:127.0.0.1:4000-:7000"));
  EXPECT_EQ(argv[std::find(argv.begin(), argv.end(), "--net") - argv.begin() + 1], "none");
}

TEST(IoPaths, OnlyTheKernelShmemPathPollsFromTheIdleLoop) {
  NetbenchRun run{10, std::nullopt, false};
  EXPECT_EQ(netbench_cmdline(path_setup("shmem"), run, 1, 2), "idle=poll init=netbench -- -n 10 -a 7000 -m 0 10.0.3.2 1 2");
  EXPECT_EQ(netbench_cmdline(path_setup("virtio"), run, 1, 2), "init=netbench -- -n 10 -a 7000 -m 0 10.0.2.2 1 2");
  EXPECT_EQ(netbench_cmdline(path_setup("shmem-bypass"), run, 1, 2).rfind("init=netbench -- --bypass", 0), 0u);
}

TEST(IoPaths, VirtioPathsUseTheUserNetworkAndDifferInIoeventfdOnly) {
  auto with = argv_for("virtio"), without = argv_for("virtio-noioeventfd");
  EXPECT_TRUE(has(with, "user,hostfwd=tcp:127.0.0.1:4000-:7000"));
  EXPECT_FALSE(has(with, "--shmem"));
  EXPECT_FALSE(has(with, "--no-ioeventfd"));
  EXPECT_TRUE(has(without, "--no-ioeventfd"));
  with.erase(std::remove(with.begin(), with.end(), "--no-ioeventfd"), with.end());
  without.erase(std::remove(without.begin(), without.end(), "--no-ioeventfd"), without.end());
  EXPECT_EQ(with, without);
}

}  // namespace
}  // namespace vmm::bench
