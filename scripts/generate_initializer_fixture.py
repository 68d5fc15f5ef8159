#!/usr/bin/env python3
"""The seed program's last section in TensorFlow 1.x graph mode — global_variables_initializer()
twice, sess.run(init), sess.run(var) — and what TensorFlow records for it: the initializer ops'
names, types and inputs, and how a seeded initializer behaves when init runs again. Writes
Tests/TensorScopeTests/Fixtures/initializer.json.

    pip install tensorflow-cpu numpy
    python3 scripts/generate_initializer_fixture.py
"""
import json
import os
import sys

import numpy as np
import tensorflow as tf

sys.path.insert(0, os.path.dirname(__file__))
from seed_program import my_image_filter, v1  # noqa: E402

v1.disable_eager_execution()
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TensorScopeTests", "Fixtures", "initializer.json")


def main():
    graph = tf.Graph()
    with graph.as_default():
        image1 = v1.placeholder(tf.float32, [None, None, None, 3], name="image1")
        image2 = v1.placeholder(tf.float32, [None, None, None, 3], name="image2")
        with v1.variable_scope("image_filters") as scope:
            my_image_filter(image1, weights_init=v1.random_normal_initializer(seed=1))
            scope.reuse_variables()
            my_image_filter(image2)
        var_list = v1.trainable_variables()
        init = v1.global_variables_initializer()
        init_1 = v1.global_variables_initializer()
        with v1.Session(graph=graph) as sess:
            sess.run(init)
            first = [sess.run(v) for v in var_list]
            sess.run(init)
            again = [sess.run(v) for v in var_list]
        with v1.Session(graph=graph) as sess:
            sess.run(init)
            new_session = [sess.run(v) for v in var_list]
    fixture = {
        "tf_version": tf.__version__,
        "variables": [v.name for v in var_list],
        "assigns": [{"name": v.initializer.name, "type": v.initializer.type,
                     "inputs": [i.name for i in v.initializer.inputs]} for v in var_list],
        "inits": [{"name": op.name, "type": op.type, "control_inputs": [c.name for c in op.control_inputs]}
                  for op in (init, init_1)],
        # Seeded initializers (conv weights, seed 1; biases constant): TensorFlow draws the next
        # values when init runs again in the same session, the first ones again in a new session.
        "seeded_same_after_second_init": bool(np.array_equal(first[0], again[0])),
        "seeded_same_in_new_session": bool(np.array_equal(first[0], new_session[0])),
        "constant_same_after_second_init": bool(np.array_equal(first[1], again[1])),
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"-> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
