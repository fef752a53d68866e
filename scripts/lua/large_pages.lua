-- large_pages.lua — a large page split around the window, and coalesced back.
--
-- The program large_fill maps every free 4 MiB region of its space with a
-- 4 MiB page (one directory entry each, PS set) and sleeps.  Then, in its
-- page tables:
--   1. the region at 0x80000000 is one range with PS: no page table;
--   2. the shell moves the process's window into it: the kernel splits the
--      large page into a page table of 1024 small entries (same frames, same
--      flags), and the window parks over one of them (its entry is kept for
--      the user, who gets it back by touching it);
--   3. the window goes home: the region is whole again (1024 present entries,
--      one aligned run of frames, the same flags), so the kernel coalesces it
--      back into one large entry and frees the table.
-- Each step prints the region's ranges and the process's translation pages;
-- the kernel announces "@split" and "@coalesce" to the instrumentation.

local REGION, INSIDE = 0x80000000, 0x80123000

local function hex(v) return string.format("0x%08x", v) end

local function figures(pid, what)
  local i = k.mm.pageinfo(pid)
  print(string.format("-- %s: %d large pages, %d small pages, %d translation pages", what,
                      i.user_4m, i.user_4k, i.user_translation))
  k.mm.showmaps(REGION, REGION + 0x3FFFFF, pid) -- prints lo-hi -> frame flags
  local w = k.mm.walk(REGION, pid)
  print(string.format("   pde %s (%s)", hex(w.pde), w.large and "a 4 MiB page" or "a page table"))
end

local pid = k.proc.spawn("large_fill", "large", "1000000")
local t0 = k.stats().ticks
repeat
  local state
  for _, p in ipairs(k.proc.list()) do if p.pid == pid then state = p.state end end
until state == "sleeping" or k.stats().ticks - t0 > 20000
local home = k.window.where(pid)

figures(pid, "mapped")
k.mark("large split")
assert(k.window.move(INSIDE, pid))
figures(pid, "the window at " .. hex(INSIDE))
k.mark("large coalesce")
assert(k.window.move(home, pid))
figures(pid, "the window back at " .. hex(home))

k.proc.kill(pid)
k.proc.wait(pid)
