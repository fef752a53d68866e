"""One self-contained HTML page per log: summary tables, the isolation
check, and every figure embedded as a data: URI (no files to carry along)."""
import base64
import html
import json
import os
import struct

from analysis import check, paging, plots, summary, tables

STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 1250px; color: #222; }
h1 { font-size: 1.5em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1em; margin-bottom: .3em; }
table { border-collapse: collapse; margin-bottom: 1em; font-size: .85em; }
td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
td:first-child, th:first-child { text-align: left; }
th { background: #eee; } img { max-width: 100%; height: auto; border: 1px solid #ddd; }
.ok { color: #1a7f37; font-weight: bold; } .fail { color: #c0392b; font-weight: bold; }
figure { margin: 1em 0 2em 0; } figcaption { font-size: .9em; color: #444; max-width: 60em; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
"""

CAPTIONS = {
    "cr3_bands": "Each row is one address space, in a colour of its own; a bar means its page "
                 "directory was loaded (drawn per pixel, so dense bouncing looks solid). The kernel "
                 "row is red. Grey bands are the phases between MARK lines, named above the plot "
                 "(a label sits as near its phase as the others allow; a line ties it to it).",
    "window_staircase": "The window's IDT base in each address space's 4 GiB. Top: every address "
                        "space, an open circle at its first window (placement), a vertical step "
                        "to a filled dot for each window move (LIDT to a new window base); an "
                        "address space with many moves is shaded by moves per cell instead of "
                        "drawn as markers. The legend gives each its colour and move count; "
                        "crosses are the kernel's @window announcements; the dashed line is the "
                        "kernel's own IDT. Below: one panel per address space whose window moved, "
                        "over its own lifetime. Bases are labelled where the labels do not collide.",
    "visit_histogram": "How many instructions each kernel visit took, from the CR3 load to the "
                       "kernel to the load back, stacked by what caused it; both axes are "
                       "logarithmic, so a cause with tens of visits shows beside one with "
                       "thousands. A visit that moved a window is counted as a window move "
                       "whatever triggered it; one in which the kernel waited in its idle loop "
                       "(the prompt, a sleep) is counted as idle and left out of the visit statistics.",
    "walk_histogram": "How many page walks (TLB misses, counted by the emulated MMU) each kernel "
                      "visit made, from the CR3 load to the kernel to the load back, stacked by "
                      "cause, counts on a log axis: the TLB refill a bounce costs on top of its "
                      "instructions (logs of format version 3).",
    "cr3_rate": "CR3 loads per million instructions in equal time bins: the cost of bouncing "
                "over time. Grey bands are MARK phases, named above the plot.",
}


# The page's full height on <html data-height>, once laid out: what
# `make report-shot` (mk/report-shot.sh) sizes Chromium's window to.
HEIGHT_SCRIPT = ("<script>addEventListener('load', function () { document.documentElement"
                 ".dataset.height = document.documentElement.scrollHeight; });</script>")


def png_size(png):
    """(width, height) from a PNG's IHDR chunk."""
    return struct.unpack(">II", png[16:24])


def img_tag(png, alt):
    """An embedded PNG with its size, so the page is laid out before it decodes."""
    data = base64.b64encode(png).decode("ascii")
    width, height = png_size(png)
    return (f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}" '
            f'width="{width}" height="{height}">')


def figure(name, png):
    return (f'<figure id="{name}">{img_tag(png, name)}'
            f"<figcaption>{html.escape(CAPTIONS[name])}</figcaption></figure>\n")


def check_html(result):
    rows = []
    for r in result["checks"]:
        state = "skipped" if r["skipped"] else "ok" if r["ok"] else "FAILED"
        cls = "fail" if not r["ok"] else "ok"
        detail = "<br>".join(html.escape(m) for m in r["messages"]) or html.escape(r.get("why", ""))
        rows.append(f"<tr><td>{html.escape(r['what'])}</td><td class='{cls}'>{state}</td>"
                    f"<td>{r['failures']}</td><td style='text-align:left'>{detail}</td></tr>")
    return ("<table><thead><tr><th>invariant</th><th>result</th><th>failures</th>"
            f"<th>details</th></tr></thead><tbody>{''.join(rows)}</tbody></table>\n")


def page(title, body):
    return (f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>\n<h1>{html.escape(title)}</h1>\n{body}"
            f"{HEIGHT_SCRIPT}</body></html>\n")


def write_report(a, out_dir):
    """Write report.html, summary.json and the figures to out_dir; return the page's path."""
    s = summary.summarize(a)
    result = check.check(a)
    pngs = plots.save_all(a, out_dir)
    all_tables = summary.tables(s)
    body = [tables.html_table(*all_tables[0]),
            "<h2>Isolation check</h2>\n", check_html(result), "<h2>Figures</h2>\n"]
    body += [figure(name, png) for name, png in pngs.items()]
    body += paging.report_html(a, out_dir)
    body.append("<h2>Tables</h2>\n")
    body += [tables.html_table(*t) for t in all_tables[1:]]
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump(s, f, indent=1)
    path = os.path.join(out_dir, "report.html")
    with open(path, "w") as f:
        f.write(page(f"Bounce log report: {os.path.basename(a.path)}", "".join(body)))
    return path
