#!/usr/bin/env python3
"""Builds the seed program (my_image_filter twice, sharing its variables) in TensorFlow 1.x
graph mode with each of the three sharing methods, and records TensorFlow's own GraphDef — every
node's name, op type and inputs, and the attributes of the ops TensorScope records — into
Tests/TensorScopeTests/Fixtures/seed_graph.json. The Swift tests compare graph.operations (names,
types, edges, variable reads, constants) with it.

The two input batches are plain arrays, [1, 6, 6, 3], as a Swift program passes plain tensors:
TensorFlow embeds them as Const nodes named after the op argument (`…/Conv2D/input`).

    pip install tensorflow-cpu numpy
    python3 scripts/generate_graph_fixture.py
"""
import json
import os
import sys

import numpy as np
import tensorflow as tf
from tensorflow.core.framework import types_pb2

sys.path.insert(0, os.path.dirname(__file__))
from seed_program import my_image_filter  # noqa: E402

v1 = tf.compat.v1
v1.disable_eager_execution()
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TensorScopeTests", "Fixtures", "seed_graph.json")
RECORDED_ATTRS = ["T", "strides", "padding", "dilations", "data_format", "use_cudnn_on_gpu", "explicit_paddings"]


def build(method, image1, image2):
    if method == 1:
        with v1.variable_scope("image_filters"):
            my_image_filter(image1)
        with v1.variable_scope("image_filters", reuse=True):
            my_image_filter(image2)
    elif method == 2:
        with v1.variable_scope("image_filters") as scope:
            my_image_filter(image1)
            scope.reuse_variables()
            my_image_filter(image2)
    else:
        with v1.variable_scope("image_filters") as scope:
            my_image_filter(image1)
        with v1.variable_scope(scope, reuse=True):
            my_image_filter(image2)


def attr_value(value):
    kind = value.WhichOneof("value")
    if kind == "type":
        return {"type": types_pb2.DataType.Name(value.type)}
    if kind == "s":
        return {"string": value.s.decode()}
    if kind == "b":
        return {"bool": value.b}
    if kind == "i":
        return {"int": value.i}
    if kind == "list":
        return {"ints": list(value.list.i)}
    raise ValueError(kind)


def main():
    image1 = np.zeros([1, 6, 6, 3], np.float32)
    image2 = np.ones([1, 6, 6, 3], np.float32)
    methods = {}
    for method in (1, 2, 3):
        graph = tf.Graph()
        with graph.as_default():
            build(method, image1, image2)
        nodes = []
        for node in graph.as_graph_def().node:
            entry = {"name": node.name, "op": node.op, "inputs": list(node.input)}
            if node.op in ("Conv2D", "AddV2", "Relu", "BiasAdd") and "/Initializer/" not in node.name:
                entry["attrs"] = {k: attr_value(node.attr[k]) for k in RECORDED_ATTRS if k in node.attr}
            nodes.append(entry)
        methods[str(method)] = nodes
    with open(OUT, "w") as f:
        json.dump({"tf_version": tf.__version__, "input_shape": [1, 6, 6, 3], "methods": methods}, f, indent=1)
        f.write("\n")
    print(f"{sum(len(n) for n in methods.values())} nodes -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
