#!/usr/bin/env bash
# Checks that OptBench works as a versioned dependency, the way a user adds it:
# clones this repository's committed HEAD (or the commit given) into a temporary
# folder, tags the clone 99.0.0, writes a small consumer package that depends on
# it with `.package(url: "file://…/optbench-clone", from: "99.0.0")` and uses the
# `OptBenchOptimizers` and `OptBenchModel` products, builds it in release and runs
# it. SwiftPM refuses a versioned dependency whose targets use unsafe build flags,
# so this fails if any library target needs them.
#
# Also checks that those two products do not build swift-crypto (only the
# `OptBenchData` product needs it).
#
# Usage: scripts/check_consumer_package.sh [COMMIT]    (KEEP=1 keeps the folder)
# Uncommitted changes are not part of the check: it clones commits.
set -euo pipefail

repository=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
commit=${1:-HEAD}
work=$(mktemp -d "${TMPDIR:-/tmp}/optbench-consumer.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then
    echo "keeping $work"
else
    trap 'rm -rf "$work"' EXIT
fi

clone="$work/optbench-clone"
git clone --quiet "$repository" "$clone"
git -C "$clone" checkout --quiet --detach "$(git -C "$repository" rev-parse "$commit")"
git -C "$clone" tag 99.0.0
echo "OptBench $(git -C "$clone" log -1 --format='%h %s') tagged 99.0.0 in $clone"

consumer="$work/consumer"
mkdir -p "$consumer/Sources/consumer"
cat > "$consumer/Package.swift" <<MANIFEST
// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "OptBenchConsumer",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "file://$clone", from: "99.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "consumer",
            dependencies: [
                .product(name: "OptBenchOptimizers", package: "optbench-clone"),
                .product(name: "OptBenchModel", package: "optbench-clone"),
            ]
        ),
    ]
)
MANIFEST

cat > "$consumer/Sources/consumer/main.swift" <<'SWIFT'
import Foundation
import OptBenchKernels
import OptBenchModel
import OptBenchOptimizers

var failures: [String] = []

// 1. The optimizers alone: Adam minimises f(w) = Σᵢ (wᵢ − i)² from w = 0.
var w = [Float](repeating: 0, count: 8)
let adam = Adam(learningRate: 0.1)
var state = adam.makeState(parameterCount: w.count)
for _ in 0..<1000 {
    let gradient = w.indices.map { 2 * (w[$0] - Float($0)) }
    adam.update(parameters: &w, gradients: gradient, state: &state)
}
let worst = w.indices.map { abs(w[$0] - Float($0)) }.max()!
print("Adam on a quadratic, 1000 steps: largest distance to the minimum \(worst)")
if !(worst < 0.01) { failures.append("Adam did not reach the minimum (\(worst))") }

// 2. The model with its kernels: an MLP 2-16-2 learns which side of the line
//    x + y = 0 a point lies on, with SGD with momentum.
let mlp = MLP(MLPArchitecture(inputSize: 2, hiddenSizes: [16], classCount: 2))
var parameters = mlp.initialParameters(seed: 7)
var gradients = [Float](repeating: 0, count: mlp.parameterCount)
let batch = 64
let workspace = MLPWorkspace(model: mlp, capacity: batch)
var generator = SeededGenerator(seed: 3)
for i in 0..<batch {
    let x = 2 * generator.nextUnitFloat() - 1, y = 2 * generator.nextUnitFloat() - 1
    workspace.input[2 * i] = x
    workspace.input[2 * i + 1] = y
    workspace.labels[i] = x + y > 0 ? 1 : 0
}
let sgd = SGD(learningRate: 0.1, momentum: 0.9)
var sgdState = sgd.makeState(parameterCount: mlp.parameterCount)
var first = 0.0, last = CrossEntropyTotals()
for step in 0..<300 {
    last = mlp.lossAndGradient(parameters: parameters, gradients: &gradients, batch: batch, workspace: workspace)
    if step == 0 { first = last.lossSum / Double(batch) }
    sgd.update(parameters: &parameters, gradients: gradients, state: &sgdState)
}
let loss = last.lossSum / Double(batch)
print("MLP 2-16-2, 300 steps: mean loss \(first) -> \(loss), \(last.correct)/\(batch) correct")
if !(loss < first / 4) { failures.append("the MLP's loss did not fall (\(first) -> \(loss))") }
if last.correct < batch - 2 { failures.append("the MLP classifies only \(last.correct) of \(batch)") }

if failures.isEmpty {
    print("consumer: OK")
} else {
    for failure in failures { print("consumer: FAILED: \(failure)") }
    exit(1)
}
SWIFT

cd "$consumer"
# A consumer never sets OptBench's developer opt-ins; OPTBENCH_OPTIMIZE_DEBUG=1
# (exported by .ci/run for the tests) would add unsafe flags to its manifest.
unset OPTBENCH_OPTIMIZE_DEBUG
echo "building the consumer package (release)..."
start=$(date +%s)
if ! swift build -c release > "$work/build.log" 2>&1; then
    cat "$work/build.log"
    echo "check_consumer_package: the consumer package does not build against OptBench 99.0.0" >&2
    exit 1
fi
echo "built in $(( $(date +%s) - start )) s (dependency resolution included)"
if grep -qiE "Compiling (Crypto|CCryptoBoringSSL)" "$work/build.log"; then
    echo "check_consumer_package: the optimizers and model products built swift-crypto" >&2
    exit 1
fi
echo "swift-crypto was not built"
.build/release/consumer
echo "check_consumer_package: passed"
