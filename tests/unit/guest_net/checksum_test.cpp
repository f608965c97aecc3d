#include <gtest/gtest.h>

#include <vector>

#include "guest/net/checksum.h"

namespace net {
namespace {

TEST(Checksum, Rfc1071Example) {
  // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (one's complement 220d).
  const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(internet_checksum(data, sizeof data), 0x220d);
}

TEST(Checksum, KnownIpv4Header) {
  // A captured header (checksum field b861) verifies to zero.
  const uint8_t header[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                            0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(internet_checksum(header, sizeof header), 0);
  uint8_t copy[sizeof header];
  std::copy(header, header + sizeof header, copy);
  copy[10] = copy[11] = 0;
  EXPECT_EQ(internet_checksum(copy, sizeof copy), 0xb861);
}

TEST(Checksum, OddLengthPadsWithZero) {
  const uint8_t odd[] = {0x12, 0x34, 0x56};
  const uint8_t padded[] = {0x12, 0x34, 0x56, 0x00};
  EXPECT_EQ(internet_checksum(odd, 3), internet_checksum(padded, 4));
}

TEST(Checksum, ChunkedSumEqualsOneShotForEverySplit) {
  std::vector<uint8_t> data(103);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 37 + 11);
  uint16_t whole = internet_checksum(data.data(), data.size());
  for (size_t a = 0; a <= data.size(); ++a) {
    for (size_t b = a; b <= data.size(); b += 7) {
      InternetChecksum sum;
      sum.add(data.data(), a);
      sum.add(data.data() + a, b - a);
      sum.add(data.data() + b, data.size() - b);
      ASSERT_EQ(sum.finish(), whole) << a << " " << b;
    }
  }
}

TEST(Checksum, TransportChecksumOfUdpDatagramVerifiesToZero) {
  // UDP 10.0.0.1:1234 -> 10.0.0.2:80, payload "hi".
  uint8_t udp[10] = {0x04, 0xd2, 0x00, 0x50, 0x00, 0x0a, 0x00, 0x00, 'h', 'i'};
  Ipv4Addr src = make_ipv4(10, 0, 0, 1), dst = make_ipv4(10, 0, 0, 2);
  uint16_t c = transport_checksum(src, dst, 17, udp, sizeof udp);
  store_be16(udp + 6, c);
  EXPECT_EQ(transport_checksum(src, dst, 17, udp, sizeof udp), 0);
  // The same datagram between other addresses does not verify.
  EXPECT_NE(transport_checksum(src, make_ipv4(10, 0, 0, 3), 17, udp, sizeof udp), 0);
}

// The bulk path sums 32-byte blocks in machine byte order: it must agree
// with a plain big-endian 16-bit sum at every length and alignment, with
// carries in play (bytes near 0xff).
uint16_t reference_checksum(const uint8_t* p, size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>(p[i]) << 8 | p[i + 1];
  if (n % 2) sum += static_cast<uint32_t>(p[n - 1]) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

TEST(Checksum, BulkBlocksMatchAReferenceAtEveryLengthAndOffset) {
  std::vector<uint8_t> data(300);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(0xff - (i * 7) % 13);
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t len = 0; offset + len <= data.size(); ++len) {
      ASSERT_EQ(internet_checksum(data.data() + offset, len), reference_checksum(data.data() + offset, len))
          << offset << " " << len;
    }
  }
}

TEST(Checksum, LargeInputsDoNotOverflow) {
  std::vector<uint8_t> ones(1 << 20, 0xff);
  EXPECT_EQ(internet_checksum(ones.data(), ones.size()), 0);  // sum is 0xffff: complement 0
}

}  // namespace
}  // namespace net
