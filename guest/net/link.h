// The link layer glue between interfaces and protocols: received frames are
// dispatched by EtherType, transmitted frames are counted and handed to the
// interface's driver.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

namespace net {

struct NetCore;

void link_receive(NetCore& core, int iface, ByteView frame);
// Pads and transmits a complete frame; the buffer must have room for the
// Ethernet minimum. False if dropped (counted).
bool link_transmit(NetCore& core, int iface, uint8_t* frame, size_t len);

}  // namespace net
