#!/usr/bin/env python3
"""Writes the seed corpora in tests/fuzz/corpus/<target>/: small, valid (and a
few deliberately hostile) inputs in each target's input format, so the
fuzzers start from inputs that reach deep into the code. The formats are
described at the top of each *_fuzz.cpp; keep the two in step.

    tests/fuzz/make_seeds.py [BUILD_DIR]

BUILD_DIR (default build/) supplies the small PVH test guests built from
tests/integration/guests for the loader's corpus; without them the loader
corpus holds only the ELF files made here.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def u8(v): return struct.pack("<B", v & 0xff)
def u16(v): return struct.pack("<H", v & 0xffff)
def u32(v): return struct.pack("<I", v & 0xffffffff)
def u64(v): return struct.pack("<Q", v & 0xffffffffffffffff)


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


NEXT, WRITE, INDIRECT = 1, 2, 4


def desc_bytes(addr, length, flags, nxt):
    return u64(addr) + u32(length) + u16(flags) + u16(nxt)


# ---- virtqueue_fuzz ----
class VQ:
    PATCH, DESC, AVAIL_ENTRY, AVAIL_IDX, USED_EVENT, POP, COMPLETE, UNPOP, PUBLISH, NOTIFY = range(10)


def vq_header(size_log2, features, desc=0x1000, avail=0x2000, used=0x3000):
    return u8(size_log2) + u8(features) + u32(desc) + u32(avail) + u32(used)


def vq_desc(index, addr, length, flags, nxt):
    return u8(VQ.DESC) + u16(index) + u64(addr) + u32(length) + u8(flags) + u16(nxt)


def vq_avail(pos, head): return u8(VQ.AVAIL_ENTRY) + u16(pos) + u16(head)
def vq_idx(idx): return u8(VQ.AVAIL_IDX) + u16(idx)
def vq_patch(gpa, data): return u8(VQ.PATCH) + u32(gpa) + u8(len(data)) + data


def virtqueue_seeds():
    pop_complete = u8(VQ.POP) + u8(VQ.COMPLETE) + u32(100) + u8(VQ.PUBLISH) + u8(VQ.NOTIFY) + u8(1)
    # One readable and one writable descriptor.
    write("virtqueue_fuzz", "two_descriptors",
          vq_header(3, 0) + vq_desc(0, 0x4000, 64, NEXT, 1) + vq_desc(1, 0x5000, 128, WRITE, 0) +
          vq_avail(0, 0) + vq_idx(1) + pop_complete)
    # An indirect table of two descriptors at 0x6000.
    table = desc_bytes(0x4000, 32, NEXT, 1) + desc_bytes(0x5000, 64, WRITE, 0)
    write("virtqueue_fuzz", "indirect",
          vq_header(3, 2) + vq_patch(0x6000, table) + vq_desc(0, 0x6000, 32, INDIRECT, 0) +
          vq_avail(0, 0) + vq_idx(1) + pop_complete)
    # EVENT_IDX, several chains, wrap of the ring positions, unpop.
    prog = vq_header(2, 1)
    for i in range(4):
        prog += vq_desc(i, 0x4000 + 0x100 * i, 16, WRITE, 0) + vq_avail(i, i)
    prog += vq_idx(4) + u8(VQ.USED_EVENT) + u16(1) + u16(0)
    prog += u8(VQ.POP) + u8(VQ.POP) + u8(VQ.UNPOP) + u8(1) + u8(VQ.POP) + u8(VQ.POP)
    prog += (u8(VQ.COMPLETE) + u32(8)) * 3 + u8(VQ.PUBLISH) + u8(VQ.NOTIFY) + u8(1)
    write("virtqueue_fuzz", "event_idx_unpop", prog)
    # Hostile: a loop, and a buffer across the two guest RAM regions.
    write("virtqueue_fuzz", "loop",
          vq_header(3, 0) + vq_desc(0, 0x4000, 8, NEXT, 1) + vq_desc(1, 0x4000, 8, NEXT, 0) +
          vq_avail(0, 0) + vq_idx(1) + u8(VQ.POP))
    write("virtqueue_fuzz", "region_boundary",
          vq_header(3, 0) + vq_desc(0, 0xfff0, 0x20, WRITE, 0) + vq_avail(0, 0) + vq_idx(1) + u8(VQ.POP))


# ---- mmio_transport_fuzz / virtio_net_fuzz ----
class MM:
    READ, WRITE, WRITE_REG, RUN, KICK, PATCH, DELIVER, BACKEND = range(8)


REG = dict(magic=0x0, status=0x70, dfsel=0x14, drvfeat=0x20, drvfsel=0x24, qsel=0x30, qnummax=0x34,
           qnum=0x38, qready=0x44, notify=0x50, isr=0x60, ack=0x64, descl=0x80, desch=0x84,
           drvl=0x90, drvh=0x94, devl=0xa0, devh=0xa4, gen=0xfc, config=0x100)

F_MAC, F_MRG, F_STATUS, F_INDIRECT, F_EVENT_IDX, F_VERSION1 = 1 << 5, 1 << 15, 1 << 16, 1 << 28, 1 << 29, 1 << 32
NET_HDR = 12


def mm_w(reg, value, width_sel=0):
    return u8(MM.WRITE) + u16(REG[reg]) + u8(width_sel) + u64(value)


def mm_r(reg, width_sel=0): return u8(MM.READ) + u16(REG[reg]) + u8(width_sel)
def mm_patch(gpa, data): return u8(MM.PATCH) + u32(gpa) + u8(len(data)) + data


def ring_layout(base):
    return base, base + 0x100, base + 0x200  # desc (8 x 16 bytes), avail, used


def mmio_init(features):
    p = mm_r("magic") + mm_w("status", 1) + mm_w("status", 3)
    p += mm_w("dfsel", 0) + mm_r("magic") + mm_w("drvfsel", 0) + mm_w("drvfeat", features & 0xffffffff)
    p += mm_w("drvfsel", 1) + mm_w("drvfeat", features >> 32) + mm_w("status", 0xb) + mm_r("status")
    for q, base in ((0, 0x1000), (1, 0x2000)):
        desc, avail, used = ring_layout(base)
        p += mm_w("qsel", q) + mm_r("qnummax") + mm_w("qnum", 8)
        p += mm_w("descl", desc) + mm_w("desch", 0) + mm_w("drvl", avail) + mm_w("drvh", 0)
        p += mm_w("devl", used) + mm_w("devh", 0) + mm_w("qready", 1)
    p += mm_w("status", 0xf) + u8(MM.RUN)
    return p


def tx_chain_patches(patch, base=0x2000, data=0x8000, frame_len=60):
    desc, avail, _ = ring_layout(base)
    p = patch(desc, desc_bytes(data, NET_HDR, NEXT, 1) + desc_bytes(data + 0x100, frame_len, 0, 0))
    p += patch(avail, u16(0) + u16(1) + u16(0))  # flags, idx 1, ring[0] = head 0
    p += patch(data + 0x100, bytes(range(frame_len)))
    return p


def rx_buffer_patches(patch, base=0x1000, data=0x9000, count=2, size=1526):
    desc, avail, _ = ring_layout(base)
    table = b"".join(desc_bytes(data + 0x800 * i, size, WRITE, 0) for i in range(count))
    ring = u16(0) + u16(count) + b"".join(u16(i) for i in range(count))
    return patch(desc, table) + patch(avail, ring)


def mmio_seeds():
    features = F_MAC | F_STATUS | F_MRG | F_EVENT_IDX | F_INDIRECT | F_VERSION1
    init = mmio_init(features)
    write("mmio_transport_fuzz", "init_only", init + mm_r("isr") + mm_r("gen"))
    p = init + tx_chain_patches(mm_patch) + mm_w("notify", 1) + u8(MM.RUN) + mm_r("isr") + mm_w("ack", 3)
    p += rx_buffer_patches(mm_patch) + mm_w("notify", 0) + u8(MM.RUN) + u8(MM.DELIVER) + u16(60)
    p += u8(MM.KICK) + u8(1) + u8(MM.RUN)
    p += mm_r("config", 0) + mm_r("config", 3) + u8(MM.READ) + u16(REG["config"] + 6) + u8(4)
    p += mm_w("status", 0) + mm_r("status") + u8(MM.RUN) + mm_r("status")
    write("mmio_transport_fuzz", "tx_rx_reset", p)
    # Out of order: DRIVER_OK first, features after FEATURES_OK, a bad queue.
    p = mm_w("status", 0xf) + mm_w("status", 1) + mm_w("status", 3) + mm_w("status", 0xb)
    p += mm_w("drvfeat", 1) + mm_w("qsel", 0) + mm_w("qnum", 3) + mm_w("qready", 1) + mm_r("status")
    p += mm_w("status", 0) + u8(MM.RUN) + mm_w("status", 1)
    write("mmio_transport_fuzz", "out_of_order", p)
    # Backend answering each transmitted frame on the spot.
    p = u8(MM.BACKEND) + u8(1) + init + rx_buffer_patches(mm_patch) + tx_chain_patches(mm_patch)
    p += mm_w("notify", 1) + u8(MM.RUN) + u8(MM.RUN)
    write("mmio_transport_fuzz", "tx_with_reply", p)


class NET:
    PATCH, DESC, AVAIL_ENTRY, AVAIL_IDX, USED_EVENT, NOTIFY_TX, NOTIFY_RX, DELIVER, RUN, BACKEND, RESET = range(11)


def net_header(feature_bits):
    # receive ring at 0x1000, transmit ring at 0x2000, 8 entries each
    p = u8(feature_bits)
    for base in (0x1000, 0x2000):
        desc, avail, used = ring_layout(base)
        p += u8(3) + u32(desc) + u32(avail) + u32(used)
    return p


def net_patch(gpa, data): return u8(NET.PATCH) + u32(gpa) + u8(len(data)) + data


def net_seeds():
    tx = tx_chain_patches(net_patch) + u8(NET.NOTIFY_TX)
    write("virtio_net_fuzz", "tx_one_frame", net_header(0) + tx + u8(NET.RUN))
    rx = rx_buffer_patches(net_patch) + u8(NET.DELIVER) + u16(60) + u8(NET.DELIVER) + u16(1400)
    write("virtio_net_fuzz", "rx_two_frames", net_header(0) + rx)
    # MRG_RXBUF + EVENT_IDX: a frame spread over several small buffers.
    rx_small = rx_buffer_patches(net_patch, count=4, size=512) + u8(NET.DELIVER) + u16(1500)
    write("virtio_net_fuzz", "rx_mergeable", net_header(3) + rx_small + u8(NET.NOTIFY_RX))
    # No buffers: back-pressure, then buffers and the driver's notification.
    p = net_header(2) + u8(NET.DELIVER) + u16(100) + rx_buffer_patches(net_patch) + u8(NET.NOTIFY_RX)
    p += u8(NET.DELIVER) + u16(100)
    write("virtio_net_fuzz", "rx_backpressure", p)
    # The backend answers on the spot; then reset and run again.
    p = net_header(1) + u8(NET.BACKEND) + u8(1) + rx_buffer_patches(net_patch) + tx + u8(NET.RUN)
    p += u8(NET.RESET) + tx + u8(NET.RUN)
    write("virtio_net_fuzz", "tx_reply_reset", p)


# ---- shmem_ring_fuzz ----
class SH:
    PATCH, INDEX, SLOT_LENGTH, GUEST_STATUS, PUMP, ATTACH, PUSH, POP, BACKEND_FRAME = range(9)


def shmem_seeds():
    attach = u8(SH.ATTACH) + u8(1)
    honest = u8(2) + attach + u8(SH.PUSH) + u16(60) + u8(SH.PUSH) + u16(1514) + u8(SH.PUMP)
    honest += u8(SH.BACKEND_FRAME) + u16(80) + u8(SH.BACKEND_FRAME) + u16(1514) + u8(SH.PUMP)
    honest += u8(SH.POP) + u16(2048) + u8(SH.POP) + u16(100) + u8(SH.POP) + u16(2048)
    write("shmem_ring_fuzz", "round_trip", honest)
    # One slot per ring (8 KiB): full ring, backpressure, an oversized backend frame.
    p = u8(0) + attach + u8(SH.PUSH) + u16(10) + u8(SH.PUSH) + u16(10) + u8(SH.BACKEND_FRAME) + u16(2000)
    p += u8(SH.BACKEND_FRAME) + u16(20) + u8(SH.PUMP) + u8(SH.PUMP) + u8(SH.POP) + u16(64) + u8(SH.PUMP)
    write("shmem_ring_fuzz", "one_slot", p)
    # Hostile guest: head far ahead, a too-long slot, a bad status line.
    write("shmem_ring_fuzz", "head_ahead",
          u8(2) + attach + u8(SH.INDEX) + u8(0) + u8(0) + u32(40) + u8(SH.PUMP) + u8(SH.PUMP))
    write("shmem_ring_fuzz", "slot_too_long",
          u8(2) + attach + u8(SH.PUSH) + u16(60) + u8(SH.SLOT_LENGTH) + u8(0) + u32(0) + u8(1) +
          u32(0xffffffff) + u8(SH.PUMP))
    write("shmem_ring_fuzz", "bad_guest_state",
          u8(2) + u8(SH.GUEST_STATUS) + u32(4) + u8(0) + u8(SH.PUMP) + attach + u8(SH.PUMP))
    # The guest's view of a corrupted header: config rewritten, then attach.
    write("shmem_ring_fuzz", "bad_config",
          u8(2) + u8(SH.PATCH) + u32(0x18) + u8(4) + u32(1 << 20) + attach + u8(SH.PUSH) + u16(10) +
          u8(SH.PUMP))


# ---- pvh_loader_fuzz ----
def pvh_note(entry, entry_size=4):
    desc = u32(entry) if entry_size == 4 else u64(entry)
    return u32(4) + u32(len(desc)) + u32(18) + b"Xen\0" + desc


def elf32_pvh(entry=0x100000):
    # ELF32 i386: header, 2 program headers (PT_LOAD, PT_NOTE), code, note.
    ehsize, phentsize = 52, 32
    code = b"\xf4" * 16  # hlt
    note = pvh_note(entry)
    code_off = ehsize + 2 * phentsize
    note_off = code_off + len(code)
    ident = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    eh = ident + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, entry, ehsize, 0, 0, ehsize, phentsize, 2, 40, 0, 0)
    load = struct.pack("<IIIIIIII", 1, code_off, 0x100000, 0x100000, len(code), 0x1000, 5, 4)
    pnote = struct.pack("<IIIIIIII", 4, note_off, 0, 0, len(note), 0, 4, 4)
    return eh + load + pnote + code + note


def elf64_note_in_section(entry=0x100000):
    # ELF64 x86-64 with the note only in an SHT_NOTE section (no PT_NOTE).
    ehsize, phentsize, shentsize = 64, 56, 64
    code = b"\xf4" * 16
    note = pvh_note(entry, 8)
    code_off = ehsize + phentsize
    note_off = code_off + len(code)
    sh_off = note_off + len(note)
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    eh = ident + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, entry, ehsize, sh_off, 0, ehsize, phentsize, 1,
                             shentsize, 2, 0)
    load = struct.pack("<IIQQQQQQ", 1, 5, code_off, 0x100000, 0x100000, len(code), len(code) + 0x1000, 0x1000)
    null_sh = bytes(shentsize)
    note_sh = struct.pack("<IIQQQQIIQQ", 0, 7, 0, 0, note_off, len(note), 0, 0, 4, 0)
    return eh + load + code + note + null_sh + note_sh


def loader_seeds(build_dir):
    write("pvh_loader_fuzz", "elf32_pt_note", elf32_pvh())
    write("pvh_loader_fuzz", "elf64_note_section", elf64_note_in_section())
    guests = os.path.join(build_dir, "tests", "integration", "guests")
    for name in ("hello_guest.elf", "no_note_guest.elf", "high_guest.elf"):
        path = os.path.join(guests, name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                write("pvh_loader_fuzz", name, f.read())
        else:
            print(f"make_seeds: {path} missing (build the tests first); skipped", file=sys.stderr)


# ---- config_cli_fuzz ----
def cli_seeds():
    TOML, CLI, NETOPT, SHMEM, VALUES = range(5)
    with open(os.path.join(ROOT, "configs", "default.toml"), "rb") as f:
        write("config_cli_fuzz", "default_toml", u8(TOML) + f.read())
    write("config_cli_fuzz", "toml_every_key",
          u8(TOML) + b'guest = "g.elf"\nsmp = 4\nmemory = "1G"\ncmdline = "init=selftest -- a"\n'
          b'log-level = "debug"\nstats = true\nstats-json = "s.json"\n'
          b'net = "user,hostfwd=tcp::8080-:80"\nno-ioeventfd = true\n')
    args = [b"--smp", b"4", b"--memory", b"512M", b"--cmdline", b"init=x -- a b", b"--stats",
            b"--net", b"user,hostfwd=tcp:127.0.0.1:2222-10.0.2.15:22", b"--log-level", b"info"]
    write("config_cli_fuzz", "command_line", u8(CLI) + b"\0" + b"\0".join(args))
    write("config_cli_fuzz", "command_line_config",
          u8(CLI) + b'smp = 2\nmemory = "64M"\n\0--config\0x.toml\0--smp\0003')
    write("config_cli_fuzz", "help", u8(CLI) + b"\0--help")
    write("config_cli_fuzz", "net_user", u8(NETOPT) + b"user,hostfwd=udp:0.0.0.0:5353-10.0.2.15:53,hostfwd=tcp::80-:8080")
    write("config_cli_fuzz", "net_tap", u8(NETOPT) + b"tap,ifname=tap0")
    write("config_cli_fuzz", "shmem", u8(SHMEM) + b"size=1M,gpa=0xe0000000,poll=adaptive,max-latency=100us")
    write("config_cli_fuzz", "values", u8(VALUES) + b"256MiB")


class EX:  # exit_dispatch_fuzz.cpp, enum Op
    PIO, MMIO, PORT_SWEEP, MMIO_SWEEP, MARK_STORM, OTHER_EXIT, RUN = range(7)


def ex_pio(port, out, size_sel=0, data=0, count=1, offset_sel=0):
    bits = (1 if out else 0) | (size_sel << 1) | ((count - 1) << 4)
    return u8(EX.PIO) + u16(port) + u8(bits) + u32(data) + u8(offset_sel)


def ex_mmio(where, addr, length, write, data=0):
    return u8(EX.MMIO) + u8(where) + u64(addr) + u8(length) + u8(write) + u64(data)


def ex_port_sweep(first, n, out): return u8(EX.PORT_SWEEP) + u16(first) + u16(n - 1) + u8(out)
def ex_mmio_sweep(base, n, write): return u8(EX.MMIO_SWEEP) + u32(base) + u16(n - 1) + u8(write)
def ex_mark_storm(n): return u8(EX.MARK_STORM) + u16(n - 1)


def exit_dispatch_seeds():
    t = "exit_dispatch_fuzz"
    # Each device once: UART THR and LSR, debug-exit, ACPI sleep, the
    # marker, the virtio-mmio identification registers and Status.
    p = ex_pio(0x3f8, True, 0, ord("h")) + ex_pio(0x3fd, False) + ex_pio(0x3f8, True, 0, 0x6f6c6c65, count=4)
    p += ex_pio(0x501, False) + ex_pio(0x601, False, 2) + ex_pio(0x520, False, 3)
    p += ex_pio(0x520, True, 3, 0x10001) + ex_pio(0x520, True, 3, 0x20001)
    p += ex_mmio(0, 0x0, 4, 0) + ex_mmio(0, 0x4, 4, 0) + ex_mmio(0, 0x8, 4, 0) + ex_mmio(0, 0x70, 4, 1, 1)
    p += ex_mmio(0, 0x70, 4, 0) + u8(EX.RUN) + ex_pio(0x600, True, 0, 0x20) + ex_pio(0x501, True, 0, 0x10)
    write(t, "each_device", p)
    # Issue 15's guest within one input's 32,768 exits: ports 0-0x3fff read,
    # 0x1000-0x4bff written, 512 MMIO reads where nothing is, 200 marks
    # (sweeps of at most 1024).
    p = b"".join(ex_port_sweep(first, 1024, 0) for first in range(0, 0x4000, 1024))
    p += b"".join(ex_port_sweep(first, 1024, 1) for first in range(0x1000, 0x4c00, 1024))
    p += ex_mmio_sweep(0, 512, 0)
    write(t, "port_scan_marker_storm", p + ex_mark_storm(200))
    write(t, "marker_storm", b"".join(ex_mark_storm(256) for _ in range(8)))
    # What KVM never reports, and the exits that end a VM.
    p = ex_pio(0x80, True, 5) + ex_pio(0x80, True, 7) + ex_pio(0x3f8, True, 3, offset_sel=250)
    p += ex_mmio(1, 0, 8, 0) + ex_mmio(3, 0xfffffffffffffffc, 8, 1) + ex_mmio(2, 0, 0, 0) + ex_mmio(2, 0, 9, 1)
    for reason in (5, 8, 9, 10, 17, 24, 255):
        p += u8(EX.OTHER_EXIT) + u8(reason)
    write(t, "odd_exits", p)


def main():
    build_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
    virtqueue_seeds()
    mmio_seeds()
    net_seeds()
    shmem_seeds()
    loader_seeds(build_dir)
    cli_seeds()
    exit_dispatch_seeds()


if __name__ == "__main__":
    main()
