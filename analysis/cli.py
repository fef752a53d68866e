"""bounce log analysis -- python3 -m analysis <command> ...

Exit status: 0 fine, 1 `check` found a broken invariant, 2 bad usage or a
malformed log."""
import argparse
import json
import sys
import warnings

from analysis import check, compare, summary, tables
from analysis.classify import analyze
from analysis.events import LogFormatError


def _print_json(data):
    json.dump(data, sys.stdout, indent=1)
    sys.stdout.write("\n")


def cmd_summary(args):
    s = summary.summarize(analyze(args.log))
    _print_json(s) if args.json else print(tables.text(summary.tables(s)))
    return 0


def cmd_plot(args):
    from analysis import plots         # matplotlib only for the commands that draw
    plots.save_all(analyze(args.log), args.out)
    for name in plots.NAMES:
        print(f"{args.out}/{name}.png {args.out}/{name}.svg")
    return 0


def cmd_report(args):
    from analysis import report
    print(report.write_report(analyze(args.log), args.out))
    return 0


def cmd_compare(args):
    a, b = analyze(args.log_a), analyze(args.log_b)
    result = compare.compare(summary.summarize(a), summary.summarize(b))
    _print_json(result) if args.json else print(compare.text(result))
    if args.out:
        from analysis import compare_html
        print(compare_html.write_html(result, a, b, args.out), file=sys.stderr)
    return 0


def cmd_check(args):
    result = check.check(analyze(args.log))
    _print_json(result) if args.json else print(check.text(result))
    return 0 if result["ok"] else 1


def cmd_export(args):
    from analysis import export
    n = export.write(analyze(args.log), args.out, args.format)
    print(f"{args.out}: {n} trace events ({args.format})")
    return 0


def cmd_ipc(args):
    from analysis import ipc
    stats = ipc.ipc_stats(args.log)
    _print_json(stats) if args.json else print(ipc.text(stats))
    return 0


def cmd_window_view(args):
    from analysis import window_view
    print(window_view.write_view(args.log, args.out))
    return 0


def cmd_paging(args):
    from analysis import paging
    a = analyze(args.log)
    stats = paging.paging_stats(a)
    _print_json(stats) if args.json else print(paging.text(stats))
    if args.out:
        paging.save(a, args.out)
        print(f"{args.out}/{paging.NAME}.png {args.out}/{paging.NAME}.svg", file=sys.stderr)
    return 0


def parser():
    ap = argparse.ArgumentParser(prog="python3 -m analysis", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, func, help, json_flag=True):
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        if json_flag:
            p.add_argument("--json", action="store_true", help="print the tables as JSON")
        return p

    p = command("summary", cmd_summary, "counts per kind, vector, address space and phase; "
                "window moves; instructions per kernel visit")
    p.add_argument("log")
    p = command("plot", cmd_plot, "write the five figures as PNG and SVG", json_flag=False)
    p.add_argument("log")
    p.add_argument("--out", required=True, metavar="DIR")
    p = command("report", cmd_report, "write DIR/report.html (self-contained), "
                "DIR/summary.json and the figures", json_flag=False)
    p.add_argument("log")
    p.add_argument("--out", required=True, metavar="DIR")
    p = command("compare", cmd_compare, "the same figures of merit for two logs, with B/A ratios")
    p.add_argument("log_a", metavar="LOG_A")
    p.add_argument("log_b", metavar="LOG_B")
    p.add_argument("--out", metavar="DIR", help="also write DIR/compare.html with the figures side by side")
    p = command("export", cmd_export, "write the run in a format other tools open: "
                "chrome-trace (Trace Event Format JSON for Perfetto and chrome://tracing)",
                json_flag=False)
    p.add_argument("--format", default="chrome-trace", choices=("chrome-trace",))
    p.add_argument("log")
    p.add_argument("out", metavar="OUT.json")
    p = command("ipc", cmd_ipc, "messages per endpoint and their latency from queueing to delivery")
    p.add_argument("log")
    p = command("window-view", cmd_window_view, "write OUT.html: the run played back over the "
                "loaded process's 4 GiB space (self-contained)", json_flag=False)
    p.add_argument("log")
    p.add_argument("out", metavar="OUT.html")
    p = command("paging", cmd_paging, "page-outs and page-ins per address space (@pageout, @pagein)")
    p.add_argument("log")
    p.add_argument("--out", metavar="DIR", help="also draw DIR/paging.png and .svg: paging "
                   "and window moves over time")
    p = command("check", cmd_check, "check the isolation invariants; exit 1 if any fails")
    p.add_argument("log")
    return ap


def _warn_to_stderr(message, category, filename, lineno, file=None, line=None):
    print(f"warning: {message}", file=sys.stderr)


def main(argv=None):
    args = parser().parse_args(argv)
    warnings.showwarning = _warn_to_stderr
    try:
        return args.func(args)
    except LogFormatError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
