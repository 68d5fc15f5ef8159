#!/usr/bin/env python3
"""Frozen graphs of the patterns Keras leaves, for TensorScope's GraphDef import and its plan.
Writes Tests/TensorScopeTests/Fixtures/graphdef/:

- keras_bn.pb: a tf_keras model — Conv2D without bias, BatchNormalization, ReLU; Conv2D with
  bias, BatchNormalization, ReLU6; MaxPooling2D — with batch-norm statistics as after training
  (random moving means and variances, scales and offsets), traced on a placeholder `input`
  [None, 10, 10, 3] and frozen by convert_variables_to_constants_v2. Inference mode, so each
  BatchNormalization is a FusedBatchNormV3 node with is_training false; the output is `Identity`.
- keras_bn.safetensors: `input` [2, 10, 10, 3] and Keras's `output` for it.
- tf1_variables.pb: a TF1 graph-mode program's whole graph, as tf.io.write_graph(sess.graph_def,
  as_text=False) writes it before freezing — variables (conv1/weights a ref `VariableV2` read
  through `conv1/weights/read`, the others resource variables: `VarHandleOp`, `ReadVariableOp`),
  their initializers and `Assign`s, `init`, and a Saver's `save/…` nodes — with its checkpoint
  tf1_variables/model.ckpt.*, and tf1_variables.safetensors: `input` and TensorFlow's `logits`.
- classic_ops.pb: a frozen TF1 graph through MirrorPad, LRN, ResizeBilinear, PadV2,
  ResizeNearestNeighbor, tf.nn.batch_normalization, DepthwiseConv2dNative, Pad and Mean, with
  classic_ops.safetensors: `input` [2, 8, 8, 6] and TensorFlow's `output`.

    pip install tensorflow-cpu tf_keras safetensors numpy
    python3 scripts/generate_graphdef_fixtures.py [keras_bn] [tf1_variables] [classic_ops]

(keras_bn's bytes change from run to run — Keras's tracing — though its numbers do not.)
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


def tf1_variables():
    v1 = tf.compat.v1
    rng = np.random.default_rng(6)
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(6)
        x = v1.placeholder(tf.float32, [None, 6, 6, 2], name="input")
        with v1.variable_scope("conv1"):
            w = v1.get_variable("weights", [3, 3, 2, 4], use_resource=False)
            b = v1.get_variable("biases", [4], initializer=v1.random_normal_initializer())
            h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, [1, 1, 1, 1], "VALID"), b))
        h = tf.reshape(h, [-1, 4 * 4 * 4])
        with v1.variable_scope("fc"):
            logits = tf.matmul(h, v1.get_variable("weights", [64, 3])) + v1.get_variable("biases", [3])
        logits = tf.identity(logits, name="logits")
        saver = v1.train.Saver()
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            saver.save(session, os.path.join(OUT, "tf1_variables", "model.ckpt"), write_meta_graph=False, write_state=False)
            tf.io.write_graph(session.graph_def, OUT, "tf1_variables.pb", as_text=False)
            probe = rng.standard_normal((3, 6, 6, 2)).astype(np.float32)
            save_file({"input": probe, "logits": session.run(logits, {x: probe})},
                      os.path.join(OUT, "tf1_variables.safetensors"))
            os.chmod(os.path.join(OUT, "tf1_variables.safetensors"), 0o644)
        print(sorted({n.op for n in graph.as_graph_def().node}))


def classic_ops():
    """A frozen TF1 graph through the classic CNN ops: MirrorPad, LRN, ResizeBilinear (TF2's
    rule), PadV2, ResizeNearestNeighbor (TF1's), tf.nn.batch_normalization's ops,
    DepthwiseConv2dNative, Pad, Mean."""
    v1 = tf.compat.v1
    rng = np.random.default_rng(8)
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 8, 8, 6], name="input")
        h = tf.pad(x, [[0, 0], [2, 1], [1, 2], [0, 0]], mode="REFLECT")
        h = tf.nn.lrn(h, depth_radius=2, bias=1.0, alpha=0.1, beta=0.75)
        h = tf.image.resize(h, [14, 13])
        h = tf.pad(h, [[0, 0], [1, 1], [1, 1], [0, 0]], constant_values=0.5)
        h = v1.image.resize_nearest_neighbor(h, [9, 10])
        c = lambda *shape: tf.constant(rng.standard_normal(shape).astype(np.float32))
        variance = tf.constant(np.abs(rng.standard_normal(6)).astype(np.float32) + 0.5)
        h = tf.nn.batch_normalization(h, c(6), variance, c(6), c(6), 0.001)
        h = tf.nn.depthwise_conv2d(h, c(3, 3, 6, 2), [1, 2, 2, 1], "SAME")
        h = tf.pad(h, [[0, 0], [0, 1], [1, 0], [0, 0]], mode="SYMMETRIC")
        h = tf.reduce_mean(tf.pad(h, [[0, 0], [1, 1], [1, 1], [0, 0]]), axis=[1, 2])
        y = tf.identity(h, name="output")
        with v1.Session(graph=graph) as session:
            frozen = v1.graph_util.convert_variables_to_constants(session, graph.as_graph_def(), ["output"])
            probe = rng.standard_normal((2, 8, 8, 6)).astype(np.float32)
            expected = session.run(y, {x: probe})
    with open(os.path.join(OUT, "classic_ops.pb"), "wb") as f:
        f.write(frozen.SerializeToString())
    save_file({"input": probe, "output": expected}, os.path.join(OUT, "classic_ops.safetensors"))
    os.chmod(os.path.join(OUT, "classic_ops.safetensors"), 0o644)
    print(sorted({n.op for n in frozen.node}))


if __name__ == "__main__":
    # Each fixture by name (`keras_bn`, `tf1_variables`, `classic_ops`), or all of them.
    import sys
    chosen = sys.argv[1:] or ["keras_bn", "tf1_variables", "classic_ops"]
    for fixture in chosen:
        {"keras_bn": main, "tf1_variables": tf1_variables, "classic_ops": classic_ops}[fixture]()
