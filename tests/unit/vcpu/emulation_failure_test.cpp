// What KVM said of a failed emulation, as the fault report prints it.
#include "vmm/vcpu/emulation_failure.h"

#include <gtest/gtest.h>

#include <cstring>

namespace vmm {
namespace {

// A KVM_EXIT_INTERNAL_ERROR with an emulation failure as Linux 5.17+ fills
// it: ndata 3, the instruction-bytes flag, insn_size and the bytes.
kvm_run emulation_failure_run(std::vector<uint8_t> bytes) {
  kvm_run run{};
  run.exit_reason = KVM_EXIT_INTERNAL_ERROR;
  run.emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
  run.emulation_failure.ndata = 3;
  run.emulation_failure.flags = KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
  run.emulation_failure.insn_size = static_cast<uint8_t>(bytes.size());
  if (!bytes.empty())  // memcpy from an empty vector's null data() is undefined
    std::memcpy(run.emulation_failure.insn_bytes, bytes.data(), std::min<size_t>(bytes.size(), 15));
  return run;
}

std::string name_send(uint64_t rip) { return rip == 0xffffffff80101234 ? "net::Tcp::send+0x24" : ""; }

TEST(EmulationFailure, BytesSitWhereLinuxPutsThem) {
  // <linux/kvm.h>: emulation_failure overlays internal; flags is data[0],
  // insn_size the first byte of data[1], the bytes after it.
  kvm_run run = emulation_failure_run({0x0f, 0xc7, 0x0e});
  EXPECT_EQ(run.internal.data[0], KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES);
  EXPECT_EQ(run.internal.data[1] & 0xff, 3u);
  EXPECT_EQ((run.internal.data[1] >> 8) & 0xffffff, 0x0ec70fu);
  EXPECT_EQ(emulation_failure_bytes(run), (std::vector<uint8_t>{0x0f, 0xc7, 0x0e}));
}

TEST(EmulationFailure, NamesTheFunctionAndPrintsTheBytes) {
  kvm_run run = emulation_failure_run({0x0f, 0xc7, 0x0e});
  EXPECT_EQ(describe_emulation_failure(run, 0xffffffff80101234, name_send),
            "emulation failure at 0xffffffff80101234 <net::Tcp::send+0x24>: instruction bytes 0f c7 0e");
  EXPECT_EQ(describe_emulation_failure(run, 0xffffffff80101234, nullptr),
            "emulation failure at 0xffffffff80101234: instruction bytes 0f c7 0e");
  EXPECT_EQ(describe_emulation_failure(run, 0x401000, name_send),  // no function holds it
            "emulation failure at 0x401000: instruction bytes 0f c7 0e");
  EXPECT_EQ(describe_emulation_failure(run, std::nullopt, name_send),
            "emulation failure at (rip unavailable): instruction bytes 0f c7 0e");
}

TEST(EmulationFailure, FifteenBytesIsTheLongestInstruction) {
  std::vector<uint8_t> longest(15, 0x66);
  EXPECT_EQ(emulation_failure_bytes(emulation_failure_run(longest)), longest);
}

TEST(EmulationFailure, WithoutBytesSaysSo) {
  kvm_run no_flag = emulation_failure_run({0x0f, 0xae, 0x10});
  no_flag.emulation_failure.flags = 0;
  kvm_run old_kernel = emulation_failure_run({0x0f, 0xae, 0x10});
  old_kernel.emulation_failure.ndata = 0;  // before 5.17, without the capability
  kvm_run empty = emulation_failure_run({});
  kvm_run oversized = emulation_failure_run({0x90});
  oversized.emulation_failure.insn_size = 16;
  for (const kvm_run* run : {&no_flag, &old_kernel, &empty, &oversized}) {
    EXPECT_TRUE(emulation_failure_bytes(*run).empty());
    EXPECT_EQ(describe_emulation_failure(*run, 0xffffffff80101234, name_send),
              "emulation failure at 0xffffffff80101234 <net::Tcp::send+0x24>: bytes not given by KVM");
  }
}
}  // namespace
}  // namespace vmm
