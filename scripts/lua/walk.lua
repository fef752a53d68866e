-- walk.lua — explain how the MMU translates one address, step by step.
--
--   dofile("walk.lua")                     the window of the last process run, in its
--                                          own tables (the kernel image once it has exited)
--   explain(0x40000000, pid)               any address, in a process or (no pid) the kernel
-- Also `require("walk")` returns the explain function.

local function hex(v) return string.format("0x%08x", v) end

local function bits(e)
  local names = {}
  for _, f in ipairs({ {1, "P"}, {2, "W"}, {4, "U"}, {8, "PWT"}, {16, "PCD"}, {32, "A"}, {64, "D"}, {128, "PS"}, {256, "G"} }) do
    if e & f[1] ~= 0 then names[#names + 1] = f[2] end
  end
  return table.concat(names, " ")
end

--- explain(va [, pid]) -> k.mm.walk's table for va (nil, why if unmapped), after printing each step of the translation in pid's tables (default: the kernel's)
function explain(va, pid)
  local cr3 = pid and k.window.info(pid).cr3 or k.cpu.cr3()
  local pdx, ptx, off = va >> 22, (va >> 12) & 0x3FF, va & 0xFFF
  print(string.format("virtual address %s in %s", hex(va), pid and ("pid " .. pid) or "the kernel"))
  print(string.format("  = directory index %d, table index %d, offset 0x%03x", pdx, ptx, off))
  print(string.format("1. CR3 = %s: the page directory", hex(cr3)))
  local w, why = k.mm.walk(va, pid)
  local pde = w and w.pde or k.mm.physread32(cr3 + 4 * pdx)
  print(string.format("2. PDE at %s + 4*%d = %s  [%s]", hex(cr3), pdx, hex(pde), bits(pde)))
  if pde & 1 == 0 then
    print("   not present: the address is not mapped")
    return k.shell.shown(nil, why)
  end
  if pde & 0x80 ~= 0 then
    print(string.format("3. PS set: a 4 MiB page at %s; offset within it 0x%06x", hex(pde & 0xFFC00000), va & 0x3FFFFF))
  else
    local pt = pde & 0xFFFFF000
    local pte = w and w.pte or k.mm.physread32(pt + 4 * ptx)
    print(string.format("3. PTE at %s + 4*%d = %s  [%s]", hex(pt), ptx, hex(pte), bits(pte)))
    if pte & 1 == 0 then
      print("   not present: the address is not mapped")
      return k.shell.shown(nil, why)
    end
  end
  print(string.format("4. physical address %s (%s, %s)", hex(w.pa), w.writable and "writable" or "read-only",
                      w.user and "user" or "supervisor only"))
  return k.shell.shown(w)                          -- printed: the prompt need not echo it
end

if not ... then                                    -- run as a script, not by require
  local ok, w = pcall(k.window.info)
  if ok and w.pid then
    explain(w.va, w.pid)
  else
    print("no process has run, or the last one has exited: the kernel image instead")
    explain(0x00100000)                            -- the kernel image, mapped 1:1
  end
end
return explain
