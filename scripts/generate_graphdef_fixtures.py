#!/usr/bin/env python3
"""Frozen graphs of the patterns Keras leaves, for TensorScope's GraphDef import and its plan.
Writes Tests/TensorScopeTests/Fixtures/graphdef/:

- keras_bn.pb: a tf_keras model — Conv2D without bias, BatchNormalization, ReLU; Conv2D with
  bias, BatchNormalization, ReLU6; MaxPooling2D — with batch-norm statistics as after training
  (random moving means and variances, scales and offsets), traced on a placeholder `input`
  [None, 10, 10, 3] and frozen by convert_variables_to_constants_v2. Inference mode, so each
  BatchNormalization is a FusedBatchNormV3 node with is_training false; the output is `Identity`.
- keras_bn.safetensors: `input` [2, 10, 10, 3] and Keras's `output` for it.

    pip install tensorflow-cpu tf_keras safetensors numpy
    python3 scripts/generate_graphdef_fixtures.py
"""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"

import numpy as np
import tensorflow as tf
from safetensors.numpy import save_file
from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TensorScopeTests", "Fixtures", "graphdef")


def main():
    os.makedirs(OUT, exist_ok=True)
    tf.random.set_seed(4)
    rng = np.random.default_rng(4)
    L = tf.keras.layers
    model = tf.keras.Sequential([
        tf.keras.Input([10, 10, 3]),
        L.Conv2D(8, 3, use_bias=False, name="conv1"), L.BatchNormalization(name="bn1"), L.ReLU(name="relu1"),
        L.Conv2D(6, 3, name="conv2"), L.BatchNormalization(epsilon=1e-5, name="bn2"), L.ReLU(6.0, name="relu2"),
        L.MaxPooling2D(2, name="pool"),
    ])
    for layer in model.layers:
        if isinstance(layer, L.BatchNormalization):
            c = layer.gamma.shape[0]
            layer.set_weights([rng.uniform(0.5, 1.5, c), rng.normal(0, 0.3, c), rng.normal(0, 0.5, c), rng.uniform(0.2, 2, c)])
    spec = tf.TensorSpec([None, 10, 10, 3], tf.float32, name="input")
    frozen = convert_variables_to_constants_v2(tf.function(lambda x: model(x, training=False)).get_concrete_function(spec))
    graph_def = frozen.graph.as_graph_def()
    assert any(n.op == "FusedBatchNormV3" for n in graph_def.node), sorted({n.op for n in graph_def.node})
    with open(os.path.join(OUT, "keras_bn.pb"), "wb") as f:
        f.write(graph_def.SerializeToString())
    x = rng.standard_normal((2, 10, 10, 3)).astype(np.float32)
    save_file({"input": x, "output": model(x, training=False).numpy()}, os.path.join(OUT, "keras_bn.safetensors"))
    os.chmod(os.path.join(OUT, "keras_bn.safetensors"), 0o644)
    print(sorted({n.op for n in graph_def.node}), [t.name for t in frozen.outputs])


if __name__ == "__main__":
    main()
