import OptBench
import Foundation
let dir = "/usr/share/datasets/fashion-mnist/"
let images = try IDXReader.readImages(path: dir + "train-images-idx3-ubyte.gz")
let labels = try IDXReader.readLabels(path: dir + "train-labels-idx1-ubyte.gz")
let full = LabeledImages(pixels: images.pixels, labels: labels, rows: 28, columns: 28)
let (valid, train) = full.split(at: 5000)
let mlp = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [300, 100], classCount: 10))
print(mlp.parameterCount)
let trainer = Trainer(model: mlp, configuration: TrainingConfiguration(epochs: 2))
let opts: [any GradientOptimizer] = [SGD(), SGD(momentum: 0.9), RMSprop(), Adam()]
for o in opts {
let r = trainer.train(optimizer: o, from: mlp.initialParameters(seed: 42), on: train, validation: valid) { e in
  if case .epochEnded(let rec) = e { print(rec) }
}
}
