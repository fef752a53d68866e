-- ipc_tour.lua — a message queued by the kernel while its receiver sleeps
-- (docs/ipc.md).
--
-- ipc_pair's parent sends one message to an endpoint whose receiver (its
-- child) is asleep.  The kernel cannot copy into the receiver's address
-- space while the sender runs, and does not try: the message waits in the
-- endpoint's queue, in kernel memory, where k.ipc.queue shows it.  When
-- the receiver wakes and receives, it copies the message out on its own
-- address space.  Each step is a MARK in the instrumentation log, between
-- the kernel's @ipc_queue and @ipc_deliver announcements.

local NAP = 100   -- ticks the receiver sleeps

local function spin_until(ticks, done)
  local t0 = k.stats().ticks
  while k.stats().ticks - t0 < ticks do
    local v = done()
    if v then return v end
  end
end

k.mark("ipc tour: begin")
local pid = k.proc.spawn("ipc_pair", tostring(NAP))
local ep = spin_until(NAP, function()
  for _, e in ipairs(k.ipc.endpoints()) do
    if e.owner == pid and e.queued > 0 then return e end
  end
end)
assert(ep, "the message never showed up in a queue")
k.mark("ipc tour: queued")
print(string.format("endpoint %d (owner pid %d): %d queued, %d receivers, %d asleep in receive",
                    ep.id, ep.owner, ep.queued, ep.receivers, ep.waiting))
for _, m in ipairs(k.ipc.queue(ep.id)) do
  print(string.format("  message %d from pid %d, tag %d, %d descriptors%s", m.id, m.from, m.tag, m.caps,
                      m.call and ", a call" or ""))
end
print("the receiver sleeps; the message waits in kernel memory ...")
local status, out = k.proc.wait(pid)
k.mark("ipc tour: delivered")
print((out:gsub("\n$", "")))
local left = k.ipc.queue(ep.id)
print(string.format("ipc_pair exited with status %d; endpoint %d %s", status, ep.id,
                    left and (#left .. " queued") or "is gone with its owner"))
assert(status == 0, "ipc_pair failed")
k.mark("ipc tour: end")
