#include "tests/unit/loader/elf_builder.h"

#include "abi/platform.h"

namespace vmm::test {

namespace {

size_t align16(size_t n) { return (n + 15) & ~size_t{15}; }
size_t align_to(size_t n, size_t alignment) { return (n + alignment - 1) & ~(alignment - 1); }

template <typename T>
void append(std::vector<uint8_t>& out, const T& value) {
  const auto* p = reinterpret_cast<const uint8_t*>(&value);
  out.insert(out.end(), p, p + sizeof value);
}

// Widened description of one program header before it is encoded.
struct Phdr {
  uint32_t type;
  uint64_t offset, paddr, filesz, memsz, align;
};

template <typename Ehdr>
Ehdr file_header(uint8_t elf_class, uint16_t machine, size_t phentsize, size_t phnum) {
  Ehdr e{};
  std::memcpy(e.e_ident, ELFMAG, SELFMAG);
  e.e_ident[EI_CLASS] = elf_class;
  e.e_ident[EI_DATA] = ELFDATA2LSB;
  e.e_ident[EI_VERSION] = EV_CURRENT;
  e.e_type = ET_EXEC;
  e.e_machine = machine;
  e.e_version = EV_CURRENT;
  e.e_phoff = sizeof(Ehdr);
  e.e_ehsize = sizeof(Ehdr);
  e.e_phentsize = static_cast<uint16_t>(phentsize);
  e.e_phnum = static_cast<uint16_t>(phnum);
  return e;
}

template <typename Phdr_t>
Phdr_t encode(const Phdr& p) {
  Phdr_t out{};
  out.p_type = p.type;
  out.p_offset = p.offset;
  out.p_paddr = p.paddr;
  out.p_vaddr = p.paddr;
  out.p_filesz = p.filesz;
  out.p_memsz = p.memsz;
  out.p_align = p.align;
  out.p_flags = PF_R | PF_X;
  return out;
}

// A null section and one SHT_NOTE section over the notes, at `shoff`, and
// the file header fields that point at them.
template <typename Ehdr, typename Shdr>
void append_note_section_table(std::vector<uint8_t>& out, size_t shoff, size_t notes_offset,
                               size_t notes_size, size_t alignment) {
  out.resize(shoff);
  append(out, Shdr{});  // SHN_UNDEF
  Shdr note{};
  note.sh_type = SHT_NOTE;
  note.sh_offset = notes_offset;
  note.sh_size = notes_size;
  note.sh_addralign = alignment;
  append(out, note);
  Ehdr header;
  std::memcpy(&header, out.data(), sizeof header);
  header.e_shoff = shoff;
  header.e_shentsize = sizeof(Shdr);
  header.e_shnum = 2;
  std::memcpy(out.data(), &header, sizeof header);
}

}  // namespace

std::vector<uint8_t> encode_notes(const std::vector<NoteSpec>& notes, size_t alignment) {
  std::vector<uint8_t> out;
  for (const auto& n : notes) {
    append(out, static_cast<uint32_t>(n.name.size() + 1));
    append(out, static_cast<uint32_t>(n.desc.size()));
    append(out, n.type);
    out.insert(out.end(), n.name.begin(), n.name.end());
    out.resize(align_to(out.size() + 1, alignment));
    out.insert(out.end(), n.desc.begin(), n.desc.end());
    out.resize(align_to(out.size(), alignment));
  }
  return out;
}

ElfBuilder& ElfBuilder::load(uint64_t paddr, std::vector<uint8_t> data, uint64_t memsz) {
  loads_.push_back({paddr, std::move(data), memsz});
  return *this;
}

ElfBuilder& ElfBuilder::note(NoteSpec note) {
  notes_.push_back(std::move(note));
  return *this;
}

ElfBuilder& ElfBuilder::pvh_entry(uint64_t entry, size_t descsz) {
  std::vector<uint8_t> desc(descsz);
  std::memcpy(desc.data(), &entry, std::min(descsz, sizeof entry));
  return note({"Xen", platform::kXenElfNotePhys32Entry, desc});
}

ElfBuilder& ElfBuilder::notes_in_section_only() {
  notes_in_section_only_ = true;
  return *this;
}

ElfBuilder& ElfBuilder::notes_aligned_to(size_t alignment) {
  note_alignment_ = alignment;
  return *this;
}

BuiltElf ElfBuilder::build() const {
  bool is64 = class_ == Class::k64;
  size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
  size_t phentsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
  std::vector<uint8_t> note_bytes = encode_notes(notes_, note_alignment_);
  bool note_segment = !note_bytes.empty() && !notes_in_section_only_;
  size_t phnum = loads_.size() + (note_segment ? 1 : 0);

  BuiltElf built;
  built.phoff = ehsize;
  built.phentsize = phentsize;
  // Contents after the headers: each segment's data, then the notes.
  size_t cursor = align16(ehsize + phnum * phentsize);
  std::vector<Phdr> phdrs;
  for (const auto& l : loads_) {
    built.load_header_offsets.push_back(ehsize + phdrs.size() * phentsize);
    phdrs.push_back({PT_LOAD, cursor, l.paddr, l.data.size(), l.memsz, 0x1000});
    cursor = align16(cursor + l.data.size());
  }
  built.notes_offset = cursor;
  if (note_segment) phdrs.push_back({PT_NOTE, cursor, 0, note_bytes.size(), 0, note_alignment_});
  size_t shoff = align16(cursor + note_bytes.size());

  auto& out = built.bytes;
  if (is64) append(out, file_header<Elf64_Ehdr>(ELFCLASS64, EM_X86_64, phentsize, phnum));
  else append(out, file_header<Elf32_Ehdr>(ELFCLASS32, EM_386, phentsize, phnum));
  for (const auto& p : phdrs) {
    if (is64) append(out, encode<Elf64_Phdr>(p));
    else append(out, encode<Elf32_Phdr>(p));
  }
  for (size_t i = 0; i < loads_.size(); ++i) {
    out.resize(phdrs[i].offset);
    out.insert(out.end(), loads_[i].data.begin(), loads_[i].data.end());
  }
  out.resize(built.notes_offset);
  out.insert(out.end(), note_bytes.begin(), note_bytes.end());
  if (notes_in_section_only_) {
    if (is64)
      append_note_section_table<Elf64_Ehdr, Elf64_Shdr>(out, shoff, built.notes_offset,
                                                        note_bytes.size(), note_alignment_);
    else
      append_note_section_table<Elf32_Ehdr, Elf32_Shdr>(out, shoff, built.notes_offset,
                                                        note_bytes.size(), note_alignment_);
  }
  return built;
}

}  // namespace vmm::test
