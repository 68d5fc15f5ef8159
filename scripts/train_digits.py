#!/usr/bin/env python3
"""Trains a small TF1-style CNN on scikit-learn's bundled 8x8 digits (load_digits: no download)
in TensorFlow graph mode — variable_scope per layer, get_variable — and commits what the Swift
port needs to prove itself, into Tests/TensorScopeTests/Fixtures/digits/:

- weights.safetensors: the trained variables keyed by TensorFlow's names (conv1/weights, …);
- test.safetensors: the held-out images [N, 8, 8, 1] (pixel / 16), their labels, and
  TensorFlow's logits and softmax probabilities for them;
- model.ckpt.{index,data-00000-of-00001}: the training checkpoint as
  tf.compat.v1.train.Saver writes it, Adam's slots (`conv1/weights/Adam`, `…/Adam_1`) and
  beta powers included — what a TF1 user has;
- frozen.pb: the inference graph frozen by convert_variables_to_constants (placeholder
  `images`, fetches `logits` and `probabilities`), as a binary GraphDef;
- manifest.json: TensorFlow's version, the split, and its accuracy on the held-out set.

    pip install tensorflow-cpu scikit-learn safetensors numpy
    python3 scripts/train_digits.py
"""
import json
import os

import numpy as np
import tensorflow as tf
from safetensors.numpy import save_file
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

v1 = tf.compat.v1
v1.disable_eager_execution()
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TensorScopeTests", "Fixtures", "digits")


# --- the model, as a TF1 user writes it (the Swift port is Sources/TensorScopeModels/DigitsCNN.swift)
def conv_relu(x, kernel_shape):
    weights = v1.get_variable("weights", kernel_shape, initializer=v1.glorot_uniform_initializer(seed=1))
    biases = v1.get_variable("biases", kernel_shape[-1:], initializer=v1.zeros_initializer())
    return tf.nn.relu(tf.nn.conv2d(x, weights, strides=[1, 1, 1, 1], padding="SAME") + biases)


def dense(x, shape):
    weights = v1.get_variable("weights", shape, initializer=v1.glorot_uniform_initializer(seed=2))
    biases = v1.get_variable("biases", shape[-1:], initializer=v1.zeros_initializer())
    return tf.matmul(x, weights) + biases


def digits_cnn(images):
    with v1.variable_scope("conv1"):
        h = conv_relu(images, [3, 3, 1, 16])
    h = tf.nn.max_pool2d(h, 2, 2, "SAME")
    with v1.variable_scope("conv2"):
        h = conv_relu(h, [3, 3, 16, 32])
    h = tf.nn.max_pool2d(h, 2, 2, "SAME")
    h = tf.reshape(h, [-1, 2 * 2 * 32])
    with v1.variable_scope("fc1"):
        h = tf.nn.relu(dense(h, [128, 64]))
    with v1.variable_scope("fc2"):
        return dense(h, [64, 10])


def main():
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[..., None]
    labels = digits.target.astype(np.int64)
    train_x, test_x, train_y, test_y = train_test_split(images, labels, test_size=0.2, random_state=0, stratify=labels)
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(0)
        x = v1.placeholder(tf.float32, [None, 8, 8, 1], name="images")
        y = v1.placeholder(tf.int64, [None], name="labels")
        logits = tf.identity(digits_cnn(x), name="logits")
        probabilities = tf.nn.softmax(logits, name="probabilities")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        train = v1.train.AdamOptimizer(1e-3).minimize(loss)
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            rng = np.random.default_rng(0)
            for epoch in range(40):
                order = rng.permutation(len(train_x))
                for start in range(0, len(order), 64):
                    batch = order[start:start + 64]
                    session.run(train, {x: train_x[batch], y: train_y[batch]})
            test_logits, test_probabilities = session.run([logits, probabilities], {x: test_x})
            weights = {v.name[:-2]: session.run(v) for v in v1.trainable_variables()}
            os.makedirs(OUT, exist_ok=True)
            v1.train.Saver().save(session, os.path.join(OUT, "model.ckpt"), write_meta_graph=False, write_state=False)
            frozen = v1.graph_util.convert_variables_to_constants(
                session, graph.as_graph_def(), ["logits", "probabilities"])
            frozen = v1.graph_util.extract_sub_graph(frozen, ["logits", "probabilities"])
            with open(os.path.join(OUT, "frozen.pb"), "wb") as f:
                f.write(frozen.SerializeToString())
    accuracy = float(np.mean(np.argmax(test_logits, axis=1) == test_y))
    os.makedirs(OUT, exist_ok=True)
    save_file(weights, os.path.join(OUT, "weights.safetensors"))
    save_file({"images": test_x, "labels": test_y.astype(np.float32), "logits": test_logits.astype(np.float32),
               "probabilities": test_probabilities.astype(np.float32)}, os.path.join(OUT, "test.safetensors"))
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"tf_version": tf.__version__, "train": len(train_x), "test": len(test_x),
                   "split": "sklearn train_test_split(test_size=0.2, random_state=0, stratify=labels)",
                   "accuracy": accuracy, "correct": int(round(accuracy * len(test_x))),
                   "variables": {k: list(v.shape) for k, v in weights.items()}}, f, indent=1)
        f.write("\n")
    print(f"accuracy {accuracy:.4f} on {len(test_x)} held-out digits -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
