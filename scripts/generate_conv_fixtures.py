#!/usr/bin/env python3
"""Writes the TensorFlow conv2d fixtures the Swift tests compare against.

    pip install tensorflow-cpu numpy
    python3 scripts/generate_conv_fixtures.py

Each case becomes Tests/TensorScopeTests/Fixtures/conv/<name>.bin:

    uint32 LE  header length n
    n bytes    JSON: name, input/filter/output shapes, strides, dilations, padding, tf_version
    float32 LE input  (NHWC, row-major)
    float32 LE filter (HWIO)
    float32 LE output, as tf.nn.conv2d computed it

Inputs and filters are drawn from a seeded numpy generator, so a rerun writes the same
inputs (TensorFlow's outputs may differ in the last bits between versions).
"""
import json
import os
import struct

import numpy as np
import tensorflow as tf

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TensorScopeTests", "Fixtures", "conv")

# name, input shape, filter shape, strides, padding, dilations
CASES = [
    ("seed_layer_same", [1, 12, 12, 32], [5, 5, 32, 32], [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
    ("seed_layer_valid", [2, 9, 11, 32], [5, 5, 32, 32], [1, 1, 1, 1], "VALID", [1, 1, 1, 1]),
    ("first_layer_rgb", [2, 16, 13, 3], [5, 5, 3, 32], [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
    ("odd_sizes_same", [2, 7, 9, 3], [3, 3, 3, 4], [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
    ("odd_sizes_valid", [1, 9, 7, 2], [4, 2, 2, 3], [1, 1, 1, 1], "VALID", [1, 1, 1, 1]),
    ("even_kernel_same", [1, 6, 6, 2], [4, 4, 2, 2], [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
    ("stride2_same_even", [1, 8, 8, 3], [3, 3, 3, 5], [1, 2, 2, 1], "SAME", [1, 1, 1, 1]),
    ("stride2_same_odd", [2, 7, 7, 4], [3, 3, 4, 2], [1, 2, 2, 1], "SAME", [1, 1, 1, 1]),
    ("stride2_valid", [1, 9, 9, 2], [3, 3, 2, 3], [1, 2, 2, 1], "VALID", [1, 1, 1, 1]),
    ("stride_2x3_nonsquare", [1, 10, 11, 3], [3, 2, 3, 4], [1, 2, 3, 1], "SAME", [1, 1, 1, 1]),
    ("stride3_same", [1, 10, 10, 1], [2, 2, 1, 1], [1, 3, 3, 1], "SAME", [1, 1, 1, 1]),
    ("dilation2_same", [1, 10, 10, 3], [3, 3, 3, 4], [1, 1, 1, 1], "SAME", [1, 2, 2, 1]),
    ("dilation_2x3_valid", [1, 12, 13, 2], [3, 3, 2, 2], [1, 1, 1, 1], "VALID", [1, 2, 3, 1]),
    ("stride2_dilation2_same", [1, 9, 10, 2], [3, 3, 2, 3], [1, 2, 2, 1], "SAME", [1, 2, 2, 1]),
    ("dilation3_beyond_input_same", [1, 5, 5, 2], [3, 3, 2, 2], [1, 1, 1, 1], "SAME", [1, 3, 3, 1]),
    ("pointwise_1x1", [2, 5, 6, 8], [1, 1, 8, 16], [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
    ("pointwise_1x1_valid", [1, 4, 3, 5], [1, 1, 5, 7], [1, 1, 1, 1], "VALID", [1, 1, 1, 1]),
    ("pointwise_1x1_stride2", [1, 7, 7, 4], [1, 1, 4, 4], [1, 2, 2, 1], "SAME", [1, 1, 1, 1]),
    ("kernel_larger_than_input_same", [1, 3, 3, 2], [5, 5, 2, 3], [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
    ("kernel_larger_nonsquare_stride2", [1, 2, 4, 3], [5, 7, 3, 2], [1, 2, 2, 1], "SAME", [1, 1, 1, 1]),
    ("wide_channels", [1, 6, 6, 64], [3, 3, 64, 8], [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
    ("batch3_tall", [3, 11, 4, 2], [3, 1, 2, 3], [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
    ("single_pixel", [1, 1, 1, 3], [3, 3, 3, 2], [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
    # Few channels in and out, rows past whole blocks of 8 pixels: the planar kernels' layers.
    ("rgb_few_filters_valid", [1, 11, 37, 3], [3, 3, 3, 10], [1, 1, 1, 1], "VALID", [1, 1, 1, 1]),
    ("gray_wide_same", [2, 6, 20, 1], [5, 3, 1, 12], [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
    ("four_channels_even_kernel_same", [1, 5, 17, 4], [2, 4, 4, 9], [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261126)
    for name, xs, ws, strides, padding, dilations in CASES:
        x = rng.standard_normal(xs).astype(np.float32)
        w = rng.standard_normal(ws).astype(np.float32)
        y = tf.nn.conv2d(x, w, strides=strides, padding=padding, dilations=dilations).numpy()
        header = json.dumps({
            "name": name, "input": xs, "filter": ws, "output": list(y.shape),
            "strides": strides, "padding": padding, "dilations": dilations,
            "tf_version": tf.__version__,
        }).encode()
        with open(os.path.join(OUT, name + ".bin"), "wb") as f:
            f.write(struct.pack("<I", len(header)))
            f.write(header)
            for array in (x, w, y):
                f.write(np.ascontiguousarray(array, dtype="<f4").tobytes())
        print(f"{name}: {xs} * {ws} {padding} strides {strides} dilations {dilations} -> {list(y.shape)}")


if __name__ == "__main__":
    main()
