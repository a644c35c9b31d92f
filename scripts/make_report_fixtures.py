#!/usr/bin/env python3
"""Generates Tests/OptBenchEvaluationTests/ReportFixtures.swift, the expected
outputs of the evaluation tests.

The Swift tests cannot read JSON resources (that would need a Package.swift
change), so the cases are embedded in Swift source:

- every case of shared/fixtures/classification_reports.json, copied verbatim;
- extra cases computed here with scikit-learn: other `digits`, a class with no
  support, a class neither present nor predicted, a subset of labels (which
  turns the "accuracy" row into "micro avg"), labels out of order, names with
  combining characters, values exactly on rounding boundaries, and random
  cases; each also records scikit-learn's averages as exact floats so the tests
  can check them bit for bit;
- numbers formatted by Python's '{:.Nf}' (the report's number format);
- sums of float64 arrays by NumPy's np.sum (pairwise summation).

Label arrays are stored as strings with one base-36 digit per label ("0"-"9",
"a"-"z"), floats as Python's repr (shortest round-trip form, which Swift's
Double(String) parses back to the same bits).

Usage (needs numpy and scikit-learn; the committed file was made with
scikit-learn 1.9.1 and numpy 2.4.6):

    python3 -m venv /tmp/skvenv && /tmp/skvenv/bin/pip install scikit-learn==1.9.1
    /tmp/skvenv/bin/python scripts/make_report_fixtures.py \
        [--input PATH/TO/classification_reports.json]
"""

import argparse
import json
import random
import sys
from pathlib import Path

try:
    import numpy as np
    import sklearn
    from sklearn.metrics import classification_report
except ImportError:  # pragma: no cover
    sys.exit("make_report_fixtures.py needs numpy and scikit-learn "
             "(pip install scikit-learn==1.9.1)")

REPOSITORY = Path(__file__).resolve().parents[1]
# scripts -> repository root -> its sibling shared/
DEFAULT_INPUT = REPOSITORY.parent / "shared" / "fixtures" / "classification_reports.json"
OUTPUT = REPOSITORY / "Tests" / "OptBenchEvaluationTests" / "ReportFixtures.swift"
DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"
FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def encode_labels(ys):
    return "".join(DIGITS36[y] for y in ys)


def swift_string(s):
    out = ['"']
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif 0x20 <= ord(ch) < 0x7F:
            out.append(ch)
        else:
            out.append("\\u{%x}" % ord(ch))
    out.append('"')
    return "".join(out)


def swift_optional_list(items, render):
    if items is None:
        return "nil"
    return "[" + ", ".join(render(x) for x in items) + "]"


def sklearn_case(name, y_true, y_pred, class_count, labels=None, target_names=None,
                 digits=2):
    """A case computed by scikit-learn. `labels=None` means all classes."""
    sk_labels = list(range(class_count)) if labels is None else labels
    kwargs = dict(labels=sk_labels, target_names=target_names, digits=digits,
                  zero_division=0)
    report = classification_report(y_true, y_pred, **kwargs)
    d = classification_report(y_true, y_pred, output_dict=True, **kwargs)
    first = "accuracy" if "accuracy" in d else "micro avg"
    if first == "accuracy":
        # The accuracy row shows the micro F1; the dict keeps that one number.
        micro = [d["accuracy"]] * 3
    else:
        micro = [d["micro avg"][k] for k in ("precision", "recall", "f1-score")]
    averages = {
        "micro": micro,
        "macro": [d["macro avg"][k] for k in ("precision", "recall", "f1-score")],
        "weighted": [d["weighted avg"][k] for k in ("precision", "recall", "f1-score")],
    }
    return dict(name=name, class_count=class_count, labels=labels,
                target_names=target_names, digits=digits, y_true=list(y_true),
                y_pred=list(y_pred), report=report, averages=averages)


def noisy_predictions(rng, y_true, class_count, accuracy):
    return [y if rng.random() < accuracy else rng.randrange(class_count) for y in y_true]


def extra_cases(shipped):
    rng = random.Random(20240611)
    by_name = {c["name"]: c for c in shipped}
    cases = []

    balanced = by_name["balanced-10-class"]
    for digits in (3, 4):
        cases.append(sklearn_case(f"balanced-10-class-digits-{digits}",
                                  balanced["y_true"], balanced["y_pred"], 10, digits=digits))
    fashion = by_name["fashion-names"]
    cases.append(sklearn_case("fashion-names-digits-3", fashion["y_true"], fashion["y_pred"],
                              10, target_names=FASHION, digits=3))
    never = by_name["class-never-predicted"]
    cases.append(sklearn_case("class-never-predicted-digits-4", never["y_true"],
                              never["y_pred"], 4, digits=4))

    # Class 4 is predicted but has no sample; class 5 is neither.
    y_true = [rng.randrange(4) for _ in range(300)]
    y_pred = [y if rng.random() < 0.7 else rng.randrange(5) for y in y_true]
    for digits in (2, 3):
        cases.append(sklearn_case(f"class-without-support-digits-{digits}",
                                  y_true, y_pred, 6, digits=digits))

    # A subset of the labels: "micro avg" instead of "accuracy".
    y_true = [rng.randrange(5) for _ in range(400)]
    y_pred = noisy_predictions(rng, y_true, 5, 0.6)
    cases.append(sklearn_case("label-subset-micro-avg", y_true, y_pred, 5, labels=[0, 1, 2]))
    cases.append(sklearn_case("label-subset-out-of-order-names", y_true, y_pred, 5,
                              labels=[3, 1, 4, 0],
                              target_names=["three", "one", "four", "zero"], digits=3))
    # Subset that leaves out only a class absent from the data: still "accuracy".
    y_true6 = [y for y in y_true]
    y_pred6 = [y for y in y_pred]
    cases.append(sklearn_case("label-subset-omits-absent-class", y_true6, y_pred6, 6,
                              labels=[0, 1, 2, 3, 4]))
    # All of the labels, out of order.
    cases.append(sklearn_case("labels-permuted", y_true, y_pred, 5, labels=[4, 2, 0, 1, 3]))

    # Long names, names with combining characters (Python's len counts code points).
    y_true = [rng.randrange(3) for _ in range(90)]
    y_pred = noisy_predictions(rng, y_true, 3, 0.8)
    cases.append(sklearn_case("long-and-combining-names", y_true, y_pred, 3,
                              target_names=["a very long class name indeed",
                                            "Cafe\u0301", "\u00c5ngstr\u00f6m"]))
    cases.append(sklearn_case("combining-names-only", y_true, y_pred, 3,
                              target_names=["Cafe\u0301", "x", "y"]))

    # digits = 0, 1 and more than len("weighted avg"), which widens the names.
    for digits in (0, 1, 13):
        cases.append(sklearn_case(f"digits-{digits}", y_true, y_pred, 3, digits=digits))

    # Values on rounding boundaries: 1/8, 3/8, 5/8, 7/8 and the like are exact
    # binary fractions that Python rounds half to even.
    y_true = [0] * 8 + [1] * 8 + [2] * 16
    y_pred = ([0] * 1 + [1] * 7) + ([1] * 3 + [2] * 5) + ([2] * 5 + [0] * 11)
    for digits in (0, 1, 2, 3):
        cases.append(sklearn_case(f"rounding-ties-digits-{digits}", y_true, y_pred, 3,
                                  digits=digits))

    # Only one class in the data.
    cases.append(sklearn_case("single-class-present", [1] * 7, [1] * 5 + [0] * 2, 3))

    # Random cases, some with label subsets, permutations and names.
    for i in range(120):
        k = rng.randint(2, 16)
        n = rng.randint(1, 80)
        y_true = [rng.randrange(k) for _ in range(n)]
        y_pred = noisy_predictions(rng, y_true, k, rng.random())
        labels = None
        if rng.random() < 0.3:
            labels = rng.sample(range(k), rng.randint(1, k))
        names = None
        if rng.random() < 0.3:
            count = k if labels is None else len(labels)
            names = ["c" * rng.randint(1, 15) + str(j) for j in range(count)]
        cases.append(sklearn_case(f"random-{i}", y_true, y_pred, k, labels=labels,
                                  target_names=names, digits=rng.randint(0, 5)))

    # Larger random cases, exercising longer sums.
    for i in range(6):
        k = rng.choice([10, 20, 36])
        n = rng.randint(500, 3000)
        y_true = [rng.randrange(k) for _ in range(n)]
        y_pred = noisy_predictions(rng, y_true, k, rng.random())
        cases.append(sklearn_case(f"random-large-{i}", y_true, y_pred, k,
                                  digits=rng.randint(2, 4)))
    return cases


def formatting_lines():
    rng = random.Random(7)
    values = set()
    for n in range(1, 49):
        for k in range(n + 1):
            values.add(k / n)
    for e in range(1, 8):  # exact binary ties j / 2^e
        for j in range(1, 2 ** e, 2):
            x = j / 2 ** e
            values.update([x, np.nextafter(x, 0.0), np.nextafter(x, 2.0)])
    for d in range(1, 5):  # decimal "ties" that are not exact in binary
        for m in range(0, 10 ** d, max(1, 10 ** d // 200)):
            values.add((2 * m + 1) / (2 * 10 ** d))
    values.update([0.0, 1.0, 0.99995, 0.999995, 0.9999, 2.5, 1234.5678, 10000.0])
    for _ in range(300):
        values.add(rng.random())
    lines = []
    for x in sorted(float(v) for v in values):
        for digits in (0, 1, 2, 3, 4):
            lines.append(f"{x!r} {digits} {x:.{digits}f}")
    return lines


def sum_lines():
    rng = np.random.default_rng(3)
    lines = []
    for n in [1, 2, 7, 8, 9, 15, 16, 17, 100, 127, 128, 129, 255, 256, 257, 300, 1000]:
        a = rng.random(n) * 10.0 ** rng.integers(-3, 4, n)
        lines.append(repr(float(np.sum(a))) + " " + " ".join(repr(float(x)) for x in a))
    return lines


def render_case(c, averages=True):
    fields = [
        f"name: {swift_string(c['name'])}",
        f"classCount: {c['class_count']}",
        f"labels: {swift_optional_list(c['labels'], str)}",
        f"targetNames: {swift_optional_list(c['target_names'], swift_string)}",
        f"digits: {c['digits']}",
        f"trueLabels: {swift_string(encode_labels(c['y_true']))}",
        f"predictedLabels: {swift_string(encode_labels(c['y_pred']))}",
        f"report: {swift_string(c['report'])}",
    ]
    if averages and c.get("averages"):
        a = c["averages"]
        fields.append("averages: ReportFixture.Averages(micro: %s, macro: %s, weighted: %s)" % tuple(
            "[" + ", ".join(swift_string(repr(float(x))) for x in a[key]) + "]"
            for key in ("micro", "macro", "weighted")))
    else:
        fields.append("averages: nil")
    return "    ReportFixture(\n        " + ",\n        ".join(fields) + "\n    ),"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    args = parser.parse_args()
    data = json.loads(args.input.read_text())

    shipped = []
    for c in data["cases"]:
        k = len(c["labels"])
        assert c["labels"] == list(range(k)), "shipped cases use all classes"
        # Check that this scikit-learn reproduces the shipped text, then record
        # its exact averages too.
        ours = sklearn_case(c["name"], c["y_true"], c["y_pred"], k,
                            target_names=c["target_names"], digits=c["digits"])
        if ours["report"] != c["report"]:
            sys.exit(f"scikit-learn {sklearn.__version__} does not reproduce {c['name']}")
        ours["report"] = c["report"]
        shipped.append(ours)
    extras = extra_cases(data["cases"])

    out = []
    out.append("// Generated by scripts/make_report_fixtures.py; do not edit. Regenerate with:")
    out.append("//   python3 scripts/make_report_fixtures.py")
    out.append(f"// Shipped cases: {args.input.name} (scikit-learn {data['sklearn']}).")
    out.append(f"// Extra cases: scikit-learn {sklearn.__version__}, numpy {np.__version__}.")
    out.append("")
    out.append("/// The cases of shared/fixtures/classification_reports.json, verbatim.")
    out.append("let shippedReportFixtures: [ReportFixture] = [")
    out.extend(render_case(c) for c in shipped)
    out.append("]")
    out.append("")
    out.append("/// Further cases computed with scikit-learn by scripts/make_report_fixtures.py.")
    out.append("let extraReportFixtures: [ReportFixture] = [")
    out.extend(render_case(c) for c in extras)
    out.append("]")
    out.append("")
    out.append("/// Lines `value digits text`: Python's `f\"{value:.{digits}f}\"`.")
    out.append("let pythonFormattingFixture = " + swift_string("\n".join(formatting_lines())))
    out.append("")
    out.append("/// Lines `sum x0 x1 ...`: NumPy's `np.sum` of a float64 array.")
    out.append("let numpySumFixture = " + swift_string("\n".join(sum_lines())))
    out.append("")
    OUTPUT.write_text("\n".join(out))
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes, "
          f"{len(shipped)} shipped + {len(extras)} extra report cases)")


if __name__ == "__main__":
    main()
