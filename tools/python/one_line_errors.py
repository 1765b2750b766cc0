"""one_line_errors: runs the main() of one of lskd's Python tools so that a failure it did not foresee (h5py's,
torch's, onnx's) is one line on stderr, "PROG: TYPE: reason", and exit status 1, never a traceback: `lskd` passes
such a line on as its own error."""
import sys


def run(main, prog, argv=None):
    try:
        return main(argv)
    except Exception as e:  # noqa: BLE001 - the one place that turns the unforeseen into lskd's one-line error
        reason = " ".join(str(e).split()) or "no details"
        print(f"{prog}: {type(e).__name__}: {reason}", file=sys.stderr)
        return 1
