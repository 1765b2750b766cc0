#!/usr/bin/python3
"""lskd_plot: figures of lskd run files and sweep summaries, as PNGs.

  lskd_plot.py reliability RUN.h5... --out DIR     reliability diagrams before/after temperature scaling,
                                                   and all runs by α (needs `lskd analyze calibration`)
  lskd_plot.py projection RUN_A0.h5 RUN_LS.h5 --out DIR
                                                   train/validation x α = 0/α > 0 template-plane panels
                                                   (needs `lskd analyze projection`)
  lskd_plot.py mi RUN.h5... --out DIR              MI against epoch per run (needs `lskd train --mi-every`)
  lskd_plot.py summary SUMMARY.h5 --out DIR        accuracy against γ (M Fig. 5) and teacher ECE against α
  lskd_plot.py figure4 DECODING.h5 --out DIR       WER (or BLEU), token ECE and NLL against T per α (M Fig. 4
                                                   analogue; the table lskd study writes for sequence teachers)
  lskd_plot.py study SWEEP_DIR --out DIR           every figure the run files below SWEEP_DIR allow

Run it with Debian's /usr/bin/python3 (python3-matplotlib, python3-h5py, python3-numpy)."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lskdplot import figure4, mi, projection, reliability, study, summary  # noqa: E402
from lskdplot.runfile import PlotError  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(prog="lskd_plot.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text, many in (("reliability", "reliability diagrams", True),
                                  ("projection", "template-plane panels of two (or more) runs", True),
                                  ("mi", "mutual information against epoch", True),
                                  ("summary", "figures of a sweep's summary.h5", False),
                                  ("figure4", "score, ECE and NLL against T of sequence teachers", False),
                                  ("study", "every figure of a sweep directory", False)):
        cmd = commands.add_parser(name, help=help_text)
        cmd.add_argument("inputs", nargs="+" if many else 1, metavar="FILE" if name != "study" else "DIR")
        cmd.add_argument("--out", required=True, help="directory for the PNGs (created if needed)")
    args = parser.parse_args(argv)
    try:
        if args.command == "reliability":
            written = reliability.plot(args.inputs, args.out)
        elif args.command == "projection":
            if len(args.inputs) < 2:
                raise PlotError("projection needs two run files (α = 0 and α > 0)")
            written = projection.plot(args.inputs, args.out)
        elif args.command == "mi":
            written = mi.plot(args.inputs, args.out)
        elif args.command == "figure4":
            written = [figure4.plot(args.inputs[0], args.out)]
        elif args.command == "summary":
            written = summary.plot(args.inputs[0], args.out)
        else:
            written = study.plot(args.inputs[0], args.out)
    except PlotError as e:
        print(f"lskd_plot: error: {e}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
