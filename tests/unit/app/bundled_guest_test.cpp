// The bundled guest in every build tree: each binary that needs it embeds the
// guest.elf its build was configured with (VMM_GUEST_ELF: the guest built in
// this tree, or, in the sanitizer tree, the default tree's), and vmm-bench
// hands the very same bytes to vmm and QEMU through a private file. Nothing
// looks for a guest.elf beside a binary (issue 14: the asan tree had none).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "bench/bundled_guest_file.h"
#include "vmm/app/bundled_guest.h"
#include "vmm/loader/elf_image.h"
#include "vmm/loader/pvh_note.h"

namespace vmm {
namespace {

std::vector<uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<uint8_t> embedded_bytes() {
  auto image = bundled_guest_image();
  return {image.begin(), image.end()};
}

TEST(BundledGuest, IsTheGuestThisBuildWasConfiguredWith) {
  auto configured = file_bytes(CONFIGURED_GUEST_ELF);
  ASSERT_FALSE(configured.empty()) << CONFIGURED_GUEST_ELF;
  EXPECT_TRUE(embedded_bytes() == configured) << "the embedded guest differs from " << CONFIGURED_GUEST_ELF;
}

TEST(BundledGuest, IsAPvhKernel) {
  auto image = bundled_guest_image();
  auto header = loader::parse_elf_file_header(image);
  ASSERT_TRUE(header.ok()) << header.error().message;
  auto segments = loader::parse_elf_program_headers(image, *header);
  ASSERT_TRUE(segments.ok()) << segments.error().message;
  auto entry = loader::find_pvh_entry(image, *header, *segments);
  ASSERT_TRUE(entry.ok()) << entry.error().message;
  EXPECT_NE(*entry, 0u);
}

TEST(BundledGuestFile, HoldsTheEmbeddedBytesAndGoesAwayWithItsOwner) {
  std::string path;
  {
    auto file = bench::GuestImageFile::write(bundled_guest_image());
    ASSERT_TRUE(file.ok()) << file.error().message;
    path = file->path();
    EXPECT_TRUE(file_bytes(path) == embedded_bytes());
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(path).parent_path()));
}

}  // namespace
}  // namespace vmm
