#!/usr/bin/env python3
"""Runs TensorScope's benchmark cases in TensorScope, TensorFlow, ONNX Runtime and TFLite
(XNNPACK, through TensorFlow's own tf.lite.Interpreter) in one invocation, with the same thread
count, and prints one table of GFLOP/s and ratios.

    pip install tensorflow-cpu onnxruntime onnx tf2onnx numpy
    swift build -c release --product tensorscope-bench
    python3 scripts/bench_peers.py [--threads 2] [--repeats 7] [--rounds 3] [--markdown] [--no-photo-job] [--case NAME …]

Whole models (the digits CNN at batch 256 and 1, my_image_filter at batch 1, the detector-style
nets) run in TensorScope through a Session, built once on a placeholder; MTCNN's three pretrained
nets run from TensorFlow's frozen graphs in every engine (TensorScope imports them).

Not run in CI. Each case is timed as tensorscope-bench times it: warm-up runs, then the median
of repeated runs. --rounds repeats the whole comparison (TensorScope, TensorFlow, ORT, in turn)
and keeps each engine's best median, which evens out a noisy shared machine. OPENBLAS_CORETYPE
is passed through untouched: with it unset, tensorscope-bench picks the OpenBLAS kernel itself.

After the layer cases, the whole photo job (scripts/bench_photo_job.py): image-filter on 60
camera-size JPEGs against a TensorFlow tf.data pipeline doing the same job, images/s.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

# name: (input NHWC, [(filter HWIO, stride, bias+relu)])
CASES = {
    "seed-layer": ([8, 64, 64, 32], [([5, 5, 32, 32], 1, True)]),
    "image-filter-224": ([8, 224, 224, 3], [([5, 5, 3, 32], 1, True), ([5, 5, 32, 32], 1, True)]),
    "s2-3x3": ([1, 112, 112, 64], [([3, 3, 64, 64], 2, False)]),
    "pointwise": ([4, 56, 56, 64], [([1, 1, 64, 64], 1, False)]),
    "deep-3x3": ([4, 14, 14, 256], [([3, 3, 256, 256], 1, False)]),
    "image-filter-224-b1": ([1, 224, 224, 3], [([5, 5, 3, 32], 1, True), ([5, 5, 32, 32], 1, True)]),
}

# The detector-style nets of tensorscope-bench's ModelCases (the shape of MTCNN's three): layers
# ("conv", k, out) = VALID conv + bias + PReLU; ("pool", size, stride, same); ("flatten",);
# ("dense", out, prelu); ("softmax",). TensorScope runs them through a Session.
DETECTORS = {
    "detector-12": ([1, 12, 12, 3], [("conv", 3, 10), ("pool", 2, 2, True), ("conv", 3, 16), ("conv", 3, 32),
                                     ("flatten",), ("dense", 2, False), ("softmax",)]),
    "detector-24": ([100, 24, 24, 3], [("conv", 3, 28), ("pool", 3, 2, True), ("conv", 3, 48), ("pool", 3, 2, False),
                                       ("conv", 2, 64), ("flatten",), ("dense", 128, True), ("dense", 2, False),
                                       ("softmax",)]),
    "detector-48": ([100, 48, 48, 3], [("conv", 3, 32), ("pool", 3, 2, True), ("conv", 3, 64), ("pool", 3, 2, False),
                                       ("conv", 3, 64), ("pool", 2, 2, True), ("conv", 2, 128), ("flatten",),
                                       ("dense", 256, True), ("dense", 2, False), ("softmax",)]),
}


def detector_plan(case):
    """Each layer with the shapes it sees: (layer, (h, w, c) in, (h, w, c) out), and the FLOPs."""
    shape, layers = DETECTORS[case]
    h, w, c = shape[1:]
    plan, total = [], 0
    for layer in layers:
        before = (h, w, c)
        if layer[0] == "conv":
            k, out = layer[1], layer[2]
            h, w = h - k + 1, w - k + 1
            total += 2 * h * w * k * k * c * out
            c = out
        elif layer[0] == "pool":
            size, stride, same = layer[1:]
            h, w = (-(-h // stride), -(-w // stride)) if same else ((h - size) // stride + 1, (w - size) // stride + 1)
        elif layer[0] == "flatten":
            h, w, c = 1, 1, h * w * c
        elif layer[0] == "dense":
            total += 2 * c * layer[1]
            c = layer[1]
        plan.append((layer, before, (h, w, c)))
    return plan, total * shape[0]


def detector_weights(case, rng):
    weights = []
    for layer, (h, w, c), _ in detector_plan(case)[0]:
        if layer[0] == "conv":
            weights.append((rng.standard_normal([layer[1], layer[1], c, layer[2]], dtype=np.float32) * 0.1,
                            np.full(layer[2], 0.01, np.float32), np.full(layer[2], 0.25, np.float32)))
        elif layer[0] == "dense":
            weights.append((rng.standard_normal([c, layer[1]], dtype=np.float32) * 0.1,
                            np.full(layer[1], 0.01, np.float32), np.full(layer[1], 0.25, np.float32)))
        else:
            weights.append(None)
    return weights


def detector_tf(tf, case, weights):
    """A detector as a tf.function, PReLU composed as Keras composes it (TFLite's converter
    turns that pattern into its PRELU op)."""
    shape, _ = DETECTORS[case]
    plan, _ = detector_plan(case)

    def prelu(x, alpha):
        return tf.nn.relu(x) - tf.constant(alpha) * tf.nn.relu(-x)

    @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
    def forward(x):
        for (layer, _, _), wb in zip(plan, weights):
            if layer[0] == "conv":
                x = prelu(tf.nn.bias_add(tf.nn.conv2d(x, tf.constant(wb[0]), 1, "VALID"), tf.constant(wb[1])), wb[2])
            elif layer[0] == "pool":
                x = tf.nn.max_pool2d(x, layer[1], layer[2], "SAME" if layer[3] else "VALID")
            elif layer[0] == "flatten":
                x = tf.reshape(x, [shape[0], -1])
            elif layer[0] == "dense":
                x = tf.matmul(x, tf.constant(wb[0])) + tf.constant(wb[1])
                if layer[2]:
                    x = prelu(x, wb[2])
            else:
                x = tf.nn.softmax(x)
        return x
    return forward


def detector_onnx(case, weights):
    """The same net in ONNX (NCHW, PRelu ops); the NHWC flatten order is kept with a transpose."""
    from onnx import TensorProto, helper, numpy_helper
    shape, _ = DETECTORS[case]
    plan, _ = detector_plan(case)
    nodes, inits, current = [], [], "x"
    for i, ((layer, _, _), wb) in enumerate(zip(plan, weights)):
        out = f"t{i}"
        if layer[0] == "conv":
            inits += [numpy_helper.from_array(np.transpose(wb[0], (3, 2, 0, 1)).copy(), f"w{i}"),
                      numpy_helper.from_array(wb[1], f"b{i}"), numpy_helper.from_array(wb[2].reshape(-1, 1, 1), f"a{i}")]
            nodes += [helper.make_node("Conv", [current, f"w{i}", f"b{i}"], [f"c{i}"]),
                      helper.make_node("PRelu", [f"c{i}", f"a{i}"], [out])]
        elif layer[0] == "pool":
            nodes.append(helper.make_node("MaxPool", [current], [out], kernel_shape=[layer[1]] * 2, strides=[layer[2]] * 2,
                                          auto_pad="SAME_UPPER" if layer[3] else "VALID"))
        elif layer[0] == "flatten":
            inits.append(numpy_helper.from_array(np.array([shape[0], -1], np.int64), f"s{i}"))
            nodes += [helper.make_node("Transpose", [current], [f"p{i}"], perm=[0, 2, 3, 1]),
                      helper.make_node("Reshape", [f"p{i}", f"s{i}"], [out])]
        elif layer[0] == "dense":
            inits += [numpy_helper.from_array(wb[0], f"w{i}"), numpy_helper.from_array(wb[1], f"b{i}")]
            if layer[2]:
                inits.append(numpy_helper.from_array(wb[2], f"a{i}"))
                nodes += [helper.make_node("Gemm", [current, f"w{i}", f"b{i}"], [f"d{i}"]),
                          helper.make_node("PRelu", [f"d{i}", f"a{i}"], [out])]
            else:
                nodes.append(helper.make_node("Gemm", [current, f"w{i}", f"b{i}"], [out]))
        else:
            nodes.append(helper.make_node("Softmax", [current], [out], axis=-1))
        current = out
    n, h, w, c = shape
    graph = helper.make_graph(nodes, case, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [n, c, h, w])],
                              [helper.make_tensor_value_info(current, TensorProto.FLOAT, None)], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


# The digits CNN of scripts/train_digits.py (TensorScopeModels' digitsCNN), random weights, at
# batch 256 and batch 1 (latency).
DIGITS = {"digits-cnn": 256, "digits-cnn-b1": 1}
DIGITS_FLOPS_PER_IMAGE = 2 * (8 * 8 * 9 * 1 * 16 + 4 * 4 * 9 * 16 * 32 + 128 * 64 + 64 * 10)


def digits_weights(rng):
    shapes = [[3, 3, 1, 16], [16], [3, 3, 16, 32], [32], [128, 64], [64], [64, 10], [10]]
    return [rng.standard_normal(s, dtype=np.float32) * 0.1 for s in shapes]


def digits_tf(tf, w, batch):
    """The digits CNN as a tf.function (also converted for TFLite)."""
    @tf.function(input_signature=[tf.TensorSpec([batch, 8, 8, 1], tf.float32)])
    def forward(x):
        h = tf.nn.relu(tf.nn.conv2d(x, w[0], 1, "SAME") + w[1])
        h = tf.nn.max_pool2d(h, 2, 2, "SAME")
        h = tf.nn.relu(tf.nn.conv2d(h, w[2], 1, "SAME") + w[3])
        h = tf.nn.max_pool2d(h, 2, 2, "SAME")
        h = tf.reshape(h, [-1, 128])
        h = tf.nn.relu(tf.matmul(h, w[4]) + w[5])
        return tf.matmul(h, w[6]) + w[7]
    return forward


def digits_onnx(w, batch):
    """The same network in ONNX (NCHW); the NHWC flatten order is kept with a transpose."""
    from onnx import TensorProto, helper, numpy_helper
    inits = [numpy_helper.from_array(np.transpose(w[0], (3, 2, 0, 1)).copy(), "w1"), numpy_helper.from_array(w[1], "b1"),
             numpy_helper.from_array(np.transpose(w[2], (3, 2, 0, 1)).copy(), "w2"), numpy_helper.from_array(w[3], "b2"),
             numpy_helper.from_array(w[4], "w3"), numpy_helper.from_array(w[5], "b3"),
             numpy_helper.from_array(w[6], "w4"), numpy_helper.from_array(w[7], "b4"),
             numpy_helper.from_array(np.array([-1, 128], np.int64), "flat")]
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"]),
             helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Conv", ["p1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c2"], ["r2"]),
             helper.make_node("MaxPool", ["r2"], ["p2"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Transpose", ["p2"], ["t2"], perm=[0, 2, 3, 1]),
             helper.make_node("Reshape", ["t2", "flat"], ["f"]),
             helper.make_node("Gemm", ["f", "w3", "b3"], ["d1"]),
             helper.make_node("Relu", ["d1"], ["r3"]),
             helper.make_node("Gemm", ["r3", "w4", "b4"], ["logits"])]
    graph = helper.make_graph(nodes, "digits", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 1, 8, 8])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, None)], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


# MTCNN's pretrained nets (scripts/convert_mtcnn.py), TensorFlow's frozen Keras graphs, run by every
# engine from the same file: TensorFlow imports it (tf.compat.v1.import_graph_def), TFLite converts
# it (TFLiteConverter.from_frozen_graph), ONNX Runtime runs tf2onnx's conversion (NHWC input, as a
# converted TF model is), TensorScope imports it (Graph(importingGraphDef:)) — fetch: the face
# probability. name: (net, input shape, multiply-add FLOPs per image, as tensorscope-bench counts).
MTCNN = {
    "mtcnn-pnet": ("pnet", [1, 160, 160, 3],
                   2 * (158 * 158 * 27 * 10 + 77 * 77 * 90 * 16 + 75 * 75 * 144 * 32 + 75 * 75 * 32 * 6)),
    "mtcnn-rnet": ("rnet", [100, 24, 24, 3],
                   2 * (22 * 22 * 27 * 28 + 9 * 9 * 252 * 48 + 3 * 3 * 192 * 64 + 576 * 128 + 128 * 6)),
    "mtcnn-onet": ("onet", [100, 48, 48, 3],
                   2 * (46 * 46 * 27 * 32 + 21 * 21 * 288 * 64 + 8 * 8 * 576 * 64 + 3 * 3 * 256 * 128 + 1152 * 256 + 256 * 16)),
}
MTCNN_FOLDER = os.path.join(ROOT, "Tests", "TensorScopeTests", "Fixtures", "mtcnn")


def mtcnn_graph_def(tf, net):
    graph_def = tf.compat.v1.GraphDef()
    with open(os.path.join(MTCNN_FOLDER, f"{net}.pb"), "rb") as f:
        graph_def.ParseFromString(f.read())
    return graph_def


def mtcnn_tf(tf, net):
    graph_def = mtcnn_graph_def(tf, net)
    wrapped = tf.compat.v1.wrap_function(lambda: tf.compat.v1.import_graph_def(graph_def, name=""), [])
    return wrapped.prune("input:0", "Identity_1:0")


# Layers and blocks written once as TensorFlow functions of an NHWC input, with constant
# weights: TensorFlow runs the function, TFLite converts it, ONNX Runtime runs it through
# tf2onnx. name: (input NHWC, builder(tf, rng) -> forward(x), FLOPs per image).
def depthwise_3x3(tf, rng):
    w = tf.constant(rng.standard_normal([3, 3, 128, 1], dtype=np.float32) * 0.1)
    b = tf.constant(np.full(128, 0.01, np.float32))
    return lambda x: tf.nn.relu6(tf.nn.bias_add(tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME"), b))


def batch_norm(tf, rng, channels):
    """A batch norm at inference with random statistics, as tf.compat.v1.layers leaves it."""
    c = lambda values: tf.constant(values.astype(np.float32))
    scale, offset = c(rng.uniform(0.5, 1.5, channels)), c(rng.standard_normal(channels) * 0.1)
    mean, variance = c(rng.standard_normal(channels) * 0.1), c(rng.uniform(0.5, 1.5, channels))
    return lambda x: tf.compat.v1.nn.fused_batch_norm(x, scale, offset, mean, variance, 0.001, is_training=False)[0]


def mobilenet_block(tf, rng):
    """Blocks.mobileNet on 64 channels, to 128."""
    dw = tf.constant(rng.standard_normal([3, 3, 64, 1], dtype=np.float32) * 0.1)
    pw = tf.constant(rng.standard_normal([1, 1, 64, 128], dtype=np.float32) * 0.1)
    bn1, bn2 = batch_norm(tf, rng, 64), batch_norm(tf, rng, 128)
    return lambda x: tf.nn.relu6(bn2(tf.nn.conv2d(tf.nn.relu6(bn1(tf.nn.depthwise_conv2d(x, dw, [1, 1, 1, 1], "SAME"))),
                                                  pw, 1, "VALID")))


def resnet_block(tf, rng):
    """Blocks.resNet on 64 channels."""
    w1, w2 = (tf.constant(rng.standard_normal([3, 3, 64, 64], dtype=np.float32) * 0.05) for _ in range(2))
    bn1, bn2 = batch_norm(tf, rng, 64), batch_norm(tf, rng, 64)

    def forward(x):
        h = tf.nn.conv2d(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]), w1, 1, "VALID")
        h = tf.nn.conv2d(tf.nn.relu(bn1(h)), w2, 1, "SAME")
        return tf.nn.relu(bn2(h) + x)
    return forward


TF_MODELS = {
    "depthwise-3x3": ([4, 56, 56, 128], depthwise_3x3, 2 * 56 * 56 * 128 * 9),
    "mobilenet-block": ([4, 56, 56, 64], mobilenet_block, 2 * 56 * 56 * 64 * (9 + 128)),
    "resnet-block": ([4, 28, 28, 64], resnet_block, 2 * 2 * 28 * 28 * 64 * 64 * 9),
}


def tf_model(tf, case, rng):
    """The case's forward pass as a tf.function with its input signature."""
    shape, builder, _ = TF_MODELS[case]
    body = builder(tf, rng)
    return tf.function(body, input_signature=[tf.TensorSpec(shape, tf.float32, name="x")])


def flops(case):
    if case in TF_MODELS:
        return TF_MODELS[case][2] * TF_MODELS[case][0][0]
    if case in MTCNN:
        return MTCNN[case][2] * MTCNN[case][1][0]
    if case in DIGITS:
        return DIGITS_FLOPS_PER_IMAGE * DIGITS[case]
    if case in DETECTORS:
        return detector_plan(case)[1]
    shape, layers = CASES[case]
    n, h, w, c = shape
    total = 0
    for f, s, _ in layers:
        oh, ow = -(-h // s), -(-w // s)
        total += 2 * n * oh * ow * f[0] * f[1] * f[2] * f[3]
        h, w, c = oh, ow, f[3]
    return total


# The cases to run (--case), or all when empty.
SELECTED = set()


def wanted(case):
    return not SELECTED or case in SELECTED


def time_median(fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def run_tensorscope(threads, repeats, warmup):
    exe = os.path.join(ROOT, ".build", "release", "tensorscope-bench")
    if not os.path.exists(exe):
        subprocess.run(["swift", "build", "-c", "release", "--product", "tensorscope-bench"], cwd=ROOT, check=True)
    env = dict(os.environ, TENSORSCOPE_NUM_THREADS=str(threads))
    chosen = [arg for case in sorted(SELECTED) for arg in ("--case", case)]
    out = subprocess.run([exe, "--json", "--repeats", str(repeats), "--warmup", str(warmup)] + chosen,
                         env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    results = {}
    for line in out.splitlines():
        if line.startswith("{"):
            r = json.loads(line)
            if r["name"] == "peak":
                continue  # each case carries its fraction_of_peak
            results[r["name"]] = r
    return results


def run_tensorflow(threads, repeats, warmup):
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    rng = np.random.default_rng(1)
    results = {}
    for case, (shape, layers) in CASES.items():
        if not wanted(case):
            continue
        x = tf.constant(rng.standard_normal(shape, dtype=np.float32))
        params = [(tf.constant(rng.standard_normal(f, dtype=np.float32)), tf.constant(rng.standard_normal(f[3], dtype=np.float32)), s, br)
                  for f, s, br in layers]

        @tf.function
        def forward(x):
            for w, b, s, br in params:
                x = tf.nn.conv2d(x, w, strides=s, padding="SAME")
                if br:
                    x = tf.nn.relu(x + b)
            return x

        seconds = time_median(lambda: forward(x).numpy(), warmup, repeats)
        results[case] = {"seconds": seconds, "gflops": flops(case) / seconds / 1e9}
    models = {case: (digits_tf(tf, [tf.constant(v) for v in digits_weights(rng)], batch), [batch, 8, 8, 1])
              for case, batch in DIGITS.items()}
    models.update({case: (detector_tf(tf, case, detector_weights(case, rng)), DETECTORS[case][0]) for case in DETECTORS})
    models.update({case: (mtcnn_tf(tf, net), shape) for case, (net, shape, _) in MTCNN.items()})
    models.update({case: (tf_model(tf, case, rng), TF_MODELS[case][0]) for case in TF_MODELS})
    for case, (forward, shape) in models.items():
        if not wanted(case):
            continue
        x = tf.constant(rng.standard_normal(shape, dtype=np.float32))
        seconds = time_median(lambda: forward(x).numpy(), warmup, repeats)
        results[case] = {"seconds": seconds, "gflops": flops(case) / seconds / 1e9}
    return results, tf.__version__


def run_tflite(threads, repeats, warmup):
    """TFLite with its default XNNPACK delegate: the same graphs converted from tf.function."""
    import tensorflow as tf
    rng = np.random.default_rng(1)
    results = {}
    for case, (shape, layers) in CASES.items():
        if not wanted(case):
            continue
        params = [(rng.standard_normal(f, dtype=np.float32), rng.standard_normal(f[3], dtype=np.float32), s, br)
                  for f, s, br in layers]

        @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
        def forward(x):
            for w, b, s, br in params:
                x = tf.nn.conv2d(x, tf.constant(w), strides=s, padding="SAME")
                if br:
                    x = tf.nn.relu(x + tf.constant(b))
            return x

        converter = tf.lite.TFLiteConverter.from_concrete_functions([forward.get_concrete_function()], forward)
        interpreter = tf.lite.Interpreter(model_content=converter.convert(), num_threads=threads)
        interpreter.allocate_tensors()
        index = interpreter.get_input_details()[0]["index"]
        out = interpreter.get_output_details()[0]["index"]
        interpreter.set_tensor(index, rng.standard_normal(shape, dtype=np.float32))

        def run():
            interpreter.invoke()
            interpreter.get_tensor(out)

        seconds = time_median(run, warmup, repeats)
        results[case] = {"seconds": seconds, "gflops": flops(case) / seconds / 1e9}
    models = {case: (digits_tf(tf, [tf.constant(v) for v in digits_weights(rng)], batch), [batch, 8, 8, 1])
              for case, batch in DIGITS.items()}
    models.update({case: (detector_tf(tf, case, detector_weights(case, rng)), DETECTORS[case][0]) for case in DETECTORS})
    models.update({case: (tf_model(tf, case, rng), TF_MODELS[case][0]) for case in TF_MODELS})
    for case, (forward, shape) in models.items():
        if not wanted(case):
            continue
        converter = tf.lite.TFLiteConverter.from_concrete_functions([forward.get_concrete_function()], forward)
        interpreter = tf.lite.Interpreter(model_content=converter.convert(), num_threads=threads)
        interpreter.allocate_tensors()
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], rng.standard_normal(shape, dtype=np.float32))
        out = interpreter.get_output_details()[0]["index"]

        def run():
            interpreter.invoke()
            interpreter.get_tensor(out)

        seconds = time_median(run, warmup, repeats)
        results[case] = {"seconds": seconds, "gflops": flops(case) / seconds / 1e9}
    for case, (net, shape, _) in MTCNN.items():
        if not wanted(case):
            continue
        converter = tf.compat.v1.lite.TFLiteConverter.from_frozen_graph(
            os.path.join(MTCNN_FOLDER, f"{net}.pb"), ["input"], ["Identity_1"], {"input": shape})
        interpreter = tf.lite.Interpreter(model_content=converter.convert(), num_threads=threads)
        interpreter.allocate_tensors()
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], rng.standard_normal(shape, dtype=np.float32))
        out = interpreter.get_output_details()[0]["index"]

        def run():
            interpreter.invoke()
            interpreter.get_tensor(out)

        seconds = time_median(run, warmup, repeats)
        results[case] = {"seconds": seconds, "gflops": flops(case) / seconds / 1e9}
    return results, tf.__version__


def ort_session(ort, model, threads):
    """An ONNX Runtime CPU session with `threads` intra-op threads."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def run_onnxruntime(threads, repeats, warmup):
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(1)
    results = {}
    for case, (shape, layers) in CASES.items():
        if not wanted(case):
            continue
        n, h, w, c = shape
        nodes, inits = [], []
        current = "x"
        for i, (f, s, br) in enumerate(layers):
            weight = np.transpose(rng.standard_normal(f, dtype=np.float32), (3, 2, 0, 1))  # HWIO → OIHW
            inits.append(numpy_helper.from_array(weight, f"w{i}"))
            inputs = [current, f"w{i}"]
            if br:
                inits.append(numpy_helper.from_array(rng.standard_normal(f[3], dtype=np.float32), f"b{i}"))
                inputs.append(f"b{i}")
            nodes.append(helper.make_node("Conv", inputs, [f"c{i}"], auto_pad="SAME_UPPER", strides=[s, s],
                                          kernel_shape=f[:2]))
            current = f"c{i}"
            if br:
                nodes.append(helper.make_node("Relu", [current], [f"r{i}"]))
                current = f"r{i}"
        graph = helper.make_graph(nodes, case, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [n, c, h, w])],
                                  [helper.make_tensor_value_info(current, TensorProto.FLOAT, None)], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        session = ort_session(ort, model, threads)
        x = rng.standard_normal([n, c, h, w], dtype=np.float32)
        seconds = time_median(lambda: session.run(None, {"x": x}), warmup, repeats)
        results[case] = {"seconds": seconds, "gflops": flops(case) / seconds / 1e9}
    models = {case: (digits_onnx(digits_weights(rng), batch), [batch, 1, 8, 8]) for case, batch in DIGITS.items()}
    for case in DETECTORS:
        if not wanted(case):
            continue
        n, h, w, c = DETECTORS[case][0]
        models[case] = (detector_onnx(case, detector_weights(case, rng)), [n, c, h, w])
    for case, (model, shape) in models.items():
        if not wanted(case):
            continue
        session = ort_session(ort, model, threads)
        x = rng.standard_normal(shape, dtype=np.float32)
        seconds = time_median(lambda: session.run(None, {"x": x}), warmup, repeats)
        results[case] = {"seconds": seconds, "gflops": flops(case) / seconds / 1e9}
    import tensorflow as tf
    import tf2onnx
    for case, (net, shape, _) in MTCNN.items():
        if not wanted(case):
            continue
        model, _ = tf2onnx.convert.from_graph_def(mtcnn_graph_def(tf, net), input_names=["input:0"],
                                                  output_names=["Identity_1:0"], opset=17)
        session = ort_session(ort, model, threads)
        x = rng.standard_normal(shape, dtype=np.float32)
        seconds = time_median(lambda: session.run(None, {"input:0": x}), warmup, repeats)
        results[case] = {"seconds": seconds, "gflops": flops(case) / seconds / 1e9}
    for case in TF_MODELS:
        if not wanted(case):
            continue
        shape = TF_MODELS[case][0]
        # Frozen first: tf2onnx would make the captured constants inputs.
        from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2
        frozen = convert_variables_to_constants_v2(tf_model(tf, case, rng).get_concrete_function())
        model, _ = tf2onnx.convert.from_graph_def(frozen.graph.as_graph_def(), input_names=[frozen.inputs[0].name],
                                                  output_names=[frozen.outputs[0].name], opset=17)
        session = ort_session(ort, model, threads)
        x = rng.standard_normal(shape, dtype=np.float32)
        seconds = time_median(lambda: session.run(None, {frozen.inputs[0].name: x}), warmup, repeats)
        results[case] = {"seconds": seconds, "gflops": flops(case) / seconds / 1e9}
    return results, ort.__version__


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def best(previous, new, key="seconds"):
    out = dict(previous)
    for case, r in new.items():
        if case not in out or r[key] < out[case][key]:
            out[case] = r
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--no-photo-job", action="store_true", help="skip the whole-job comparison")
    p.add_argument("--case", action="append", default=[], help="run only this case (repeatable)")
    a = p.parse_args()
    SELECTED.update(a.case)
    ts, tfr, ortr, litr = {}, {}, {}, {}
    tf_version = ort_version = "?"
    for _ in range(a.rounds):
        ts = best(ts, run_tensorscope(a.threads, a.repeats, a.warmup))
        r, tf_version = run_tensorflow(a.threads, a.repeats, a.warmup)
        tfr = best(tfr, r)
        r, ort_version = run_onnxruntime(a.threads, a.repeats, a.warmup)
        ortr = best(ortr, r)
        r, _ = run_tflite(a.threads, a.repeats, a.warmup)
        litr = best(litr, r)
    any_ts = next(iter(ts.values()))
    header = (f"{time.strftime('%Y-%m-%d')}, {cpu_name()}, {a.threads} threads; TensorScope on OpenBLAS kernel "
              f"{any_ts['blas_kernel']}; TensorFlow {tf_version} (and its TFLite/XNNPACK); ONNX Runtime {ort_version}; "
              f"median of {a.repeats} runs, best of {a.rounds} rounds")
    rows = []
    for case in filter(wanted, list(CASES) + list(DIGITS) + list(DETECTORS) + list(MTCNN) + list(TF_MODELS)):
        t, f, o, li = ts[case], tfr[case], ortr[case], litr[case]
        fastest = max(f["gflops"], o["gflops"], li["gflops"])
        rows.append([case, t.get("algorithm", "?"), f"{t['gflops']:.1f}", f"{f['gflops']:.1f}", f"{o['gflops']:.1f}",
                     f"{li['gflops']:.1f}", f"{t['gflops'] / fastest:.2f}",
                     f"{t.get('fraction_of_peak', float('nan')):.2f}", f"{t['images_per_second']:.1f}",
                     f"{t['peak_rss_bytes'] / 2**20:.0f}"])
    names = ["case", "TS algorithm", "TensorScope GFLOP/s", "TF GFLOP/s", "ORT GFLOP/s", "TFLite GFLOP/s",
             "TS/fastest peer", "TS of peak", "TS images/s", "TS peak RSS MiB"]
    print(header)
    if a.markdown:
        print("| " + " | ".join(names) + " |")
        print("|" + "---|" * len(names))
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(n), *(len(r[i]) for r in rows)) for i, n in enumerate(names)]
        print("  ".join(n.ljust(w) for n, w in zip(names, widths)))
        for r in rows:
            print("  ".join(v.ljust(w) for v, w in zip(r, widths)))
    if not a.no_photo_job:
        import bench_photo_job
        photos = bench_photo_job.make_photos(os.path.join(ROOT, ".build", "bench-photos"), 60)
        results, tf_rate = bench_photo_job.measure(photos, a.threads, a.rounds)
        print()
        print(bench_photo_job.table(results, tf_rate, 60, a.markdown))


if __name__ == "__main__":
    sys.exit(main())
