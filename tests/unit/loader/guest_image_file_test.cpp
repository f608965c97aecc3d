#include "vmm/loader/guest_image_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/unit/loader/elf_builder.h"
#include "vmm/loader/pvh_loader.h"

namespace vmm {
namespace {

// A file in a fresh temporary directory, removed with it.
class TempDir {
 public:
  TempDir() {
    char templ[] = "/tmp/vmm-loader-test-XXXXXX";
    path_ = ::mkdtemp(templ);
  }
  ~TempDir() {
    std::remove(file_.c_str());
    ::rmdir(path_.c_str());
  }
  std::string write_file(const std::vector<uint8_t>& bytes) {
    file_ = path_ + "/guest.elf";
    FILE* f = std::fopen(file_.c_str(), "wb");
    if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
    return file_;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string file_;
};

TEST(GuestImageFile, ReadsWholeFile) {
  TempDir dir;
  std::vector<uint8_t> bytes(10000);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i);
  auto read = read_guest_image(dir.write_file(bytes));
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(*read, bytes);
}

TEST(GuestImageFile, MissingFileNamesPathAndReason) {
  auto read = read_guest_image("/nonexistent/guest.elf");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().message,
            "guest image '/nonexistent/guest.elf': cannot open: No such file or directory");
}

TEST(GuestImageFile, RefusesDirectoryAndEmptyFile) {
  TempDir dir;
  auto directory = read_guest_image(dir.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error().message, "guest image '" + dir.path() + "': not a regular file");
  std::string empty = dir.write_file({});
  auto read = read_guest_image(empty);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().message, "guest image '" + empty + "': file is empty");
}

TEST(GuestImageFile, LoadGuestImagePrefixesLoaderErrorsWithThePath) {
  TempDir dir;
  std::string path = dir.write_file({'n', 'o', 't', ' ', 'e', 'l', 'f'});
  auto memory = GuestMemory::create(16 << 20);
  ASSERT_TRUE(memory.ok());
  auto loaded = load_guest_image(path, *memory);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message, "guest image '" + path + "': not an ELF file");
}

TEST(GuestImageFile, LoadGuestImageLoadsAGoodKernel) {
  TempDir dir;
  test::ElfBuilder b(test::ElfBuilder::Class::k64);
  b.load(0x100000, std::vector<uint8_t>(64, 0x90), 64).pvh_entry(0x100000);
  std::string path = dir.write_file(b.build().bytes);
  auto memory = GuestMemory::create(16 << 20);
  ASSERT_TRUE(memory.ok());
  auto loaded = load_guest_image(path, *memory);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->entry_gpa, 0x100000u);
}

}  // namespace
}  // namespace vmm
