/* printf.c — formatted output for the kernel (and for Lua through the same names).
 *
 * stb_sprintf (Debian's libstb-dev) does the formatting: it needs no libc and
 * formats %g like glibc, which the Lua shell's tostring parity depends on.
 */
#define STB_SPRINTF_IMPLEMENTATION
#define STB_SPRINTF_DECORATE(name) name
#define STB_SPRINTF_NOUNALIGNED
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <stb_sprintf.h>
#pragma GCC diagnostic pop
