// Device interrupts: a driver asks for a GSI (an IOAPIC input) and gets
// handler(ctx) called on the chosen CPU for each interrupt. The vector is
// allocated here; the EOI is sent after the handler returns, so a
// level-triggered device must have deasserted its line by then (e.g. a
// virtio-mmio driver acknowledges InterruptStatus in its handler).
//
// virtio-mmio device i uses GSI 5 + i (abi/platform.h); ISA devices (the
// UART) go through irq_route_isa, which applies the MADT's overrides.
#pragma once

#include <stdint.h>

#include "lib/status.h"

enum class Trigger : uint8_t { kEdge, kLevel };
enum class Polarity : uint8_t { kActiveHigh, kActiveLow };

using IrqHandler = void (*)(void* ctx);

// Routes gsi to cpu (a cpu id) and unmasks it.
Status irq_route_gsi(uint32_t gsi, Trigger trigger, Polarity polarity, IrqHandler handler,
                     void* ctx, uint32_t cpu = 0);
// ISA IRQ 0-15: its GSI, trigger and polarity from the MADT overrides (ISA
// default: same number, edge, active high; ACPI 6.5, 5.2.12.5).
Status irq_route_isa(uint8_t isa_irq, IrqHandler handler, void* ctx, uint32_t cpu = 0);
Status irq_mask(uint32_t gsi);
Status irq_unmask(uint32_t gsi);
