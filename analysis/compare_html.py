"""compare.html: the B/A table, then each figure of A and B side by side."""
import html
import os

from analysis import compare, plots, report, tables


def write_html(result, analysis_a, analysis_b, out_dir):
    """Write out_dir/compare.html (and both logs' figures); return its path."""
    pngs_a = plots.save_all(analysis_a, os.path.join(out_dir, "a"))
    pngs_b = plots.save_all(analysis_b, os.path.join(out_dir, "b"))
    body = [f"<p>A = {html.escape(result['a'])}<br>B = {html.escape(result['b'])}</p>",
            tables.html_table(*compare.table(result)), "<h2>Figures (A left, B right)</h2>\n"]
    for name in plots.NAMES:
        body.append(f"<h3>{name}</h3><div class='pair' id='{name}'>"
                    f"{report.img_tag(pngs_a[name], 'A ' + name)}"
                    f"{report.img_tag(pngs_b[name], 'B ' + name)}</div>\n"
                    f"<p>{html.escape(report.CAPTIONS[name])}</p>\n")
    path = os.path.join(out_dir, "compare.html")
    with open(path, "w") as f:
        f.write(report.page("Bounce log comparison", "".join(body)))
    return path
