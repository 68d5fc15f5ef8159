#!/usr/bin/env python3
"""Runs the classic-CNN ops (pooling, reshape, matmul, softmax, sigmoid, tanh, sub, mul, scalar
operands, argmax) in TensorFlow 1.x graph mode on small random inputs and records inputs,
outputs, and the op names and types TensorFlow gives, into
Tests/TensorScopeTests/Fixtures/ops.json. The Swift tests replay each case.

    pip install tensorflow-cpu numpy
    python3 scripts/generate_op_fixtures.py
"""
import json
import os

import numpy as np
import tensorflow as tf

v1 = tf.compat.v1
v1.disable_eager_execution()
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TensorScopeTests", "Fixtures", "ops.json")
rng = np.random.default_rng(2026)


def r(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def nonfinite(*shape):
    """Random values with NaN, -inf and +inf sprinkled in, and whole windows of NaN / -inf."""
    x = r(*shape)
    flat = x.reshape(-1)
    picks = rng.choice(flat.size, size=flat.size // 4, replace=False)
    flat[picks[0::3]] = np.nan
    flat[picks[1::3]] = -np.inf
    flat[picks[2::3]] = np.inf
    x[0, 0:2, 0:2, :] = np.nan  # a window of NaN only
    x[0, 2:4, 0:2, :] = -np.inf  # a window of -inf only
    x[0, 0:2, 2:4, 0] = [[np.nan, -np.inf], [np.nan, np.nan]]  # NaN and -inf only
    return x


def number(v):
    """JSON has no NaN or infinity: those are written as the strings "nan", "inf", "-inf"."""
    v = float(v)
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


# (name, op, inputs, params): params are passed to the Swift op as given.
CASES = [
    ("max_valid_2x2", "max_pool", [r(2, 6, 7, 3)], {"ksize": [2, 2], "strides": [2, 2], "padding": "VALID"}),
    ("max_same_odd_3x3_s2", "max_pool", [r(1, 7, 5, 4)], {"ksize": [3], "strides": [2], "padding": "SAME"}),
    ("max_same_stride_over_ksize", "max_pool", [r(1, 9, 8, 2)], {"ksize": [2, 2], "strides": [3, 3], "padding": "SAME"}),
    ("max_valid_stride_over_ksize", "max_pool", [r(2, 9, 10, 1)], {"ksize": [1, 2, 2, 1], "strides": [1, 3, 4, 1], "padding": "VALID"}),
    ("max_same_window_bigger_than_input", "max_pool", [r(1, 3, 2, 2)], {"ksize": [5, 4], "strides": [1, 1], "padding": "SAME"}),
    ("avg_valid_3x2", "avg_pool", [r(2, 7, 6, 3)], {"ksize": [3, 2], "strides": [1, 2], "padding": "VALID"}),
    ("avg_same_edges_count_real_pixels", "avg_pool", [r(1, 5, 5, 2)], {"ksize": [3, 3], "strides": [2, 2], "padding": "SAME"}),
    ("avg_same_stride_over_ksize", "avg_pool", [r(1, 10, 7, 3)], {"ksize": [2], "strides": [3], "padding": "SAME"}),
    ("avg_same_window_bigger_than_input", "avg_pool", [r(2, 2, 3, 1)], {"ksize": [4, 4], "strides": [2, 1], "padding": "SAME"}),
    ("reshape_wildcard", "reshape", [r(2, 3, 4, 5)], {"shape": [2, -1]}),
    ("reshape_to_vector", "reshape", [r(3, 2, 2)], {"shape": [-1]}),
    ("matmul_plain", "matmul", [r(5, 7), r(7, 3)], {"transpose_a": False, "transpose_b": False}),
    ("matmul_transpose_a", "matmul", [r(7, 5), r(7, 3)], {"transpose_a": True, "transpose_b": False}),
    ("matmul_transpose_b", "matmul", [r(5, 7), r(3, 7)], {"transpose_a": False, "transpose_b": True}),
    ("matmul_transpose_both", "matmul", [r(7, 5), r(3, 7)], {"transpose_a": True, "transpose_b": True}),
    ("softmax_rows", "softmax", [r(4, 10) * 5], {}),
    ("softmax_large_logits", "softmax", [np.array([[1000, 1001, 999], [-1000, -1000, -999]], np.float32)], {}),
    ("softmax_rank3", "softmax", [r(2, 3, 6)], {}),
    ("sigmoid", "sigmoid", [np.concatenate([r(20) * 6, np.array([-100, -30, 0, 30, 100], np.float32)])], {}),
    ("tanh", "tanh", [np.concatenate([r(20) * 3, np.array([-20, 0, 20], np.float32)])], {}),
    ("sub_same", "sub", [r(3, 4), r(3, 4)], {}),
    ("sub_vector_right", "sub", [r(2, 3, 5), r(5)], {}),
    ("sub_vector_left", "sub", [r(5), r(2, 3, 5)], {}),
    ("mul_same", "mul", [r(2, 2, 3), r(2, 2, 3)], {}),
    ("mul_vector", "mul", [r(4, 6), r(6)], {}),
    ("add_scalar_right", "add_scalar", [r(2, 3)], {"scalar": 1.5, "side": "right"}),
    ("sub_scalar_left", "sub_scalar", [r(2, 3)], {"scalar": 2.0, "side": "left"}),
    ("mul_scalar_right", "mul_scalar", [r(4)], {"scalar": -3.0, "side": "right"}),
    ("argmax_last", "argmax", [r(5, 10)], {"axis": 1}),
    ("argmax_first", "argmax", [r(4, 3, 2)], {"axis": 0}),
    ("argmax_negative", "argmax", [r(2, 3, 7)], {"axis": -1}),
    ("argmax_ties_first", "argmax", [np.array([[1, 3, 3, 2], [5, 5, 5, 5]], np.float32)], {"axis": 1}),
    # TensorFlow's MaxPool starts from the lowest finite float and never takes a NaN; compared exactly.
    ("nonfinite_max_2x2", "max_pool", [nonfinite(1, 6, 8, 3)], {"ksize": [2, 2], "strides": [2, 2], "padding": "SAME"}),
    ("nonfinite_max_3x3_s1_wide", "max_pool", [nonfinite(2, 5, 6, 33)], {"ksize": [3], "strides": [1], "padding": "SAME"}),
    # The TF1 idioms of the new-user issue: `/`, unary minus, exp, log, square, sqrt, rsqrt, add_n.
    ("div_same", "div", [r(3, 4), r(3, 4) + 3], {}),
    ("div_vector_right", "div", [r(2, 3, 5), r(5) + 3], {}),
    ("div_scalar_left", "div_scalar", [r(2, 3) + 3], {"scalar": 2.0, "side": "left"}),
    ("neg", "neg", [r(2, 5)], {}),
    ("exp", "exp", [r(3, 4) * 3], {}),
    ("log", "log", [np.abs(r(3, 4)) + 0.01], {}),
    ("square", "square", [r(2, 6)], {}),
    ("sqrt", "sqrt", [np.abs(r(12))], {}),
    ("rsqrt", "rsqrt", [np.abs(r(3, 4)) + 0.01], {}),
    ("add_n_three", "add_n", [r(2, 3), r(2, 3), r(2, 3)], {}),
    # The activations of the Session issue. TensorFlow has no PReLU op: Keras composes it as
    # relu(x) - alpha * relu(-x), which is what runs here; TensorScope records one `Prelu` node.
    ("relu6", "relu6", [np.concatenate([r(30) * 5, np.array([0, 6, 6.5, -1e-3, 5.999], np.float32)])], {}),
    ("leaky_relu_default", "leaky_relu", [r(3, 7) * 3], {}),
    ("leaky_relu_alpha", "leaky_relu", [r(2, 9) * 3], {"alpha": 0.01}),
    ("elu", "elu", [np.concatenate([r(30) * 4, np.array([0, -20, -1e-4, 1e-4], np.float32)])], {}),
    ("prelu_nhwc", "prelu", [r(2, 3, 4, 5) * 2, r(5) * 0.5], {}),
    # Keras's PReLU with shared_axes=[1, 2] keeps its slopes as [1, 1, C].
    ("prelu_keras_shared_axes", "prelu", [r(2, 3, 4, 5) * 2, r(1, 1, 5) * 0.5], {}),
    # Issue 23: MTCNN's RNet and ONet permute height and width before flattening.
    ("transpose_swap_hw", "transpose", [r(2, 3, 4, 5)], {"perm": [0, 2, 1, 3]}),
    ("transpose_reverse", "transpose", [r(2, 3, 4)], {"perm": [2, 1, 0]}),
    ("transpose_rows_kept", "transpose", [r(3, 2, 4, 6)], {"perm": [1, 0, 2, 3]}),
    # Batch normalisation at inference, as Keras's BatchNormalization runs it.
    ("fused_batch_norm", "fused_batch_norm", [r(2, 3, 4, 5) * 3, r(5), r(5), r(5), np.abs(r(5)) + 0.1], {"epsilon": 0.001}),
    # Issue 24's first ops: maximum/minimum (NaN from either side propagates), squeeze,
    # expand_dims, concat.
    ("maximum", "maximum", [np.concatenate([r(12), [np.nan, 1, 2, -np.inf]]).astype(np.float32),
                            np.concatenate([r(12), [1, np.nan, 3, 0]]).astype(np.float32)], {}),
    ("minimum_vector", "minimum", [r(3, 4), r(4)], {}),
    ("squeeze_all", "squeeze", [r(1, 3, 1, 2)], {"axes": []}),
    ("squeeze_axes", "squeeze", [r(2, 1, 3, 1)], {"axes": [1, -1]}),
    ("expand_dims_last", "expand_dims", [r(2, 3)], {"axis": -1}),
    ("expand_dims_first", "expand_dims", [r(4)], {"axis": 0}),
    ("concat_channels", "concat", [r(2, 3, 3, 2), r(2, 3, 3, 5), r(2, 3, 3, 1)], {"axis": -1}),
    ("concat_batch", "concat", [r(1, 2, 3), r(2, 2, 3)], {"axis": 0}),
    ("reduce_mean_spatial", "reduce_mean", [r(2, 3, 4, 5)], {"axes": [1, 2], "keep_dims": False}),
    ("reduce_sum_keep", "reduce_sum", [r(2, 3, 4)], {"axes": [-1], "keep_dims": True}),
    ("reduce_max_all", "reduce_max", [r(3, 4)], {"axes": [], "keep_dims": False}),
    # pad (paddings flat: before, after per axis), LRN, resizing, tf.nn.batch_normalization.
    ("pad_constant", "pad", [r(2, 3, 4, 2)], {"paddings": [0, 0, 1, 2, 2, 1, 0, 0], "mode": "CONSTANT", "value": 0}),
    ("pad_constant_value", "pad", [r(3, 4)], {"paddings": [2, 0, 1, 3], "mode": "CONSTANT", "value": -1.5}),
    ("pad_reflect", "pad", [r(1, 4, 5, 3)], {"paddings": [0, 0, 3, 2, 4, 1, 0, 0], "mode": "REFLECT", "value": 0}),
    ("pad_symmetric", "pad", [r(2, 3, 4, 2)], {"paddings": [1, 0, 3, 2, 4, 1, 0, 2], "mode": "SYMMETRIC", "value": 0}),
    ("lrn_defaults", "lrn", [r(2, 3, 3, 12)], {}),
    ("lrn_cifar", "lrn", [r(1, 4, 4, 20) * 3], {"depth_radius": 4, "bias": 1.0, "alpha": 0.001 / 9.0, "beta": 0.75}),
    ("lrn_beta_one_wide", "lrn", [r(1, 2, 3, 7)], {"depth_radius": 9, "bias": 2.0, "alpha": 0.5, "beta": 1.0}),
    ("resize_bilinear_half_pixel_up", "resize_bilinear", [r(2, 4, 5, 3)], {"size": [7, 9], "align_corners": False, "half_pixel_centers": True}),
    ("resize_bilinear_half_pixel_down", "resize_bilinear", [r(1, 9, 8, 2)], {"size": [4, 3], "align_corners": False, "half_pixel_centers": True}),
    ("resize_bilinear_legacy", "resize_bilinear", [r(1, 4, 5, 2)], {"size": [7, 11], "align_corners": False, "half_pixel_centers": False}),
    ("resize_bilinear_align_corners", "resize_bilinear", [r(1, 4, 5, 2)], {"size": [7, 3], "align_corners": True, "half_pixel_centers": False}),
    ("resize_nearest_legacy", "resize_nearest", [r(2, 4, 5, 3)], {"size": [7, 3], "align_corners": False, "half_pixel_centers": False}),
    ("resize_nearest_half_pixel", "resize_nearest", [r(1, 5, 4, 2)], {"size": [9, 7], "align_corners": False, "half_pixel_centers": True}),
    ("resize_nearest_align_corners", "resize_nearest", [r(1, 5, 4, 2)], {"size": [3, 8], "align_corners": True, "half_pixel_centers": False}),
    # Depthwise convolution: channel counts past the kernels' 16- and 32-channel blocks,
    # multipliers, strides, dilation (which TensorFlow's Python wraps in SpaceToBatchND).
    ("depthwise_3x3_same", "depthwise", [r(2, 7, 6, 37), r(3, 3, 37, 1)], {"strides": [1, 1, 1, 1], "padding": "SAME", "dilations": [1, 1]}),
    ("depthwise_3x3_s2_valid", "depthwise", [r(1, 9, 8, 16), r(3, 3, 16, 1)], {"strides": [1, 2, 2, 1], "padding": "VALID", "dilations": [1, 1]}),
    ("depthwise_5x5_s2_same", "depthwise", [r(1, 11, 10, 5), r(5, 5, 5, 1)], {"strides": [1, 2, 2, 1], "padding": "SAME", "dilations": [1, 1]}),
    ("depthwise_multiplier", "depthwise", [r(2, 5, 6, 3), r(3, 2, 3, 4)], {"strides": [1, 1, 1, 1], "padding": "SAME", "dilations": [1, 1]}),
    ("depthwise_dilated", "depthwise", [r(1, 9, 9, 33), r(3, 3, 33, 1)], {"strides": [1, 1, 1, 1], "padding": "SAME", "dilations": [2, 2]}),
    ("batch_normalization", "batch_normalization", [r(2, 3, 4, 5) * 3, r(5), np.abs(r(5)) + 0.1, r(5), r(5)], {"epsilon": 0.001}),
]


def build(op, xs, p):
    if op == "max_pool":
        return tf.nn.max_pool2d(xs[0], p["ksize"], p["strides"], p["padding"])
    if op == "avg_pool":
        return tf.nn.avg_pool2d(xs[0], p["ksize"], p["strides"], p["padding"])
    if op == "reshape":
        return tf.reshape(xs[0], p["shape"])
    if op == "matmul":
        return tf.matmul(xs[0], xs[1], transpose_a=p["transpose_a"], transpose_b=p["transpose_b"])
    if op == "softmax":
        return tf.nn.softmax(xs[0])
    if op == "sigmoid":
        return tf.sigmoid(xs[0])
    if op == "tanh":
        return tf.tanh(xs[0])
    if op == "sub":
        return xs[0] - xs[1]
    if op == "mul":
        return xs[0] * xs[1]
    if op == "div":
        return xs[0] / xs[1]
    if op == "neg":
        return -xs[0]
    if op in ("exp", "log", "square", "sqrt", "rsqrt"):
        return {"exp": tf.exp, "log": tf.math.log, "square": tf.square, "sqrt": tf.sqrt, "rsqrt": tf.math.rsqrt}[op](xs[0])
    if op == "add_n":
        return tf.add_n(xs)
    if op.endswith("_scalar"):
        s = p["scalar"]
        f = {"add_scalar": lambda a, b: a + b, "sub_scalar": lambda a, b: a - b, "mul_scalar": lambda a, b: a * b,
             "div_scalar": lambda a, b: a / b}[op]
        return f(xs[0], s) if p["side"] == "right" else f(s, xs[0])
    if op == "argmax":
        return tf.argmax(xs[0], axis=p["axis"])
    if op == "relu6":
        return tf.nn.relu6(xs[0])
    if op == "leaky_relu":
        return tf.nn.leaky_relu(xs[0], **({"alpha": p["alpha"]} if "alpha" in p else {}))
    if op == "elu":
        return tf.nn.elu(xs[0])
    if op == "prelu":
        return tf.nn.relu(xs[0]) - xs[1] * tf.nn.relu(-xs[0])
    if op == "transpose":
        return tf.transpose(xs[0], p["perm"])
    if op in ("maximum", "minimum"):
        return {"maximum": tf.maximum, "minimum": tf.minimum}[op](xs[0], xs[1])
    if op == "squeeze":
        return tf.squeeze(xs[0], p["axes"] or None)
    if op == "expand_dims":
        return tf.expand_dims(xs[0], p["axis"])
    if op == "concat":
        return tf.concat(xs, p["axis"])
    if op in ("reduce_mean", "reduce_sum", "reduce_max"):
        f = {"reduce_mean": tf.reduce_mean, "reduce_sum": tf.reduce_sum, "reduce_max": tf.reduce_max}[op]
        return f(xs[0], p["axes"] or None, keepdims=p["keep_dims"])
    if op == "fused_batch_norm":
        return v1.nn.fused_batch_norm(xs[0], xs[1], xs[2], mean=xs[3], variance=xs[4], epsilon=p["epsilon"],
                                      is_training=False)[0]
    if op == "pad":
        pairs = np.array(p["paddings"]).reshape(-1, 2).tolist()
        return tf.pad(xs[0], pairs, mode=p["mode"], constant_values=p["value"])
    if op == "lrn":
        return tf.nn.lrn(xs[0], **p)
    if op == "resize_bilinear":
        return v1.image.resize_bilinear(xs[0], p["size"], align_corners=p["align_corners"],
                                        half_pixel_centers=p["half_pixel_centers"])
    if op == "resize_nearest":
        return v1.image.resize_nearest_neighbor(xs[0], p["size"], align_corners=p["align_corners"],
                                                half_pixel_centers=p["half_pixel_centers"])
    if op == "depthwise":
        return tf.nn.depthwise_conv2d(xs[0], xs[1], p["strides"], p["padding"], dilations=p["dilations"])
    if op == "batch_normalization":
        return tf.nn.batch_normalization(xs[0], xs[1], xs[2], xs[3], xs[4], p["epsilon"])
    raise ValueError(op)


# TensorScope records PReLU as one node, as ONNX and TFLite name it (TensorFlow has none).
# A dilated depthwise convolution is one DepthwiseConv2dNative named `depthwise` in TensorScope;
# TensorFlow's Python puts that op between SpaceToBatchND and BatchToSpaceND.
RECORDED_AS = {"prelu": ("Prelu", "Prelu"), "depthwise_dilated": ("depthwise", "DepthwiseConv2dNative")}


def main():
    results = []
    for name, op, inputs, params in CASES:
        graph = tf.Graph()
        with graph.as_default(), v1.Session(graph=graph) as session:
            placeholders = [v1.placeholder(tf.float32, x.shape, name=f"in{i}") for i, x in enumerate(inputs)]
            y = build(op, placeholders, params)
            value = session.run(y, feed_dict=dict(zip(placeholders, inputs)))
            results.append({
                "name": name, "op": op, "params": params,
                "inputs": [{"shape": list(x.shape), "values": [number(v) for v in x.reshape(-1)]} for x in inputs],
                "output": {"shape": list(value.shape), "values": [number(v) for v in np.asarray(value).reshape(-1)]},
                "tf_op_name": RECORDED_AS.get(name, RECORDED_AS.get(op, (y.op.name,)))[0],
                "tf_op_type": RECORDED_AS.get(name, RECORDED_AS.get(op, (0, y.op.type)))[1],
            })
    with open(OUT, "w") as f:
        json.dump({"tf_version": tf.__version__, "cases": results}, f, allow_nan=False)
        f.write("\n")
    print(f"{len(results)} cases -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
