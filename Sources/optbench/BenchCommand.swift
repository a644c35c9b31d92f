import ArgumentParser
import Foundation
import OptBench
import OptBenchBenchmarks

/// `optbench bench`: measures the kernels and the training speed on this machine.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure matrix-product throughput, seconds per epoch, samples per second and peak memory.",
        discussion: """
            Prints the CPU, the features detected and the kernel path chosen (OPTBENCH_KERNELS \
            overrides it), one core's peak GFLOP/s on each path (a register-only FMA loop), GFLOP/s \
            of each matrix product of a training step (batch 32 and 256) and, for the plain \
            products on one thread, the fraction of the peak; with --python, also runs \
            scripts/matmul_reference.py (numpy float32 matmul on one thread) on the same shapes and \
            prints OpenBLAS's GFLOP/s and the ratio per shape. Then seconds \
            per epoch of the default experiment for each optimizer (median over --epochs), training \
            samples per second for batch sizes 1 to 4096, and the peak memory of the process. With \
            --keras-python, also runs scripts/keras_reference.py with that Python for the same \
            number of epochs and prints the ratios side by side.
            """)

    @Option(parsing: .unconditional, help: "Seconds spent timing each matrix product.")
    var seconds = 0.5

    @Option(parsing: .unconditional, help: "Epochs per optimizer for the seconds-per-epoch figures.")
    var epochs = 3

    @Option(name: .customLong("data-dir"), help: "Folder holding the Fashion-MNIST IDX files.")
    var dataDir: String?

    @Option(name: .customLong("keras-python"), help: "A Python with TensorFlow and Keras, to time the same epochs in Keras.")
    var kerasPython: String?

    @Option(name: .customLong("python"),
            help: "A Python with numpy, to time OpenBLAS's single-thread sgemm on the same products.")
    var python: String?

    @Option(name: .customLong("skip"), help: "Comma-separated parts to skip: products, epochs, batches.")
    var skip = ""

    func validate() throws {
        if let python {
            guard FileManager.default.isExecutableFile(atPath: python) else {
                throw ValidationError("--python: \(python) is not an executable file")
            }
            guard !skip.split(separator: ",").contains("products") else {
                throw ValidationError("--python compares the matrix products; do not --skip products")
            }
        }
        guard epochs >= 1 else { throw ValidationError("--epochs: must be at least 1, got \(epochs)") }
        guard seconds.isFinite && seconds > 0 else { throw ValidationError("--seconds: must be a finite number > 0, got \(seconds)") }
        if let kerasPython {
            guard FileManager.default.isExecutableFile(atPath: kerasPython) else {
                throw ValidationError("--keras-python: \(kerasPython) is not an executable file")
            }
            guard !skip.split(separator: ",").contains("epochs") else {
                throw ValidationError("--keras-python compares seconds per epoch; do not --skip epochs")
            }
        }
    }

    func run() throws {
        let skipped = Set(skip.split(separator: ",").map(String.init))
        let mlp = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [300, 100], classCount: 10))
        let cpu = CPUReport.current()
        cpu.lines.forEach { print($0) }
        print("threads: \(KernelThreads.shared.threadCount) (set OPTBENCH_THREADS to change)")
        print("\none core's peak (a register-only loop of independent FMA chains), GFLOP/s")
        var peaks: [KernelPath: Double] = [:]
        for path in KernelPath.allCases.reversed() {
            let peak = KernelThreads(threadCount: 1).withPinnedCaller { PeakFlops.gigaflops(path: path, minimumSeconds: seconds) }
            peaks[path] = peak
            let value = peak.map { String(format: "%7.1f", $0) } ?? "not supported by this CPU"
            print("  \(pad(path.rawValue, 10)) \(value)\(path == cpu.chosenPath ? "   (the kernels' path)" : "")")
        }
        // Loaded first: the first layer's products are also timed on real images.
        let (dataset, _) = try Dataset.load(.fashionMNIST, dataDirectory: dataDir)
        let (valid, train) = dataset.train.split(at: 5000)
        if !skipped.contains("products") {
            let single = KernelThreads(threadCount: 1)
            let plainShapes = [32, 256].flatMap { MatrixProductBenchmark.cases(model: mlp, batch: $0).map(\.shape) }
            var reference: MatmulReferenceResult? = nil
            if let python {
                // First, so that a Python that cannot run stops the bench before the long timings.
                fflush(nil)
                reference = try MatmulReference.run(python: python, script: scriptPath("matmul_reference.py"),
                                                    shapes: plainShapes, seconds: seconds, statistic: .fastest)
            }
            print("\nmatrix products of one training step, GFLOP/s on 1 thread and on \(KernelThreads.shared.threadCount)")
            print("(\"zeros skipped\": on the first training images, skipping the columns where 4 rows of A are 0;")
            print(" \"pipeline\", \"owned rows\": split among threads by the rows of W₁ each thread owns, as training does;")
            print(" GFLOP/s count the skipped multiply-adds too; * = what training runs)")
            for batch in [32, 256] {
                var total = (one: 0.0, all: 0.0)
                var flops = 0.0
                let images = train.pixels.prefix(batch * 784).map { Kernels.unitScale[Int($0)] }
                let sparse = MatrixProductBenchmark.sparseInputCases(model: mlp, images: images, batch: batch)
                let zeroSkipping = sparse.filter(MatrixProductBenchmark.skipsZerosInTraining)
                // With several threads, training splits the first layer by the weight rows each owns.
                let trainedSplit: (MatrixProductCase.FirstLayerSplit) -> Bool = { split in
                    KernelThreads.shared.threadCount == 1 ? split == .balanced : split != .balanced
                }
                for product in MatrixProductBenchmark.cases(model: mlp, batch: batch) + sparse {
                    let one = MatrixProductBenchmark.run(product, minimumSeconds: seconds, threads: single)
                    let all = MatrixProductBenchmark.run(product, minimumSeconds: seconds)
                    // The step as trained: each product once, the way training runs it.
                    let trained = product.sparseInput == nil
                        ? !zeroSkipping.contains { $0.m == product.m && $0.n == product.n && $0.k == product.k }
                        : MatrixProductBenchmark.skipsZerosInTraining(product) && trainedSplit(product.split)
                    if trained {
                        total.one += one.secondsPerCall
                        total.all += all.secondsPerCall
                        flops += product.flops
                    }
                    print(String(format: "%@ %@ %7.1f %7.1f GFLOP/s  %9.2f µs", trained ? "*" : " ", pad(product.name, 64),
                                 one.gflops, all.gflops, all.secondsPerCall * 1e6))
                }
                print(String(format: "  %@ %7.1f %7.1f GFLOP/s  %9.2f µs", pad("one step as trained (*), batch \(batch)", 64),
                             flops / total.one / 1e9, flops / total.all / 1e9, total.all * 1e6))
            }
            // Timed again, by the fastest call as the peak and the reference are: on a shared
            // machine, other work only slows a call, and both sides meet the same rule.
            let plainOnOneThread = [32, 256].flatMap { MatrixProductBenchmark.cases(model: mlp, batch: $0) }.map {
                MatrixProductBenchmark.run($0, minimumSeconds: seconds, threads: single, statistic: .fastest)
            }
            printComparison(ProductComparison.rows(timings: plainOnOneThread, peakGflops: peaks[cpu.chosenPath] ?? nil,
                                                   reference: reference),
                            path: cpu.chosenPath, peak: peaks[cpu.chosenPath] ?? nil, reference: reference)
        }
        var ours: [String: Double] = [:]
        let optimizers: [(String, any GradientOptimizer)] = [
            ("sgd", SGD()), ("momentum", SGD(momentum: 0.9)), ("rmsprop", RMSprop()), ("adam", Adam()),
        ]
        if !skipped.contains("epochs") {
            print("\nseconds per epoch, default experiment (55,000 samples, batch 32, validation 5,000), median of \(epochs)")
            if KernelThreads.shared.threadCount >= 2 {
                print("(\"round trip\": of a cache line between the two threads, before and after; a few tens of ns when")
                print(" the two CPUs share a die, hundreds when they do not — a virtual machine's host may move them —")
                print(" and then every two-thread step is slower)")
            }
            for (name, optimizer) in optimizers {
                let before = CoreToCoreLatency.roundTripNanoseconds()
                let times = TrainingBenchmark.secondsPerEpoch(model: mlp, optimizer: optimizer, train: train,
                                                              validation: valid, epochs: epochs)
                let after = CoreToCoreLatency.roundTripNanoseconds()
                ours[name] = median(times)
                print(String(format: "  %@ %6.3f s   (epochs: %@)%@", pad(name, 10), median(times),
                             times.map { String(format: "%.3f", $0) }.joined(separator: ", "),
                             roundTrips(before, after)))
            }
        }
        if !skipped.contains("batches") {
            print("\ntraining samples per second by batch size (SGD, steps only; the fastest of 3 runs)")
            var batch = 1
            while batch <= 4096 {
                let samples = batch < 16 ? 4096 : max(16_384, batch * 16)
                let rates = (0..<3).map { _ in
                    TrainingBenchmark.samplesPerSecond(model: mlp, train: train, batchSize: batch, samples: max(samples, batch * 4))
                }
                print(String(format: "  batch %4d  %9.0f samples/s   (runs: %@)", batch, rates.max()!,
                             rates.map { String(format: "%.0f", $0) }.joined(separator: ", ")))
                batch *= 2
            }
        }
        print(String(format: "\npeak memory of this process: %.0f MB", Double(peakResidentBytes()) / 1e6))

        if let kerasPython, !ours.isEmpty {
            print("\nKeras/TensorFlow on the same machine, same epochs (scripts/keras_reference.py)")
            let before = CoreToCoreLatency.roundTripNanoseconds()
            let keras = try runKeras(python: kerasPython)
            let after = CoreToCoreLatency.roundTripNanoseconds()
            let trips = roundTrips(before, after)
            if !trips.isEmpty { print("  Keras's run:\(trips)") }
            print("  optimizer   optbench s/epoch   keras s/epoch   speed-up")
            for (name, _) in optimizers {
                guard let mine = ours[name], let theirs = keras[name] else { continue }
                print(String(format: "  %@ %10.3f %16.3f %10.1f×", pad(name, 10), mine, theirs, theirs / mine))
            }
        }
    }

    /// "   round trip 55 → 330 ns" from two measurements, or nothing without them.
    private func roundTrips(_ before: Double?, _ after: Double?) -> String {
        guard let before, let after else { return "" }
        return String(format: "   round trip %.0f → %.0f ns", before, after)
    }

    /// The plain products on one thread: GFLOP/s, fraction of the peak, OpenBLAS's GFLOP/s and the ratio.
    private func printComparison(_ rows: [ProductComparison], path: KernelPath, peak: Double?,
                                 reference: MatmulReferenceResult?) {
        let peakText = peak.map { String(format: "%.1f GFLOP/s", $0) } ?? "not measured"
        print("\nplain products on 1 thread (with their epilogues; numpy's matmul has none), against one core's peak")
        print("on the kernels' path (\(path.rawValue), \(peakText)) and OpenBLAS's single-thread sgemm on the same shape;")
        print("each the fastest call over --seconds, as the peak: other work on the core only slows a call")
        if let reference {
            let removed = reference.removedEnvironment.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value ?? "(unset)")" }.joined(separator: ", ")
            print("(OpenBLAS: numpy \(reference.numpy), \(reference.blas.name) \(reference.blas.version), kernel "
                  + "\(reference.kernel), \(reference.threads.map { "\($0) thread" + ($0 == 1 ? "" : "s") } ?? "threads unknown")"
                  + (removed.isEmpty ? "" : "; removed from its environment: \(removed)") + ")")
        } else {
            print("(OpenBLAS not measured: pass --python PATH, a Python with numpy)")
        }
        print("  \(pad("product", 56)) GFLOP/s  of peak  OpenBLAS    ratio")
        for row in rows {
            let fraction = row.fractionOfPeak.map { String(format: "%7.2f", $0) } ?? "      —"
            let theirs = row.openBLASGflops.map { String(format: "%9.1f", $0) } ?? "        —"
            let ratio = row.ratio.map { String(format: "%8.2f×", $0) } ?? "        —"
            print("  \(pad(row.name, 56)) \(String(format: "%7.1f", row.gflops))  \(fraction) \(theirs) \(ratio)")
        }
    }

    /// The path of `name` in the package's `scripts` folder.
    private func scriptPath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/\(name)").path
    }

    private func runKeras(python: String) throws -> [String: Double] {
        let script = scriptPath("keras_reference.py")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("optbench-keras-\(getpid()).json").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        var arguments = [script, "--epochs", String(epochs), "--output", output]
        if let dataDir { arguments += ["--data-dir", dataDir] }
        process.arguments = arguments
        defer { try? FileManager.default.removeItem(atPath: output) }
        // What this process printed goes out before the script's own lines.
        fflush(nil)
        do {
            try process.run()
        } catch {
            throw ExperimentError.cannotRead(python, "cannot start it (\(error.localizedDescription))")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0, let data = FileManager.default.contents(atPath: output),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let runs = json["runs"] as? [[String: Any]] else {
            throw ExperimentError.cannotRead(output, "the Keras reference script failed (status \(process.terminationStatus))")
        }
        var result: [String: Double] = [:]
        for run in runs {
            if let name = run["optimizer"] as? String, let seconds = run["median_epoch_seconds"] as? Double { result[name] = seconds }
        }
        return result
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
