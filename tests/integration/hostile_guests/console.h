// Output on COM1 (16550 at 0x3f8, abi/platform.h), polled: the hostile
// guest's only way to report, besides its debug-exit value.
#pragma once

#include <stdint.h>

namespace hg {

void put_char(char c);
void put_str(const char* s);
void put_dec(uint32_t v);
void put_hex(uint64_t v);  // 0x..., lower case, no leading zeros

// The UART's scratch register (16550 SCR, offset 7) keeps what is written:
// a check that the UART still answers, beyond printing.
bool uart_scratch_works();

}  // namespace hg
