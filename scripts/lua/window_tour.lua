-- window_tour.lua — move a process's window across the 4 GiB space.
--
-- At each stop a fresh process (the program "hello") is started, its
-- window is moved to the stop before the process first runs, and the
-- process runs to its end.  The CPU then loads, in user mode, an IDT and
-- GDT inside the window at the stop: the instrumentation log shows one
-- new IDTR base per stop, between the MARK lines "tour stop <n> ...".
-- Printed at each stop: the window's IDT (the user-mode IDTR), the
-- process's CR3, and the page-table walk of the window's address.

local STOPS = {
  0x00001000,   -- the very bottom (page 0 stays unmapped), inside the kernel's 1:1 RAM
  0x10000000,
  0x3FFFF000,   -- just below the program's code at 0x40000000
  0x7FFFF000,
  0x80000000,
  0xC0000000,
  0xFFFEF000,   -- just below the 16 stack pages at the top
}

local function hex(v) return string.format("0x%08x", v) end

k.mark("tour begin")
print(string.format("%-4s %-10s %-10s %-10s %-10s %s", "stop", "window", "IDTR", "CR3", "frame", "walk"))
for n, va in ipairs(STOPS) do
  local pid = k.proc.spawn("hello")
  local ok, err = k.window.move(va, pid)
  if not ok then error(string.format("stop %d: cannot move the window to %s: %s", n, hex(va), err)) end
  local w = k.window.info(pid)
  local walk = assert(k.mm.walk(va, pid))
  assert(walk.pa == w.pa and not walk.user, "the window must map its own frame, supervisor only")
  k.mark(string.format("tour stop %d va=%s idt=%s", n, hex(va), hex(w.idt)))
  print(string.format("%-4d %s %s %s %s pde=%s pte=%s %s", n, hex(va), hex(w.idt), hex(w.cr3),
                      hex(walk.pa), hex(walk.pde), hex(walk.pte), walk.writable and "W" or "R"))
  local status = k.proc.wait(pid)
  assert(status == 0, "hello exited with status " .. status)
end
k.mark("tour end")
print(string.format("%d stops; the kernel's own IDTR stays at %s", #STOPS, hex((k.cpu.idtr()))))
