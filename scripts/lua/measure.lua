-- measure.lua — what a piece of work cost the emulated machine, from Lua.
--
--   dofile("measure.lua")
--   measure(function() k.proc.wait(k.proc.spawn("hello")) end)
--       -> {instructions=, cr3_loads=, tlb_flushes=, page_walks=, pt_reads=}: the deltas
--   null_calls(1000)   a teaching example: 1000 null system calls of a process,
--                      its window in different places, per call
-- Also `require("measure")` returns the measure function.
-- Only our instrumented Bochs answers k.emu; elsewhere both return nil, why.

--- measure(f, ...) -> table of counter deltas over f(...) (nil, why outside our Bochs), then f's results
function measure(f, ...)
  local before, why = k.emu.counters()
  if not before then return nil, why end
  local results = table.pack(f(...))
  local after = k.emu.counters()
  local d = {}
  for name, v in pairs(after) do d[name] = v - before[name] end
  return d, table.unpack(results, 1, results.n)
end

-- What one run of nullcalls costs with n calls and the window at va (nil: where it is).
local function run(n, va)
  local d = measure(function()
    local args = { tostring(n), va and string.format("0x%x", va) }
    local status = k.proc.wait(k.proc.spawn("nullcalls", table.unpack(args)))
    assert(status == 0, "nullcalls could not move its window there")
  end)
  return d
end

--- null_calls([n]) -> rows {where=, instructions=, cr3_loads=, tlb_flushes=, page_walks=} per null system call, after printing them
function null_calls(n)
  n = n or 1000
  local dk, why = k.emu.counters()
  if not dk then return nil, why end
  -- The cost of starting and ending the process, taken off each row.
  local base = run(0)
  local rows = {}
  local places = { { "where exec put it", nil }, { "0x00800000 (low)", 0x00800000 },
                   { "0x70000000 (middle)", 0x70000000 }, { "0xbfc00000 (high)", 0xbfc00000 } }
  print(string.format("%-22s %12s %9s %11s %10s", "window at", "instructions", "cr3 loads", "tlb flushes", "page walks"))
  for _, p in ipairs(places) do
    local ok, d = pcall(run, n, p[2])
    if ok then
      local row = { where = p[1] }
      for _, key in ipairs({ "instructions", "cr3_loads", "tlb_flushes", "page_walks" }) do
        row[key] = (d[key] - base[key]) / n
      end
      rows[#rows + 1] = row
      print(string.format("%-22s %12.1f %9.2f %11.2f %10.2f", row.where, row.instructions,
                          row.cr3_loads, row.tlb_flushes, row.page_walks))
    else
      print(string.format("%-22s (the window cannot go there in this layout)", p[1]))
    end
  end
  print("per call, over a run of nullcalls " .. n .. " less one of nullcalls 0")
  return rows
end

return measure
