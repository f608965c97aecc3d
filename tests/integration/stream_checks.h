// The check every tcpsend test makes, whatever the path: the guest's
// tcpsend ran to its end and the host's sink got `bytes` of the stream
// pattern, with the same SHA-256 on both ends.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>

#include "tests/integration/net_peers.h"
#include "tests/integration/output_text.h"
#include "tests/integration/process.h"

namespace vmm::testing {

// The size of the big stream tests (tcpsend over virtio-net and shm0).
inline constexpr uint64_t k16MiB = 16ull << 20;

inline void expect_tcpsend_delivered(const ProcessResult& r, const TcpServer& sink, uint64_t bytes) {
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  StreamDigest got = sink.last_digest();
  EXPECT_EQ(got.bytes, bytes);
  EXPECT_EQ(guest_sha256(r.out), got.sha256) << r.out;
  EXPECT_EQ(got.sha256, pattern_sha256(bytes));
}

}  // namespace vmm::testing
