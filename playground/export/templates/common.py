# ----- Preparing inputs and reading outputs (NumPy only, the same in every export) -----

TOLERANCE = 1e-4   # the check fails above this difference from the playground's outputs

# TensorFlow Playground's input features of 2-D points, from the coordinates x1 and x2.
FEATURE_CROSSES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1²": lambda x1, x2: x1 * x1,
    "x2²": lambda x1, x2: x2 * x2,
    "x1·x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


def weight_arrays(path=None):
    """The trained weights in Keras get_weights() order, float32: from ``path`` (the
    playground's "Model (.npz)" download) or the copy embedded above."""
    source = path or io.BytesIO(base64.b64decode(WEIGHTS_NPZ_BASE64))
    with np.load(source, allow_pickle=False) as archive:
        names = sorted(name for name in archive.files if name.startswith("weight_"))
        return [archive[name].astype(np.float32) for name in names]


def encode_rows(rows):
    """Table rows (dicts: column name -> value, as in the CSV) -> (n, features) float32.

    Number columns are read as numbers; text columns become one 0/1 column per category
    seen in training (a category not seen in training gives all zeros). A missing value
    (empty, or a word the playground reads as missing, such as NA) gets the column's "fill" value, fitted on
    the training split by the playground."""
    encoded = []
    for number, row in enumerate(rows, start=1):
        values = []
        for column in EXPORT["inputs"]["columns"]:
            value = row.get(column["name"])
            text = "" if value is None else str(value).strip()
            if text in EXPORT["inputs"].get("missing_words", [""]):
                if "fill" not in column:
                    raise ValueError(f"Row {number} has no value in column "
                                     f"{column['name']!r}; fill it in (the network needs "
                                     f"every input column).")
                text = "" if column["fill"] is None else str(column["fill"])
            if column["type"] == "number":
                try:
                    values.append(float(text))
                except ValueError:
                    raise ValueError(f"Row {number}, column {column['name']!r}: {text!r} is "
                                     f"not a number.") from None
            else:
                values += [1.0 if text == category else 0.0
                           for category in column["categories"]]
        encoded.append(values)
    return np.array(encoded, dtype=np.float32).reshape(len(encoded), -1)


def prepare_inputs(raw):
    """Raw inputs, as the playground loaded them -> the network's input, float32.

    Table and 2-D point data come as rows (dicts) and are encoded; 2-D points then get the
    selected feature crosses; images (n, height, width, channels) and sequences
    (n, time, features) come as arrays. Last, every feature (the last axis) is scaled with
    the offset and scale the playground fitted on its training split."""
    spec = EXPORT["inputs"]
    x = encode_rows(raw) if spec["columns"] is not None else np.asarray(raw, dtype=np.float32)
    if spec["crosses"] is not None:
        x1, x2 = x[:, 0], x[:, 1]
        x = np.stack([FEATURE_CROSSES[name](x1, x2) for name in spec["crosses"]], axis=1)
    offset = np.asarray(spec["scaler"]["offset"], dtype=np.float64)
    scale = np.asarray(spec["scaler"]["scale"], dtype=np.float64)
    return ((x - offset) / scale).astype(np.float32)


def describe(outputs):
    """Network outputs (n, units) -> one readable prediction per row (class or value)."""
    spec = EXPORT["outputs"]
    if spec["task"] == "classification":
        names = spec["class_names"]
        if outputs.shape[1] == 1:                     # one sigmoid unit: P(second class)
            probabilities = np.concatenate([1 - outputs, outputs], axis=1)
        else:                                         # softmax: one unit per class
            probabilities = outputs
        best = probabilities.argmax(axis=1)
        return [f"{names[k]} (probability {probabilities[i, k]:.3f})"
                for i, k in enumerate(best)]
    values = outputs
    if spec["target_mean"] is not None:               # the network predicts scaled targets
        values = outputs * np.asarray(spec["target_std"]) + np.asarray(spec["target_mean"])
    return [", ".join(f"{value:.6g}" for value in row) for row in values]


def read_csv_rows(path):
    """The rows of a CSV file as dicts (the first line names the columns)."""
    with open(path, newline="", encoding="utf-8-sig") as file:
        sample = file.read(4096)
        file.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        return list(csv.DictReader(file, dialect=dialect))


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Rebuild the exported network, load its weights and check its "
                    "predictions against the playground's, or predict new rows.")
    parser.add_argument("--weights", help="a model .npz downloaded from the playground "
                                          "(default: the weights embedded in this file)")
    parser.add_argument("--csv", help="predict the rows of this CSV file (same columns as "
                                      "the training data; table and 2-D point data only)")
    args = parser.parse_args(argv)
    try:
        network = build_network(EXPORT["layers"], weight_arrays(args.weights))
        if args.csv:
            if EXPORT["inputs"]["columns"] is None:
                raise ValueError("--csv works for table and 2-D point data; for images and "
                                 "sequences call network_outputs(network, "
                                 "prepare_inputs(array)) from Python.")
            outputs = network_outputs(network, prepare_inputs(read_csv_rows(args.csv)))
            print("\n".join(describe(outputs)))
            return 0
    except (OSError, ValueError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    check = EXPORT["check"]
    expected = np.asarray(check["outputs"], dtype=np.float32)
    outputs = network_outputs(network, prepare_inputs(check["inputs"]))
    difference = float(np.max(np.abs(outputs - expected)))
    print(f"max difference: {difference:.3g} (network outputs for {len(expected)} saved "
          f"rows, this script vs Neural Playground; allowed {TOLERANCE:g})")
    for number, text in enumerate(describe(outputs), start=1):
        print(f"  row {number}: {text}")
    return 0 if difference <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
