#!/usr/bin/env python3
"""TensorFlow parity on photographs: builds the seed's my_image_filter in TensorFlow 1.x graph
mode, runs it on the bundled photos (two batches sharing the variables, method 1), and writes

  Tests/TensorScopeTests/Fixtures/photo_parity/weights.safetensors   the 4 variables
  Tests/TensorScopeTests/Fixtures/photo_parity/outputs.safetensors   inputs and outputs per batch
  Tests/TensorScopeTests/Fixtures/photo_parity/manifest.json         files, size, fit

The images go through the same path as TensorScope's `ImageBatch.load(paths, size:, fit: .fill)`:
decode (8-bit → /255, gray replicated to RGB), scale the shorter side to SIZE with bilinear
resizing (tf.image.resize, half-pixel centres, no antialiasing), new sides ⌊side·SIZE/shorter + ½⌋,
then the centred SIZE × SIZE crop.

    pip install tensorflow-cpu safetensors numpy
    python3 scripts/generate_photo_parity.py
"""
import json
import os
import sys

import numpy as np
import tensorflow as tf
from safetensors.numpy import save_file

sys.path.insert(0, os.path.dirname(__file__))
import seed_program  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..")
OUT = os.path.join(ROOT, "Tests", "TensorScopeTests", "Fixtures", "photo_parity")
PHOTOS = ["astronaut_256.png", "camera.png", "chelsea.png", "coffee_256.png"]
SIZE = 32
BATCHES = [[0, 1], [2, 3]]
v1 = tf.compat.v1


def load(name):
    data = tf.io.read_file(os.path.join(ROOT, "Sources", "BundledPhotos", "Photos", name))
    image = tf.io.decode_png(data, channels=3, dtype=tf.uint8)  # gray → RGB by replication
    image = tf.cast(image, tf.float32) / 255.0
    h, w = int(image.shape[0]), int(image.shape[1])
    shorter = min(h, w)
    nh, nw = (2 * h * SIZE + shorter) // (2 * shorter), (2 * w * SIZE + shorter) // (2 * shorter)
    if (nh, nw) != (h, w):
        image = tf.image.resize(image, [nh, nw], method="bilinear", antialias=False)
    top, left = (nh - SIZE) // 2, (nw - SIZE) // 2
    return image[top:top + SIZE, left:left + SIZE, :].numpy()


def my_image_filter(x):
    return seed_program.my_image_filter(
        x, weights_init=v1.random_normal_initializer(seed=7), biases_init=v1.constant_initializer(0.1))


def main():
    os.makedirs(OUT, exist_ok=True)
    images = [load(p) for p in PHOTOS]  # eager, before graph mode
    batches = [np.stack([images[i] for i in b]).astype(np.float32) for b in BATCHES]
    graph = tf.Graph()
    with graph.as_default():
        inputs = [v1.placeholder(tf.float32, b.shape) for b in batches]
        outputs = []
        for k, x in enumerate(inputs):
            with v1.variable_scope("image_filters", reuse=True if k > 0 else None):
                outputs.append(my_image_filter(x))
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            values = session.run(outputs, feed_dict=dict(zip(inputs, batches)))
            weights = {v.name[:-2]: session.run(v) for v in v1.trainable_variables()}
            op_names = [op.name for op in graph.get_operations() if op.type in ("Conv2D", "Relu")]
    save_file(weights, os.path.join(OUT, "weights.safetensors"))
    tensors = {}
    for k, (x, y) in enumerate(zip(batches, values)):
        tensors[f"batch{k}/input"] = x
        tensors[f"batch{k}/output"] = y
    save_file(tensors, os.path.join(OUT, "outputs.safetensors"))
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"photos": PHOTOS, "batches": BATCHES, "size": SIZE, "fit": "fill",
                   "variables": sorted(weights), "ops": op_names, "tf_version": tf.__version__}, f, indent=1)
        f.write("\n")
    print("weights", {k: v.shape for k, v in weights.items()})
    print("outputs", {k: v.shape for k, v in tensors.items()})


if __name__ == "__main__":
    main()
