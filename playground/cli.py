"""The same experiment from a terminal.

    python -m playground train --preset xor_hidden --epochs 50 --json
    python -m playground train --config exp.json --learning-rate 0.1 --history h.csv
    python -m playground train --dataset csv --csv data.csv --csv-target price
    python -m playground train --preset cnn_digits --export-pytorch digits.py
    python -m playground train --csv data.csv --predict new.csv --predictions-out out.csv
    python -m playground presets | datasets | settings

Every setting of ``playground.config.FIELDS`` is a flag (``--learning-rate`` or
``--learning_rate``; lists as ``--hidden-layers 8,8``; booleans as ``true``/``false``).
Order: defaults, then ``--preset`` or ``--config``, then the flags; a ``--dataset`` of
another kind picks a loss and network type that fit it (as the app does) unless flags set
them. A flag value that does not fit is an error (exit code 2); a config file's bad values
are fixed and reported as warnings, as when opening a link. Exit codes: 0 done, 1 training
diverged, 2 bad input. On a terminal, training that takes longer than a second shows a
progress bar (never with ``--json``, nor when the output goes to a file or a pipe).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from playground import config as config_module
from playground.cli_progress import ProgressBar
from playground.config import FIELDS, ExperimentConfig

EXIT_OK, EXIT_DIVERGED, EXIT_BAD_INPUT = 0, 1, 2
TRAIN_SLICE_SECONDS = 0.1    # training runs in slices this long, the progress bar between


class CliError(Exception):
    """Bad flags or files: printed as one plain line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):          # argparse's own errors: plain message, exit code 2
        self.print_usage(sys.stderr)
        raise CliError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m playground",
                     description="Neural Playground from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    train = commands.add_parser("train", help="train one experiment and print its metrics")
    source = train.add_mutually_exclusive_group()
    source.add_argument("--preset", help="start from a named preset (see `presets`)")
    source.add_argument("--config", type=Path, help="start from an experiment JSON file")
    train.add_argument("--csv", type=Path, help="CSV file to train on (with --dataset csv)")
    train.add_argument("--json", action="store_true", help="print the results as JSON")
    train.add_argument("--save-model", type=Path, help="write the trained model (.npz)")
    train.add_argument("--history", type=Path, help="write the per-epoch history (.csv)")
    train.add_argument("--save-config", type=Path, help="write the experiment JSON used")
    train.add_argument("--export-pytorch", type=Path, metavar="FILE",
                       help="write a PyTorch script (.py) that rebuilds the trained network")
    train.add_argument("--export-keras", type=Path, metavar="FILE",
                       help="write a Keras 3 script (.py) that rebuilds the trained network")
    train.add_argument("--predict", type=Path, metavar="NEW.csv",
                       help="a CSV of new rows (the training file's input columns) to predict "
                            "with the trained network; needs --predictions-out")
    train.add_argument("--predictions-out", type=Path, metavar="OUT.csv",
                       help="write the --predict rows with the predictions added (.csv)")
    settings = train.add_argument_group("settings (defaults in `settings`)")
    for spec in FIELDS:
        flag = "--" + spec.name.replace("_", "-")
        extra = [f"--{spec.name}"] if "_" in spec.name else []
        settings.add_argument(flag, *extra, dest=f"set_{spec.name}", metavar=spec.kind.upper(),
                              help=spec.help.replace("%", "%%"))
    commands.add_parser("presets", help="list the lecture presets")
    commands.add_parser("datasets", help="list the built-in datasets")
    commands.add_parser("settings", help="list every setting with its default and range")
    return parser


def _flags_given(args) -> tuple[str, ...]:
    """The settings given as flags on the command line."""
    return tuple(spec.name for spec in FIELDS if getattr(args, f"set_{spec.name}") is not None)


def config_from_args(args) -> tuple[ExperimentConfig, list[str]]:
    """Defaults, then preset or config file, then flags. Raises CliError on bad input."""
    warnings: list[str] = []
    cfg = ExperimentConfig()
    if args.preset:
        from playground.presets import get_preset
        try:
            cfg = get_preset(args.preset).config
        except ValueError as error:
            raise CliError(str(error)) from None
    elif args.config:
        # one byte over the limit is enough for from_json to refuse a huge file
        text = _read_bytes(args.config, "config file",
                           limit=config_module.MAX_EXPERIMENT_BYTES + 1)
        try:
            cfg, warnings = config_module.from_json(text)
        except ValueError as error:
            raise CliError(f"{args.config}: {error}") from None
    flags: dict = {}
    for spec in FIELDS:
        raw = getattr(args, f"set_{spec.name}")
        if raw is None:
            continue
        try:     # a flag is retyped, never fixed: say what is wrong and stop
            flags[spec.name] = config_module.parse_flag(spec, raw)
        except ValueError as error:
            raise CliError(f"--{spec.name.replace('_', '-')}: {error}") from None
    try:
        # a new --dataset gets a loss and network type that fit it, unless flags set them
        return config_module.fit_to_dataset(cfg, cfg.replace(**flags), keep=tuple(flags)), \
            warnings
    except ValueError as error:
        raise CliError(str(error)) from None


def _read_bytes(path, what: str, limit: int = -1) -> bytes:
    """The file's bytes (at most ``limit`` of them when given), or a CliError saying which
    file could not be read and why."""
    try:
        with open(path, "rb") as handle:
            return handle.read(limit)
    except OSError as error:
        raise CliError(f"Cannot read the {what} {path}: {error.strerror or error}.") from None


def run_train(args, out) -> int:
    from playground.data.errors import in_cli_words
    from playground.export import export_script
    from playground.training import TrainingSession

    if (args.predict is None) != (args.predictions_out is None):
        raise CliError("--predict NEW.csv and --predictions-out OUT.csv go together: give "
                       "both (the rows to predict and where to write them).")
    cfg, warnings = config_from_args(args)
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    csv_bytes = None
    if args.csv:
        csv_bytes = _read_bytes(args.csv, "CSV file")
        if cfg.dataset != "csv":       # a table: the default network for a table
            cfg = config_module.fit_to_dataset(cfg, cfg.replace(dataset="csv"),
                                               keep=_flags_given(args))
    new_rows = _read_bytes(args.predict, "CSV file to predict") if args.predict else None
    try:
        # the per-tab budget protects a shared server; here it is the user's own time
        session = TrainingSession(cfg, csv_bytes=csv_bytes,
                                  csv_name=args.csv.name if args.csv else "uploaded.csv",
                                  enforce_budget=False)
        if new_rows is not None:       # a file that cannot be predicted: say so before training
            _predict(session, new_rows, args.predict)
    except ValueError as error:        # DataError / ExperimentError: plain messages
        raise CliError(in_cli_words(str(error))) from None    # flags, not page labels
    if session.budget_warning:
        print(f"warning: {session.budget_warning} (the app would refuse it; "
              f"training here anyway)", file=sys.stderr)
    snapshot = _train(session, cfg.epochs, ProgressBar(out, cfg.epochs, enabled=not args.json))
    # a run that did not diverge has trained every epoch it was asked for
    status = "diverged" if snapshot.status == "diverged" else "done"
    result = {"epochs": snapshot.epoch, "status": status, "message": snapshot.message,
              "task": snapshot.task,
              "metrics": {split: {name: _plain(v) for name, v in values.items()}
                          for split, values in snapshot.metrics.items()},
              "final": {k: _plain(v[-1]) for k, v in snapshot.history.items() if v}}
    # the baselines on the same split (fitted on its training rows), and the verdict
    result["baselines"] = {name: {split: {k: _plain(v) for k, v in values.items()}
                                  for split, values in scores.items()}
                           for name, scores in snapshot.baselines.items()}
    result["baseline_note"] = snapshot.baseline_note
    result["loss_note"] = snapshot.loss_note
    fit = session.linear_fit()
    if fit is not None:
        result["linear_fit"] = {"w": _plain(fit[0]), "b": _plain(fit[1])}
    if session.log.thinned:
        result["history_note"] = session.log.note()
    try:
        if args.save_model:
            args.save_model.write_bytes(session.model_npz_bytes())
        if args.history:
            args.history.write_text(session.history_csv(), encoding="utf-8")
            if session.log.thinned:
                print(f"note: {session.log.note()}", file=sys.stderr)
        if args.save_config:
            args.save_config.write_text(config_module.to_json(cfg), encoding="utf-8")
        for framework, path in (("pytorch", args.export_pytorch), ("keras", args.export_keras)):
            if path:
                path.write_text(export_script(session, framework), encoding="utf-8")
        if new_rows is not None:
            predictions = _predict(session, new_rows, args.predict)
            args.predictions_out.write_text(predictions.to_csv(), encoding="utf-8")
            result["predictions"] = {"file": str(args.predictions_out),
                                     "rows": int(predictions.predicted.sum()),
                                     "notes": predictions.notes}
            for note in predictions.notes:
                print(f"note: {note}", file=sys.stderr)
    except OSError as error:
        raise CliError(f"Cannot write {error.filename}: {error.strerror or error}.") from None
    if args.json:
        print(json.dumps(result, indent=2), file=out)
    else:
        _print_result(result, session, out)
        if "predictions" in result:
            print(f"predictions for {result['predictions']['rows']:,} rows written to "
                  f"{args.predictions_out}", file=out)
    return EXIT_DIVERGED if snapshot.status == "diverged" else EXIT_OK


def _predict(session, new_rows: bytes, path: Path):
    """The trained network's predictions for the CSV ``new_rows`` (the page's
    ``playground.predict``); a file that does not fit raises a CliError naming it."""
    from playground.data import DataError
    from playground.data.errors import in_cli_words
    from playground.predict import predict_new_rows
    try:
        return predict_new_rows(session.prepared, session.model, new_rows,
                                missing=session.config.missing)
    except DataError as error:
        raise CliError(f"{path}: {in_cli_words(str(error))}") from None


def _train(session, epochs: int, bar: ProgressBar):
    """Train ``epochs`` epochs in slices so the bar can move (the same batches in the same
    order as ``session.step_epochs(epochs)``); -> the snapshot."""
    while session.epoch < epochs and session.status != "diverged":
        session.train_for(TRAIN_SLICE_SECONDS, max_epochs=epochs - session.epoch)
        bar.update(session.epoch)
    bar.close()
    return session.snapshot()


def _plain(value) -> float | None:
    """A metric as a plain JSON number: a Python float, or None for NaN/infinity (which
    JSON cannot hold)."""
    value = float(value)
    return value if math.isfinite(value) else None


def _print_result(result: dict, session, out) -> None:
    from playground.baselines import BASELINE_LABELS
    cfg = session.config
    print(f"{cfg.dataset}: {session.prepared.task}, {result['epochs']} epochs, "
          f"status {result['status']}", file=out)
    if result["message"]:
        print(result["message"], file=out)
    if "history_note" in result:
        print(result["history_note"], file=out)
    names = sorted({m for split in result["metrics"].values() for m in split})
    split = "test" if "test" in result["metrics"] else "validation"
    rows = dict(result["metrics"])      # the network's splits, then the baselines
    rows.update({f"{BASELINE_LABELS[name]} ({split})": scores[split]
                 for name, scores in result["baselines"].items() if split in scores})
    width = max(12, *(len(label) + 2 for label in rows))
    print(f"{'split':<{width}}" + "".join(f"{n:>12}" for n in names), file=out)
    for label, values in rows.items():
        print(f"{label:<{width}}" + "".join("           -" if values.get(n) is None
                                            else f"{values[n]:>12.4f}" for n in names),
              file=out)
    for line in (result["baseline_note"], result["loss_note"]):
        if line:
            print(line, file=out)
    if "linear_fit" in result:
        print(f"fitted line: y = {result['linear_fit']['w']:.4f} x + "
              f"{result['linear_fit']['b']:.4f}", file=out)


def run_list(command: str, out) -> int:
    if command == "presets":
        from playground.presets import PRESETS
        for preset in PRESETS.values():
            print(f"{preset.key:<18} {preset.title}", file=out)
    elif command == "datasets":
        from playground.data import list_datasets
        for info in list_datasets():
            print(f"{info.name:<14} {info.kind:<9} {info.task:<15} {info.description}",
                  file=out)
    else:
        for spec in FIELDS:
            if spec.choices and spec.name != "hide":
                word = "any of" if spec.is_list else "one of"
                allowed = f"{word} " + ", ".join(map(str, spec.choices))
            elif spec.minimum is not None:
                low, high = spec.minimum, spec.maximum
                if spec.kind in ("int", "int_list"):
                    allowed = f"{int(low)} to {int(high)}"
                else:
                    allowed = f"{low:g} to {high:g}"
            else:
                allowed = spec.kind
            default = config_module.format_value(spec, spec.default)
            print(f"--{spec.name.replace('_', '-'):<22} default {default or '(empty)'}; "
                  f"{allowed}. {spec.help}", file=out)
    return EXIT_OK


def main(argv: list[str] | None = None, out=None) -> int:
    """Run the command line; returns the exit code (never raises for bad input)."""
    out = out or sys.stdout
    try:
        args = build_parser().parse_args(argv)
        if args.command == "train":
            return run_train(args, out)
        return run_list(args.command, out)
    except CliError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
