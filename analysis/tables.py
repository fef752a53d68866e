"""Render (title, headers, rows) tables as aligned text or as HTML."""
import html


def text(tables):
    out = []
    for title, headers, rows in tables:
        out.append(f"== {title} ==")
        if not rows:
            out.append("(none)\n")
            continue
        grid = [headers] + rows if any(headers) else rows
        widths = [max(len(str(r[i])) for r in grid) for i in range(len(grid[0]))]
        for n, row in enumerate(grid):
            cells = [str(v).rjust(w) if i else str(v).ljust(w)
                     for i, (v, w) in enumerate(zip(row, widths))]
            out.append("  ".join(cells).rstrip())
            if n == 0 and any(headers):
                out.append("  ".join("-" * w for w in widths))
        out.append("")
    return "\n".join(out)


def html_table(title, headers, rows):
    esc = html.escape
    head = "".join(f"<th>{esc(str(h))}</th>" for h in headers) if any(headers) else ""
    body = "".join("<tr>" + "".join(f"<td>{esc(str(v))}</td>" for v in row) + "</tr>"
                   for row in rows) or f"<tr><td colspan='{len(headers)}'>(none)</td></tr>"
    head = f"<thead><tr>{head}</tr></thead>" if head else ""
    return f"<h3>{esc(title)}</h3>\n<table>{head}<tbody>{body}</tbody></table>\n"
