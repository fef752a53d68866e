-- run_4gb_tests.lua — run every TAP test program in the ISO (t_*) from the
-- shell and summarise; the chunk fails (error) if any test failed.

local total_pass, total_fail, failed = 0, 0, {}
for _, name in ipairs(k.proc.programs()) do
  if name:match("^t_") then
    k.mark("test " .. name)
    local r = k.test.run(name)
    print(string.format("%-20s %3d passed %3d failed  status %d", name, r.passed, r.failed, r.status))
    total_pass, total_fail = total_pass + r.passed, total_fail + r.failed
    if r.failed > 0 or r.status ~= 0 or r.passed == 0 then failed[#failed + 1] = name end
  end
end
print(string.format("total: %d passed, %d failed", total_pass, total_fail))
if #failed > 0 then error("failing programs: " .. table.concat(failed, ", ")) end
