#include "checksum.h"

namespace net {

namespace {

// The ones' complement sum of len / 32 blocks of 32 bytes, as 16-bit words
// in the machine's (little-endian) order, folded to 16 bits. RFC 1071 2(B):
// the sum may be taken in either byte order and swapped at the end, and
// 2(C): in 64-bit words with end-around carry. Four ADCs per 32 bytes: the
// guest kernel runs on a hypervisor that emulates kernel code one
// instruction at a time, where this loop is ~8x faster than a byte-order
// aware one.
uint16_t sum_blocks_native(const uint8_t* data, size_t blocks) {
  uint64_t sum = 0;
#if defined(__x86_64__)
  asm("1:\n\t"
      "addq 0(%[p]), %[s]\n\t"
      "adcq 8(%[p]), %[s]\n\t"
      "adcq 16(%[p]), %[s]\n\t"
      "adcq 24(%[p]), %[s]\n\t"
      "adcq $0, %[s]\n\t"
      "addq $32, %[p]\n\t"
      "decq %[n]\n\t"
      "jnz 1b"
      : [s] "+r"(sum), [p] "+r"(data), [n] "+r"(blocks)
      :
      : "cc", "memory");
#else
  for (size_t i = 0; i < blocks * 16; ++i) {
    sum += static_cast<uint64_t>(data[2 * i]) | static_cast<uint64_t>(data[2 * i + 1]) << 8;
  }
#endif
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

}  // namespace

void InternetChecksum::add(const uint8_t* data, size_t len) {
  if (len == 0) return;
  if (odd_) {
    sum_ += data[0];
    ++data;
    --len;
    odd_ = false;
  }
  if (size_t blocks = len / 32; blocks > 0) {
    uint16_t native = sum_blocks_native(data, blocks);
    sum_ += static_cast<uint16_t>(native >> 8 | native << 8);  // to big-endian order
    data += blocks * 32;
    len -= blocks * 32;
  }
  // Summing 32-bit big-endian words into 64 bits folds to the same 16-bit
  // ones' complement sum (RFC 1071 2(B): the sum is byte-order and word-size
  // independent up to the final fold).
  while (len >= 4) {
    sum_ += load_be32(data);
    data += 4;
    len -= 4;
  }
  if (len >= 2) {
    sum_ += load_be16(data);
    data += 2;
    len -= 2;
  }
  if (len == 1) {
    sum_ += static_cast<uint32_t>(data[0]) << 8;
    odd_ = true;
  }
}

void InternetChecksum::add_u16(uint16_t value) {
  uint8_t bytes[2];
  store_be16(bytes, value);
  add(bytes, 2);
}

uint16_t InternetChecksum::finish() const {
  uint64_t sum = sum_;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

uint16_t internet_checksum(const uint8_t* data, size_t len) {
  InternetChecksum sum;
  sum.add(data, len);
  return sum.finish();
}

void add_pseudo_header(InternetChecksum& sum, Ipv4Addr source, Ipv4Addr destination,
                       uint8_t protocol, uint16_t length) {
  uint8_t header[12];
  store_be32(header, source);
  store_be32(header + 4, destination);
  header[8] = 0;
  header[9] = protocol;
  store_be16(header + 10, length);
  sum.add(header, sizeof header);
}

uint16_t transport_checksum(Ipv4Addr source, Ipv4Addr destination, uint8_t protocol,
                            const uint8_t* message, size_t len) {
  InternetChecksum sum;
  add_pseudo_header(sum, source, destination, protocol, static_cast<uint16_t>(len));
  sum.add(message, len);
  return sum.finish();
}

}  // namespace net
