"""Names for interrupt vectors, and the causes a kernel visit is filed under."""

SYSCALL_VECTOR = 0x80
TIMER_VECTOR = 32          # IRQ 0 after the kernel remaps the PICs to 32..47
PAGE_FAULT_VECTOR = 14

_EXCEPTIONS = {
    0: "divide error", 1: "debug", 2: "NMI", 3: "breakpoint", 4: "overflow",
    5: "bound range", 6: "invalid opcode", 7: "device not available",
    8: "double fault", 10: "invalid TSS", 11: "segment not present",
    12: "stack fault", 13: "general protection", 14: "page fault",
    16: "x87 error", 17: "alignment check", 18: "machine check", 19: "SIMD error",
}
_IRQS = {0: "timer", 1: "keyboard", 3: "COM2", 4: "COM1", 14: "ATA"}

# Histogram categories, in legend order.  "idle" is a visit in which the
# kernel waited in its idle loop: not a cost, kept out of the visit statistics.
CAUSES = ("timer", "syscall", "page fault", "window move", "other", "idle")
IDLE = "idle"


def vector_name(vec):
    if vec is None or vec < 0:
        return "none"
    if vec == SYSCALL_VECTOR:
        return "syscall"
    if vec in _EXCEPTIONS:
        return _EXCEPTIONS[vec]
    if 32 <= vec < 48:
        irq = vec - 32
        return _IRQS.get(irq, f"IRQ {irq}")
    return f"vector {vec}"


def cause_category(vec, window_move, idle=False):
    """The histogram bucket of a kernel visit: idle time outranks a window
    move, which outranks the trigger."""
    if idle:
        return IDLE
    if window_move:
        return "window move"
    name = vector_name(vec)
    return name if name in CAUSES else "other"
