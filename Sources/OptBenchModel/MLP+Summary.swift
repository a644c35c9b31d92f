extension MLP {
    /// The model as Keras 3's `model.summary()` prints it:
    ///
    ///     Model: "sequential"
    ///     ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
    ///     ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
    ///     ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
    ///     │ flatten (Flatten)               │ (None, 784)            │             0 │
    ///     ├─────────────────────────────────┼────────────────────────┼───────────────┤
    ///     │ dense (Dense)                   │ (None, 300)            │       235,500 │
    ///     …
    ///      Total params: 266,610 (1.02 MB)
    ///     …
    ///      Hidden activation: relu (output: softmax)
    ///
    /// Keras's table does not show activations; the last line, OptBench's own,
    /// names them.
    ///
    /// `imageShape` is the input's shape before `Flatten`, e.g. `[28, 28]`.
    public func summary(imageShape: [Int]? = nil) -> String {
        let widths = [33, 24, 15]
        func line(_ left: String, _ middle: String, _ right: String, _ fill: String) -> String {
            left + widths.map { String(repeating: fill, count: $0) }.joined(separator: middle) + right
        }
        func row(_ cells: [String], rightAlignLast: Bool = true) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let room = widths[i] - 2
                let text = cell.count > room ? String(cell.prefix(room)) : cell
                let pad = String(repeating: " ", count: room - text.count)
                parts.append(" " + (i == cells.count - 1 && rightAlignLast ? pad + text : text + pad) + " ")
            }
            return parts.joined(separator: "│")
        }
        var rows: [[String]] = []
        rows.append(["flatten (Flatten)", "(None, \(inputSize))", "0"])
        for (l, layer) in layers.enumerated() {
            let name = l == 0 ? "dense" : "dense_\(l)"
            rows.append(["\(name) (Dense)", "(None, \(layer.outputs))", grouped(layer.parameterCount)])
        }
        var out = "Model: \"sequential\"\n"
        out += line("┏", "┳", "┓", "━") + "\n"
        out += "┃" + row(["Layer (type)", "Output Shape", "Param #"]).replacingBars("┃") + "┃\n"
        out += line("┡", "╇", "┩", "━") + "\n"
        for (r, cells) in rows.enumerated() {
            out += "│" + row(cells) + "│\n"
            out += (r == rows.count - 1 ? line("└", "┴", "┘", "─") : line("├", "┼", "┤", "─")) + "\n"
        }
        let bytes = Double(parameterCount * MemoryLayout<Float>.stride)
        out += " Total params: \(grouped(parameterCount)) (\(byteSize(bytes)))\n"
        out += " Trainable params: \(grouped(parameterCount)) (\(byteSize(bytes)))\n"
        out += " Non-trainable params: 0 (0.00 B)\n"
        out += " Hidden activation: \(architecture.hiddenActivation.rawValue) (output: softmax)\n"
        return out
    }
}

/// `266610` → `266,610`.
func grouped(_ n: Int) -> String {
    let digits = String(n)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return out
}

/// Keras's `readable_memory_size`: `1.02 MB` (powers of 1024, two decimals).
func byteSize(_ bytes: Double) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var value = bytes
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    let hundredths = Int((value * 100).rounded())
    return "\(hundredths / 100).\(String(format2: hundredths % 100)) \(units[unit])"
}

private extension String {
    init(format2 n: Int) { self = n < 10 ? "0\(n)" : "\(n)" }
    func replacingBars(_ bar: Character) -> String { String(map { $0 == "│" ? bar : $0 }) }
}
