#!/usr/bin/env python3
"""TensorBoard event files, both ways.

1. Writes the event file TensorFlow itself writes for the seed program's graph (sharing method
   1, tf.compat.v1.summary.FileWriter) to Tests/TensorScopeTests/Fixtures/tensorboard/tf.events:
   the Swift tests check TensorScope's TFRecord framing and CRCs against it byte for byte.
2. Reads back an event file TensorScope wrote (`image-filter --logdir`, built and run here, or
   the file given as the first argument) with TensorFlow's own reader,
   tf.compat.v1.train.summary_iterator, and checks it: the file version, and a GraphDef that
   TensorFlow parses and imports, with the two towers and the four shared variables.

    pip install tensorflow-cpu numpy
    python3 scripts/generate_tensorboard_fixture.py [events-file]
"""
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np
import tensorflow as tf

sys.path.insert(0, os.path.dirname(__file__))
from seed_program import my_image_filter  # noqa: E402

v1 = tf.compat.v1
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "TensorScopeTests", "Fixtures", "tensorboard")


def write_tensorflow_events():
    graph = tf.Graph()
    with graph.as_default():
        image = np.zeros([1, 6, 6, 3], np.float32)
        with v1.variable_scope("image_filters"):
            my_image_filter(image)
        with v1.variable_scope("image_filters", reuse=True):
            my_image_filter(image)
    with tempfile.TemporaryDirectory() as logdir:
        with graph.as_default():
            writer = v1.summary.FileWriter(logdir, graph)
            writer.close()
        (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
        with open(path, "rb") as f:
            data = f.read()
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "tf.events"), "wb") as f:
        f.write(data)
    print(f"TensorFlow's event file: {len(data)} bytes -> {os.path.relpath(os.path.join(OUT, 'tf.events'))}")


def tensorscope_events():
    if len(sys.argv) > 1:
        return sys.argv[1], None
    logdir = tempfile.mkdtemp()
    subprocess.run(["swift", "run", "-c", "release", "image-filter", "--size", "16", "--output",
                    os.path.join(logdir, "mosaics"), "--logdir", logdir], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    return path, logdir


def check_tensorscope_events():
    path, _ = tensorscope_events()
    events = list(v1.train.summary_iterator(path))
    assert events[0].file_version == "brain.Event:2", events[0]
    graph_def = tf.compat.v1.GraphDef.FromString(events[1].graph_def)
    nodes = {n.name: n for n in graph_def.node}
    towers = [n.name for n in graph_def.node if n.op == "Conv2D"]
    variables = sorted(n.name for n in graph_def.node if n.op == "VarHandleOp")
    assert variables == sorted(["image_filters/conv1/weights", "image_filters/conv1/biases",
                                "image_filters/conv2/weights", "image_filters/conv2/biases"]), variables
    assert len(towers) == 4, towers
    for conv in towers:
        read = nodes[nodes[conv].input[1]]
        assert read.op == "ReadVariableOp" and read.input[0] in variables, read
    # TensorFlow can import it as a graph of its own.
    with tf.Graph().as_default():
        tf.graph_util.import_graph_def(graph_def, name="")
    print(f"TensorScope's event file read back by summary_iterator and imported: {path} "
          f"({len(graph_def.node)} nodes, {len(towers)} Conv2D, {len(variables)} variables)")


if __name__ == "__main__":
    write_tensorflow_events()
    check_tensorscope_events()
