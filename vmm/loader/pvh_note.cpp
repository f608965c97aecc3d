#include "vmm/loader/pvh_note.h"

#include <elf.h>

#include <cstring>
#include <optional>
#include <string>

#include "abi/platform.h"
#include "vmm/loader/checked_range.h"

namespace vmm::loader {

namespace {

// A run of notes in the file: the contents of one PT_NOTE or SHT_NOTE.
struct NoteArea {
  uint64_t offset;
  uint64_t size;
  uint64_t align;
};

// gABI "Note Section": namesz, descsz and type are 4-byte words in both
// classes; the descriptor and the next note start on a 4-byte boundary, or on
// an 8-byte one when the segment/section itself is 8-aligned (what binutils
// emits for GNU property notes, and how readelf reads them). Offsets are
// relative to the area's start, which has that alignment.
uint64_t note_padding_for(uint64_t area_align) { return area_align == 8 ? 8 : 4; }

uint64_t align_up(uint64_t value, uint64_t align) {
  return (value + align - 1) & ~(align - 1);  // value <= image size: no wrap
}

uint32_t read_word(std::span<const uint8_t> bytes, uint64_t at) {
  uint32_t word;
  std::memcpy(&word, bytes.data() + at, sizeof word);
  return word;
}

bool is_xen_owner(std::span<const uint8_t> name) {
  static constexpr char kXen[] = "Xen";  // namesz counts the NUL: 4
  return name.size() == sizeof kXen && std::memcmp(name.data(), kXen, sizeof kXen) == 0;
}

Result<uint64_t> decode_entry(std::span<const uint8_t> desc) {
  if (desc.size() == 4) return uint64_t{read_word(desc, 0)};
  if (desc.size() == 8) {
    uint64_t entry;
    std::memcpy(&entry, desc.data(), sizeof entry);
    return entry;
  }
  return make_error("PVH entry note has a " + std::to_string(desc.size()) +
                    "-byte descriptor (expected 4 or 8)");
}

Error malformed_note() {
  return make_error("malformed ELF note (its name or descriptor size runs past the note area)");
}

// Walks every note of one area; refuses any note whose sizes overrun it.
Result<std::optional<uint64_t>> scan_note_area(std::span<const uint8_t> image, NoteArea area) {
  if (!range_within(area.offset, area.size, image.size()))
    return make_error("truncated ELF file (a note area runs past the end of the file)");
  auto notes = image.subspan(area.offset, area.size);
  uint64_t padding = note_padding_for(area.align);
  constexpr uint64_t kNoteHeaderSize = 3 * sizeof(uint32_t);
  uint64_t pos = 0;
  while (pos < notes.size()) {
    if (notes.size() - pos < kNoteHeaderSize) return malformed_note();
    uint64_t namesz = read_word(notes, pos);
    uint64_t descsz = read_word(notes, pos + 4);
    uint32_t type = read_word(notes, pos + 8);
    uint64_t name_at = pos + kNoteHeaderSize;
    if (!range_within(name_at, namesz, notes.size())) return malformed_note();
    uint64_t desc_at = align_up(name_at + namesz, padding);
    if (!range_within(desc_at, descsz, notes.size())) return malformed_note();
    if (type == platform::kXenElfNotePhys32Entry && is_xen_owner(notes.subspan(name_at, namesz)))
      return std::optional<uint64_t>(VMM_TRY(decode_entry(notes.subspan(desc_at, descsz))));
    pos = align_up(desc_at + descsz, padding);
  }
  return std::optional<uint64_t>{};
}

Result<std::optional<uint64_t>> scan_areas(std::span<const uint8_t> image,
                                           const std::vector<NoteArea>& areas) {
  for (const NoteArea& area : areas) {
    auto entry = VMM_TRY(scan_note_area(image, area));
    if (entry) return entry;
  }
  return std::optional<uint64_t>{};
}

}  // namespace

Result<uint64_t> find_pvh_entry(std::span<const uint8_t> image, const ElfFileHeader& header,
                                const std::vector<ElfProgramHeader>& segments) {
  std::vector<NoteArea> note_segments;
  for (const auto& s : segments)
    if (s.type == PT_NOTE) note_segments.push_back({s.offset, s.filesz, s.align});
  if (auto entry = VMM_TRY(scan_areas(image, note_segments))) return *entry;

  std::vector<ElfSectionHeader> sections = VMM_TRY(parse_elf_section_headers(image, header));
  std::vector<NoteArea> note_sections;
  for (const auto& s : sections)
    if (s.type == SHT_NOTE) note_sections.push_back({s.offset, s.size, s.addralign});
  if (auto entry = VMM_TRY(scan_areas(image, note_sections))) return *entry;

  return make_error("no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
}

}  // namespace vmm::loader
