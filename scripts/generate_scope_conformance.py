#!/usr/bin/env python3
"""Runs the scope programs of scripts/scope_programs.py in TensorFlow 1.x graph mode and
records what happens — variable names, op names, name scopes, reuse modes, errors,
collections — into Tests/TensorScopeTests/Fixtures/scope_conformance.json, which the Swift
conformance tests replay through TensorScope's public API.

    pip install tensorflow-cpu tf_keras numpy
    python3 scripts/generate_scope_conformance.py
"""
import json
import os
import sys

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # tf.compat.v1.layers lives in tf_keras

import numpy as np
import tensorflow as tf

sys.path.insert(0, os.path.dirname(__file__))
from scope_programs import PROGRAMS  # noqa: E402

v1 = tf.compat.v1
v1.disable_eager_execution()
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TensorScopeTests", "Fixtures", "scope_conformance.json")


def error_kind(message):
    for key, kind in [("already exists", "exists"), ("does not exist", "missing"),
                      ("Trying to share variable", "shape"), ("did not get an initializer", "no_init"),
                      ("not a valid", "invalid_name"), ("cannot be used without", "reuse_without_name")]:
        if key in message:
            return kind
    return "other"


def initializer(spec):
    if spec is None:
        return None
    if spec == "zeros":
        return v1.zeros_initializer()
    if spec == "ones":
        return v1.ones_initializer()
    if spec == "normal":
        return v1.random_normal_initializer()
    if spec == "truncated":
        return v1.truncated_normal_initializer()
    if spec == "glorot":
        return v1.glorot_uniform_initializer()
    if spec.startswith("const:"):
        return v1.constant_initializer(float(spec[6:]))
    if spec.startswith("list:"):
        return v1.constant_initializer([float(v) for v in spec[5:].split(",")])
    raise ValueError(spec)


REUSE = {"true": True, "false": False, "auto": v1.AUTO_REUSE, None: None}


def reuse_name(reuse):
    if reuse is v1.AUTO_REUSE:
        return "auto"
    return "true" if reuse else "false"


class Runner:
    def __init__(self, session):
        self.log = []
        self.session = session
        self.scopes = {"root": v1.get_variable_scope()}
        self.x = v1.placeholder(tf.float32, [1, 4, 4, 2], name="zz_x")
        self.w = v1.placeholder(tf.float32, [3, 3, 2, 2], name="zz_w")
        self.b = v1.placeholder(tf.float32, [2], name="zz_b")
        self.w5 = v1.placeholder(tf.float32, [5, 5, 2, 2], name="zz_w5")
        self.b3 = v1.placeholder(tf.float32, [3], name="zz_b3")
        # The layer statements' input: each layer reads the previous one's output.
        self.images = v1.placeholder(tf.float32, [2, 6, 6, 3], name="zz_images")
        self.h = self.images
        self.graph = v1.get_default_graph()
        self.variables = []

    def var_index(self, var):
        for i, v in enumerate(v1.global_variables()):
            if v is var:
                return i
        return -1

    def run(self, statements):
        for s in statements:
            try:
                self.statement(s)
            except (ValueError, TypeError) as e:
                message = str(e).splitlines()[0]
                self.log.append({"error": error_kind(message), "message": message})

    def statement(self, s):
        kind = s[0]
        if kind == "vs" or kind == "vso":
            opts = s[2]
            args = {}
            if "reuse" in opts:
                args["reuse"] = REUSE[opts["reuse"]]
            if "initializer" in opts:
                args["initializer"] = initializer(opts["initializer"])
            if "default_name" in opts:
                args["default_name"] = opts["default_name"]
            target = s[1] if kind == "vs" else self.scopes[s[1]]
            with v1.variable_scope(target, **args) as scope:
                if "as" in opts:
                    self.scopes[opts["as"]] = scope
                self.log.append({"enter": scope.name, "reuse": reuse_name(scope.reuse),
                                 "original_name_scope": scope.original_name_scope})
                self.run(s[3])
        elif kind == "default_graph":
            # with graph.as_default(): again, for the graph already in use
            with v1.get_default_graph().as_default():
                self.run(s[1])
        elif kind == "other_graph":
            # another graph made the default inside this one's scopes
            with tf.Graph().as_default():
                self.run(s[1])
        elif kind == "main_graph":
            # this program's graph made the default again, from inside another graph
            with self.graph.as_default():
                self.run(s[1])
        elif kind == "ns":
            with v1.name_scope(s[1]):
                self.run(s[2])
        elif kind == "get":
            opts = s[3]
            args = {}
            if s[2] is not None:
                args["shape"] = s[2]
            if "initializer" in opts:
                args["initializer"] = initializer(opts["initializer"])
            if "trainable" in opts:
                args["trainable"] = opts["trainable"]
            before = len(v1.global_variables())
            var = v1.get_variable(s[1], **args)
            created = len(v1.global_variables()) > before
            entry = {"get": var.name[:-2], "shape": var.shape.as_list(), "index": self.var_index(var), "created": created}
            if created:
                # Run the initializer twice: equal results mean a deterministic initializer,
                # whose values TensorScope must reproduce exactly.
                self.session.run(var.initializer)
                first = self.session.run(var).reshape(-1)
                self.session.run(var.initializer)
                second = self.session.run(var).reshape(-1)
                entry["deterministic"] = bool(np.array_equal(first, second))
                if entry["deterministic"]:
                    entry["values"] = [float(v) for v in first]
            self.log.append(entry)
        elif kind == "var":
            opts = s[3]
            args = {}
            if s[1] is not None:
                args["name"] = s[1]
            if "trainable" in opts:
                args["trainable"] = opts["trainable"]
            var = tf.Variable(np.zeros(s[2], np.float32), **args)
            self.log.append({"var": var.name[:-2], "index": self.var_index(var)})
        elif kind == "op":
            op = {"conv": lambda: tf.nn.conv2d(self.x, self.w, strides=[1, 1, 1, 1], padding="SAME"),
                  "add": lambda: self.x + self.b,
                  "relu": lambda: tf.nn.relu(self.x),
                  "bias_add": lambda: tf.nn.bias_add(self.x, self.b),
                  "conv_valid_too_big": lambda: tf.nn.conv2d(self.x, self.w5, strides=[1, 1, 1, 1], padding="VALID"),
                  "add_bad": lambda: self.x + self.b3,
                  "bias_add_bad": lambda: tf.nn.bias_add(self.x, self.b3)}[s[1]]()
            self.log.append({"op": op.op.name, "type": op.op.type})
        elif kind == "layer":
            self.layer(s[1], s[2])
        elif kind == "reuse_vars":
            scope = v1.get_variable_scope() if s[1] == "current" else self.scopes[s[1]]
            scope.reuse_variables()
        elif kind == "scope_now":
            scope = v1.get_variable_scope()
            self.log.append({"scope": scope.name, "reuse": reuse_name(scope.reuse)})
        elif kind == "ns_now":
            name = v1.get_default_graph().get_name_scope()
            self.log.append({"name_scope": name + "/" if name else ""})
        elif kind == "values":
            var = [v for v in v1.global_variables() if v.name[:-2] == s[1]][0]
            self.log.append({"values": [float(v) for v in self.session.run(var).reshape(-1)]})
        else:
            raise SystemExit(f"unknown statement {s}")


# The op types a layer's computation records in TensorScope; TensorFlow's layers also make
# variable reads and initializer subgraphs, which are left out.
LAYER_OP_TYPES = {"Conv2D", "BiasAdd", "Relu", "MatMul", "MaxPool", "AvgPool", "FusedBatchNormV3", "Reshape",
                  "Identity", "AddV2", "Rsqrt", "Mul", "Sub"}


def layer_statement(self, kind, opts):
    """["layer", kind, opts]: a tf.compat.v1.layers layer on the previous layer's output (or
    the images again with "from_images"); logs each op of its computation."""
    layers = v1.layers
    if opts.get("from_images"):
        self.h = self.images
    name = opts.get("name")
    act = tf.nn.relu if opts.get("relu") else None
    graph = v1.get_default_graph()
    before = len(graph.get_operations())
    try:
        if kind == "conv2d":
            self.h = layers.conv2d(self.h, opts["filters"], opts["kernel"], strides=opts.get("strides", 1),
                                   padding=opts.get("padding", "valid"), activation=act,
                                   use_bias=opts.get("use_bias", True), name=name)
        elif kind == "dense":
            self.h = layers.dense(self.h, opts["units"], activation=act, use_bias=opts.get("use_bias", True), name=name)
        elif kind in ("max_pool", "avg_pool"):
            f = layers.max_pooling2d if kind == "max_pool" else layers.average_pooling2d
            self.h = f(self.h, opts["size"], opts["stride"], padding=opts.get("padding", "valid"), name=name)
        elif kind == "bn":
            self.h = layers.batch_normalization(self.h, training=False, name=name)
        elif kind == "flatten":
            self.h = layers.flatten(self.h, name=name)
        elif kind == "dropout":
            self.h = layers.dropout(self.h, opts.get("rate", 0.5), training=False, name=name)
        else:
            raise SystemExit(f"unknown layer {kind}")
    finally:
        for op in graph.get_operations()[before:]:
            if op.type in LAYER_OP_TYPES and "/Initializer/" not in op.name and not op.name.endswith("/read"):
                self.log.append({"op": op.name, "type": op.type})


Runner.layer = layer_statement


def main():
    results = []
    for name, program in PROGRAMS.items():
        graph = tf.Graph()
        with graph.as_default(), v1.Session(graph=graph) as session:
            runner = Runner(session)
            runner.run(program)
            results.append({
                "name": name,
                "program": program,
                "log": runner.log,
                "trainable": [v.name[:-2] for v in v1.trainable_variables()],
                "global": [v.name[:-2] for v in v1.global_variables()],
            })
    with open(OUT, "w") as f:
        json.dump({"tf_version": tf.__version__, "programs": results}, f, indent=1)
        f.write("\n")
    print(f"{len(results)} programs -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
