"""Messages in a log: the kernel's @ipc_queue and @ipc_deliver announcements
(docs/ipc.md) turned into messages per endpoint and the latency from
queueing to delivery, in instructions."""
import statistics

from analysis.events import read_events


def ipc_stats(path):
    """{endpoints: [{ep, queued, delivered, undelivered, latency_min,
    latency_median, latency_max}], replies} from the log at path.  A
    message's latency is its delivery's icount minus its queueing's;
    replies (ep=0) are delivered straight to the caller, never queued."""
    queued, per_ep, replies = {}, {}, 0
    for ev in read_events(path):
        if ev.kind != "NOTE":
            continue
        what, f = ev.fields.get("what"), ev.fields
        if what == "ipc_queue":
            queued[f["id"]] = (int(f["ep"]), ev.icount)
            per_ep.setdefault(int(f["ep"]), {"queued": 0, "latencies": []})["queued"] += 1
        elif what == "ipc_deliver" and f["ep"] == "0":
            replies += 1
        elif what == "ipc_deliver" and f["id"] in queued:
            ep, at = queued.pop(f["id"])
            per_ep[ep]["latencies"].append(ev.icount - at)
    rows = []
    for ep, e in sorted(per_ep.items()):
        lat = e["latencies"]
        rows.append({"ep": ep, "queued": e["queued"], "delivered": len(lat),
                     "undelivered": e["queued"] - len(lat),
                     "latency_min": min(lat) if lat else None,
                     "latency_median": statistics.median(lat) if lat else None,
                     "latency_max": max(lat) if lat else None})
    return {"endpoints": rows, "replies": replies}


def text(stats):
    lines = ["endpoint  queued  delivered  undelivered  latency min / median / max (instructions)"]
    for r in stats["endpoints"]:
        lat = ("-" if r["latency_min"] is None else
               f"{r['latency_min']} / {r['latency_median']:g} / {r['latency_max']}")
        lines.append(f"{r['ep']:>8}  {r['queued']:>6}  {r['delivered']:>9}  {r['undelivered']:>11}  {lat}")
    lines.append(f"replies delivered: {stats['replies']}")
    return "\n".join(lines)
