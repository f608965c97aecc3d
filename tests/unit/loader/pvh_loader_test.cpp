#include "vmm/loader/pvh_loader.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "abi/platform.h"
#include "tests/unit/loader/elf_builder.h"

namespace vmm {
namespace {

using test::BuiltElf;
using test::ElfBuilder;
using test::poke;

constexpr uint64_t kRamSize = 32 << 20;
constexpr uint64_t kTextGpa = 0x100000;
constexpr uint64_t kDataGpa = 0x200000;
constexpr uint64_t kEntry = kTextGpa + 0x10;

std::vector<uint8_t> pattern(size_t size, uint8_t seed) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(seed + i * 7);
  return bytes;
}

// A kernel shaped like a real one: text, then data with a bss tail.
ElfBuilder pvh_kernel(ElfBuilder::Class elf_class) {
  ElfBuilder b(elf_class);
  b.load(kTextGpa, pattern(0x300, 1), 0x300)
      .load(kDataGpa, pattern(0x80, 2), 0x2000)
      .pvh_entry(kEntry);
  return b;
}

class PvhLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = GuestMemory::create(kRamSize);
    ASSERT_TRUE(created.ok()) << created.error().message;
    memory_.emplace(std::move(created).value());
  }

  std::vector<uint8_t> guest_bytes(uint64_t gpa, size_t size) {
    std::vector<uint8_t> out(size);
    EXPECT_TRUE(memory_->read(gpa, out).ok());
    return out;
  }

  // Loads `image` and expects the error message to contain `text`.
  void expect_refused(const std::vector<uint8_t>& image, const std::string& text) {
    auto loaded = load_pvh_elf(image, *memory_);
    ASSERT_FALSE(loaded.ok()) << "image was accepted; expected: " << text;
    EXPECT_NE(loaded.error().message.find(text), std::string::npos)
        << "message: " << loaded.error().message << "\nexpected to contain: " << text;
  }

  std::optional<GuestMemory> memory_;
};

TEST_F(PvhLoaderTest, Elf64KernelLoadsAtPhysicalAddresses) {
  // Dirty the bss range first: the loader must zero it, not rely on fresh RAM.
  ASSERT_TRUE(memory_->write(kDataGpa, std::vector<uint8_t>(0x2000, 0xAA)).ok());
  auto loaded = load_pvh_elf(pvh_kernel(ElfBuilder::Class::k64).build().bytes, *memory_);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->entry_gpa, kEntry);
  EXPECT_EQ(loaded->image_start_gpa, kTextGpa);
  EXPECT_EQ(loaded->image_end_gpa, kDataGpa + 0x2000);
  EXPECT_EQ(guest_bytes(kTextGpa, 0x300), pattern(0x300, 1));
  EXPECT_EQ(guest_bytes(kDataGpa, 0x80), pattern(0x80, 2));
  EXPECT_EQ(guest_bytes(kDataGpa + 0x80, 0x2000 - 0x80), std::vector<uint8_t>(0x2000 - 0x80, 0));
}

TEST_F(PvhLoaderTest, Elf32KernelLoadsToo) {
  auto loaded = load_pvh_elf(pvh_kernel(ElfBuilder::Class::k32).build().bytes, *memory_);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->entry_gpa, kEntry);
  EXPECT_EQ(guest_bytes(kTextGpa, 0x300), pattern(0x300, 1));
  EXPECT_EQ(guest_bytes(kDataGpa + 0x80, 0x100), std::vector<uint8_t>(0x100, 0));
}

TEST_F(PvhLoaderTest, EntryNoteWithEightByteDescriptor) {
  ElfBuilder b(ElfBuilder::Class::k64);
  b.load(kTextGpa, pattern(0x100, 3), 0x100).pvh_entry(kTextGpa + 4, 8);
  auto loaded = load_pvh_elf(b.build().bytes, *memory_);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->entry_gpa, kTextGpa + 4);
}

TEST_F(PvhLoaderTest, EntryNoteFoundAfterOtherNotes) {
  ElfBuilder b(ElfBuilder::Class::k64);
  b.load(kTextGpa, pattern(0x100, 3), 0x100)
      .note({"GNU", NT_GNU_BUILD_ID, pattern(20, 9)})
      .note({"Xen", 5, pattern(6, 1)})  // another Xen note (XEN_ELFNOTE_XEN_VERSION)
      .note({"Linux", platform::kXenElfNotePhys32Entry, pattern(4, 0)})  // right type, wrong owner
      .pvh_entry(kTextGpa + 8);
  auto loaded = load_pvh_elf(b.build().bytes, *memory_);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->entry_gpa, kTextGpa + 8);
}

// binutils puts GNU property notes in 8-aligned note segments: the
// descriptor starts at the next 8-byte boundary after the 12-byte header and
// name, so "GNU\0" leaves no padding (16), which 4-byte rules would misread.
TEST_F(PvhLoaderTest, EntryNoteFoundInEightByteAlignedNotes) {
  for (auto elf_class : {ElfBuilder::Class::k32, ElfBuilder::Class::k64}) {
    for (bool in_section : {false, true}) {
      ElfBuilder b(elf_class);
      b.load(kTextGpa, pattern(0x100, 3), 0x100)
          .note({"GNU", NT_GNU_PROPERTY_TYPE_0, pattern(16, 5)})
          .note({"Xenon", 7, pattern(3, 5)})  // odd sizes: padding after name and desc
          .pvh_entry(kTextGpa + 0x30, 8)
          .notes_aligned_to(8);
      if (in_section) b.notes_in_section_only();
      auto loaded = load_pvh_elf(b.build().bytes, *memory_);
      ASSERT_TRUE(loaded.ok()) << loaded.error().message;
      EXPECT_EQ(loaded->entry_gpa, kTextGpa + 0x30);
    }
  }
}

TEST_F(PvhLoaderTest, EntryNoteFoundInSectionWithoutNoteSegment) {
  for (auto elf_class : {ElfBuilder::Class::k32, ElfBuilder::Class::k64}) {
    ElfBuilder b(elf_class);
    b.load(kTextGpa, pattern(0x100, 3), 0x100).pvh_entry(kTextGpa + 0x20).notes_in_section_only();
    auto loaded = load_pvh_elf(b.build().bytes, *memory_);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->entry_gpa, kTextGpa + 0x20);
  }
}

// ---- refused images: one clear message each ----

TEST_F(PvhLoaderTest, RefusesEmptyFile) { expect_refused({}, "file is empty"); }

TEST_F(PvhLoaderTest, RefusesBadMagic) {
  expect_refused({'#', '!', '/', 'b', 'i', 'n'}, "not an ELF file");
  expect_refused({0x7f, 'E'}, "not an ELF file");
  auto image = pvh_kernel(ElfBuilder::Class::k64).build().bytes;
  image[1] = 'X';
  expect_refused(image, "not an ELF file");
}

TEST_F(PvhLoaderTest, RefusesTruncatedHeader) {
  auto image = pvh_kernel(ElfBuilder::Class::k64).build().bytes;
  expect_refused(std::vector<uint8_t>(image.begin(), image.begin() + 10), "truncated");
  expect_refused(std::vector<uint8_t>(image.begin(), image.begin() + 40), "truncated");
}

TEST_F(PvhLoaderTest, RefusesTruncatedSegmentOrNotes) {
  BuiltElf built = pvh_kernel(ElfBuilder::Class::k64).build();
  auto long_segment = built.bytes;  // data segment claims more file than there is
  size_t data = built.load_header_offsets[1];
  poke<uint64_t>(long_segment, data + offsetof(Elf64_Phdr, p_filesz), 0x2000);
  expect_refused(long_segment, "truncated ELF file (segment 1 runs past the end of the file)");
  auto cut = built.bytes;  // the notes come last in the file
  cut.resize(cut.size() - 4);
  expect_refused(cut, "truncated ELF file (a note area runs past the end of the file)");
}

TEST_F(PvhLoaderTest, RefusesOtherMachines) {
  auto elf64 = pvh_kernel(ElfBuilder::Class::k64).build().bytes;
  auto big_endian = elf64;
  big_endian[EI_DATA] = ELFDATA2MSB;
  expect_refused(big_endian, "built for another machine");
  auto arm = elf64;
  poke<uint16_t>(arm, offsetof(Elf64_Ehdr, e_machine), EM_AARCH64);
  expect_refused(arm, "built for another machine");
  auto bad_class = elf64;
  bad_class[EI_CLASS] = 7;
  expect_refused(bad_class, "built for another machine");
  auto x32 = pvh_kernel(ElfBuilder::Class::k32).build().bytes;  // ELF32 must be i386
  poke<uint16_t>(x32, offsetof(Elf32_Ehdr, e_machine), EM_X86_64);
  expect_refused(x32, "built for another machine");
}

TEST_F(PvhLoaderTest, RefusesImageWithoutProgramHeaders) {
  auto image = pvh_kernel(ElfBuilder::Class::k64).build().bytes;
  poke<uint16_t>(image, offsetof(Elf64_Ehdr, e_phnum), 0);
  expect_refused(image, "no program headers");
}

TEST_F(PvhLoaderTest, RefusesProgramHeaderTablePastTheEnd) {
  auto image = pvh_kernel(ElfBuilder::Class::k64).build().bytes;
  auto many = image;
  poke<uint16_t>(many, offsetof(Elf64_Ehdr, e_phnum), 0xFFFF);
  expect_refused(many, "truncated ELF file (program header table");
  auto far = image;
  poke<uint64_t>(far, offsetof(Elf64_Ehdr, e_phoff), 0xFFFFFFFFFFFFFFF0ull);
  expect_refused(far, "truncated ELF file (program header table");
  auto small_entries = image;
  poke<uint16_t>(small_entries, offsetof(Elf64_Ehdr, e_phentsize), 8);
  expect_refused(small_entries, "program header entry size 8 is too small");
}

TEST_F(PvhLoaderTest, RefusesSegmentOffsetsThatOverflow) {
  BuiltElf built = pvh_kernel(ElfBuilder::Class::k64).build();
  size_t text = built.load_header_offsets[0];
  auto huge_offset = built.bytes;
  poke<uint64_t>(huge_offset, text + offsetof(Elf64_Phdr, p_offset), UINT64_MAX - 0x10);
  expect_refused(huge_offset, "truncated ELF file (segment 0 runs past the end");
  auto huge_sizes = built.bytes;
  poke<uint64_t>(huge_sizes, text + offsetof(Elf64_Phdr, p_filesz), UINT64_MAX - 0x10);
  poke<uint64_t>(huge_sizes, text + offsetof(Elf64_Phdr, p_memsz), UINT64_MAX - 0x10);
  expect_refused(huge_sizes, "truncated ELF file (segment 0");
  auto wraps = built.bytes;
  poke<uint64_t>(wraps, text + offsetof(Elf64_Phdr, p_paddr), UINT64_MAX - 0x100);
  expect_refused(wraps, "segment 0 at 0xfffffffffffffeff wraps around");
}

TEST_F(PvhLoaderTest, RefusesFileSizeLargerThanMemorySize) {
  BuiltElf built = pvh_kernel(ElfBuilder::Class::k64).build();
  poke<uint64_t>(built.bytes, built.load_header_offsets[0] + offsetof(Elf64_Phdr, p_memsz), 0x10);
  expect_refused(built.bytes, "segment 0: file size 0x300 exceeds memory size 0x10");
}

TEST_F(PvhLoaderTest, RefusesKernelWithoutPvhNote) {
  ElfBuilder b(ElfBuilder::Class::k64);
  b.load(kTextGpa, pattern(0x100, 3), 0x100).note({"GNU", NT_GNU_BUILD_ID, pattern(20, 9)});
  expect_refused(b.build().bytes, "no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
  ElfBuilder no_notes(ElfBuilder::Class::k32);
  no_notes.load(kTextGpa, pattern(0x100, 3), 0x100);
  expect_refused(no_notes.build().bytes, "no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
}

TEST_F(PvhLoaderTest, RefusesNotesWithBogusSizes) {
  BuiltElf built = pvh_kernel(ElfBuilder::Class::k64).build();
  auto name = built.bytes;
  poke<uint32_t>(name, built.notes_offset, 0xFFFFFFFF);  // namesz
  expect_refused(name, "malformed ELF note");
  auto desc = built.bytes;
  poke<uint32_t>(desc, built.notes_offset + 4, 0xFFFFFFFD);  // descsz
  expect_refused(desc, "malformed ELF note");
  auto just_past = built.bytes;
  poke<uint32_t>(just_past, built.notes_offset + 4, 8);  // desc overruns the segment by 4
  expect_refused(just_past, "malformed ELF note");
}

TEST_F(PvhLoaderTest, RefusesPvhNoteWithOddDescriptorSize) {
  ElfBuilder b(ElfBuilder::Class::k64);
  b.load(kTextGpa, pattern(0x100, 3), 0x100).pvh_entry(kTextGpa, 2);
  expect_refused(b.build().bytes, "PVH entry note has a 2-byte descriptor");
}

TEST_F(PvhLoaderTest, RefusesSegmentInTheBootArea) {
  ElfBuilder b(ElfBuilder::Class::k64);
  b.load(platform::kAcpiTablesGpa, pattern(0x100, 3), 0x100).pvh_entry(platform::kAcpiTablesGpa);
  expect_refused(b.build().bytes, "segment 0 at 0xe0000 overlaps the boot area below 0x100000");
  ElfBuilder straddles(ElfBuilder::Class::k64);
  straddles.load(kTextGpa - 0x10, pattern(0x100, 3), 0x100).pvh_entry(kTextGpa);
  expect_refused(straddles.build().bytes, "overlaps the boot area");
}

TEST_F(PvhLoaderTest, RefusesSegmentOutsideGuestRam) {
  ElfBuilder past_end(ElfBuilder::Class::k64);
  past_end.load(kTextGpa, pattern(0x100, 3), 0x100)
      .load(kRamSize - 0x100, pattern(0x100, 4), 0x1000)  // bss runs past the end
      .pvh_entry(kTextGpa);
  expect_refused(past_end.build().bytes, "segment 1 [0x1ffff00, 0x2000f00) is outside guest RAM");
  ElfBuilder hole(ElfBuilder::Class::k32);
  hole.load(platform::kIoapicGpa, pattern(0x100, 3), 0x100).pvh_entry(platform::kIoapicGpa);
  expect_refused(hole.build().bytes, "is outside guest RAM");
}

TEST_F(PvhLoaderTest, RefusesSegmentInADeviceWindowThatIsNotRam) {
  auto window = MmapRegion::create_anonymous(0x10000);
  ASSERT_TRUE(window.ok());
  ASSERT_TRUE(memory_->add_region(platform::kShmemDefaultGpa, std::move(window).value(), false).ok());
  ElfBuilder b(ElfBuilder::Class::k64);
  b.load(platform::kShmemDefaultGpa, pattern(0x100, 3), 0x100).pvh_entry(platform::kShmemDefaultGpa);
  expect_refused(b.build().bytes, "is outside guest RAM");
}

TEST_F(PvhLoaderTest, RefusesEntryOutsideLoadedCode) {
  ElfBuilder outside(ElfBuilder::Class::k64);
  outside.load(kTextGpa, pattern(0x100, 3), 0x100).pvh_entry(0x400000);
  expect_refused(outside.build().bytes, "entry point 0x400000 is not inside a loaded segment");
  ElfBuilder in_bss(ElfBuilder::Class::k64);
  in_bss.load(kTextGpa, pattern(0x100, 3), 0x1000).pvh_entry(kTextGpa + 0x800);
  expect_refused(in_bss.build().bytes, "is not inside a loaded segment");
}

TEST_F(PvhLoaderTest, RefusesImageWithNothingToLoad) {
  ElfBuilder b(ElfBuilder::Class::k64);
  b.pvh_entry(kTextGpa);
  expect_refused(b.build().bytes, "no loadable (PT_LOAD) segments");
}

TEST_F(PvhLoaderTest, RefusedImageLeavesGuestMemoryUntouched) {
  ElfBuilder b(ElfBuilder::Class::k64);
  b.load(kTextGpa, pattern(0x100, 3), 0x100)
      .load(kRamSize, pattern(0x10, 4), 0x10)  // bad: past the end of RAM
      .pvh_entry(kTextGpa);
  expect_refused(b.build().bytes, "outside guest RAM");
  EXPECT_EQ(guest_bytes(kTextGpa, 0x100), std::vector<uint8_t>(0x100, 0));
}

// Hostile input must never crash the loader: every strict prefix of a good
// image is refused, and random corruptions of its headers and notes either
// load or are refused.
TEST_F(PvhLoaderTest, SurvivesTruncationAndCorruption) {
  BuiltElf built = pvh_kernel(ElfBuilder::Class::k64).build();
  const auto& image = built.bytes;
  for (size_t len = 0; len < image.size(); ++len)
    EXPECT_FALSE(load_pvh_elf(std::span(image).first(len), *memory_).ok()) << len << " bytes";
  uint32_t state = 12345;
  auto next = [&] { return (state = state * 1103515245u + 12345u) >> 8; };
  size_t headers_end = built.phoff + 3 * built.phentsize;
  size_t notes_size = image.size() - built.notes_offset;
  for (int round = 0; round < 4000; ++round) {
    auto corrupt = image;
    for (int hit = 0; hit < 3; ++hit) {
      size_t at = round % 2 ? next() % headers_end : built.notes_offset + next() % notes_size;
      corrupt[at] = static_cast<uint8_t>(next());
    }
    (void)load_pvh_elf(corrupt, *memory_);
  }
}

}  // namespace
}  // namespace vmm
