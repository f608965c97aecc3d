// The guest programs' SHA-256 (guest/user/sha256.cpp, compiled here
// unchanged) against FIPS 180-2 appendix B / NIST CAVS examples, and their
// data pattern (guest/user/pattern.h) against digests Python's hashlib gave
// for peers.py's independent implementation of the same formula.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pattern.h"
#include "sha256.h"

namespace {

std::string hex_of(const void* data, size_t len) {
  sha256::Hasher h;
  h.update(data, len);
  char hex[sha256::kHexLen];
  h.finish_hex(hex);
  return hex;
}

std::string hex_of(const std::string& s) { return hex_of(s.data(), s.size()); }

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(hex_of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
                   "klmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(hex_of(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Lengths around the padding boundary (55, 56, 64 bytes) and updates split
// at every offset give the same digest as one update.
TEST(Sha256, SplitUpdatesMatchOneUpdate) {
  std::vector<uint8_t> data(200);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 + 3);
  for (size_t len : {55u, 56u, 63u, 64u, 65u, 119u, 120u, 128u, 200u}) {
    std::string whole = hex_of(data.data(), len);
    for (size_t cut = 0; cut <= len; ++cut) {
      sha256::Hasher h;
      h.update(data.data(), cut);
      h.update(data.data() + cut, len - cut);
      char hex[sha256::kHexLen];
      h.finish_hex(hex);
      ASSERT_EQ(whole, hex) << "len " << len << " cut " << cut;
    }
  }
}

TEST(Pattern, MatchesThePythonPeer) {
  EXPECT_EQ(pattern::stream_byte(65534), 249);
  EXPECT_EQ(pattern::stream_byte(65535), 124);
  EXPECT_EQ(pattern::stream_byte(65536), 1);
  EXPECT_EQ(pattern::stream_byte(65537), 132);
  std::vector<uint8_t> stream(1 << 20);
  pattern::fill_stream(stream.data(), stream.size(), 0);
  EXPECT_EQ(hex_of(stream.data(), stream.size()),
            "9ac75acb23cf78b0dc7fb47c9af5b521b19e0c4b8ffa618e64a7c31ff88bc58c");
  std::vector<uint8_t> datagram(1472);
  pattern::fill_datagram(datagram.data(), datagram.size(), 300);
  EXPECT_EQ(hex_of(datagram.data(), datagram.size()),
            "f008f5c683ebe6a793111c4d032e4650adadee50c34a84eba86609955bea0642");
  EXPECT_TRUE(pattern::datagram_matches(datagram.data(), datagram.size(), 300));
  EXPECT_FALSE(pattern::datagram_matches(datagram.data(), datagram.size(), 301));
}

}  // namespace
