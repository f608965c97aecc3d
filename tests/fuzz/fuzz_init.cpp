// libFuzzer's start-up hook, the same for every target (linked into each by
// vmm_fuzz_target): the code under test logs what a hostile input did
// wrong, and at thousands of inputs a second that would drown the fuzzer's
// own output.
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  vmm::fuzz::quiet_logs();
  return 0;
}
