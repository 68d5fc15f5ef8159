#!/usr/bin/env python3
"""The names TensorFlow gives ops created with `name=` (tf.compat.v1 graph mode): one program
that names every op TensorScope has, twice for a repeated name and once inside a name scope.
Writes Tests/TensorScopeTests/Fixtures/op_names.json: [[op name, op type], ...] in creation order,
placeholders and constants left out. OpNameTests runs the same program in Swift.

    pip install tensorflow-cpu
    python3 scripts/generate_name_fixture.py
"""
import json
import os

import numpy as np
import tensorflow as tf

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "TensorScopeTests", "Fixtures",
                   "op_names.json")


def main():
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [1, 4, 4, 2], name="x")
        w = np.ones([3, 3, 2, 2], np.float32)
        c = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME", name="c")
        r = tf.nn.relu(c, name="r")
        r = tf.nn.relu(r, name="r")
        p = tf.nn.max_pool2d(r, [2], [2], "SAME", name="pool1")
        a = tf.nn.avg_pool2d(p, [1], [1], "VALID", name="avg")
        f = tf.reshape(a, [1, -1], name="flat")
        m = tf.matmul(f, np.ones([8, 3], np.float32), name="fc")
        b = tf.nn.bias_add(m, np.ones([3], np.float32), name="ba")
        s = tf.nn.softmax(b, name="prob")
        tf.argmax(s, 1, name="pred")
        tf.sigmoid(b, name="sig")
        tf.tanh(b, name="th")
        with tf.name_scope("blk"):
            tf.nn.relu(b, name="r")
    ops = [[op.name, op.type] for op in graph.get_operations() if op.type not in ("Placeholder", "Const")]
    with open(OUT, "w") as f:
        json.dump(ops, f, indent=1)
        f.write("\n")
    print(ops)


if __name__ == "__main__":
    main()
