// The check most guest runs end with: the VM (vmm or QEMU) ended by itself,
// with status 0, and no check it ran printed FAILED.
#pragma once

#include <gtest/gtest.h>

#include "tests/integration/output_text.h"
#include "tests/integration/process.h"

namespace vmm::testing {

inline void expect_clean_end(const ProcessResult& r) {
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_FALSE(contains(r.out, "FAILED")) << r.out;
}

}  // namespace vmm::testing
