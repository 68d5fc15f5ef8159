#!/usr/bin/env python3
"""TF1 programs of classic CNNs, with random weights, saved by tf.compat.v1.train.Saver with
TensorFlow's outputs, for TensorScope's ports of them (TensorScopeModels: CIFAR10, Blocks).
Writes Tests/TensorScopeTests/Fixtures/classic_models/:

- cifar10.ckpt.*: the TF1 CIFAR-10 tutorial model's inference() (tensorflow/models,
  tutorials/image/cifar10/cifar10.py, as written there: conv 5×5 + ReLU, max pool 3×3/2, LRN,
  conv, LRN, pool, two local layers, a linear layer) on 24 × 24 crops, its variables drawn by
  the tutorial's own initializers.
- blocks.ckpt.*: a MobileNet-style block (depthwise 3×3, batch norm, ReLU6, pointwise 1×1,
  batch norm, ReLU6) and a ResNet-style block (pad, conv 3×3 VALID, batch norm, ReLU, conv 3×3
  SAME, batch norm, add the input, ReLU) written with tf.compat.v1.layers, their batch norms'
  moving statistics set to random values (as after training).
- expected.safetensors: `cifar10_images` [4, 24, 24, 3] and `cifar10_logits`;
  `block_input` [2, 16, 16, 32], `mobilenet_output`, `resnet_output`.
- variables.json: each checkpoint's variable names and shapes in creation order.

    pip install tensorflow-cpu tf_keras safetensors numpy
    python3 scripts/generate_classic_models.py
"""
import json
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # tf.compat.v1.layers lives in tf_keras

import numpy as np
import tensorflow as tf
from safetensors.numpy import save_file

v1 = tf.compat.v1
v1.disable_eager_execution()
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TensorScopeTests", "Fixtures", "classic_models")
NUM_CLASSES = 10


def _variable_with_weight_decay(name, shape, stddev, wd):
    # The tutorial's helper; weight decay only adds a training loss, left out at inference.
    return v1.get_variable(name, shape, initializer=v1.truncated_normal_initializer(stddev=stddev, dtype=tf.float32))


def _variable_on_cpu(name, shape, initializer):
    return v1.get_variable(name, shape, initializer=initializer, dtype=tf.float32)


def inference(images):
    """cifar10.py's inference(), unchanged but for the batch dimension of the reshape (-1)."""
    with v1.variable_scope('conv1') as scope:
        kernel = _variable_with_weight_decay('weights', shape=[5, 5, 3, 64], stddev=5e-2, wd=None)
        conv = tf.nn.conv2d(images, kernel, [1, 1, 1, 1], padding='SAME')
        biases = _variable_on_cpu('biases', [64], v1.constant_initializer(0.0))
        pre_activation = tf.nn.bias_add(conv, biases)
        conv1 = tf.nn.relu(pre_activation, name=scope.name)
    pool1 = tf.nn.max_pool(conv1, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1], padding='SAME', name='pool1')
    norm1 = tf.nn.lrn(pool1, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75, name='norm1')
    with v1.variable_scope('conv2') as scope:
        kernel = _variable_with_weight_decay('weights', shape=[5, 5, 64, 64], stddev=5e-2, wd=None)
        conv = tf.nn.conv2d(norm1, kernel, [1, 1, 1, 1], padding='SAME')
        biases = _variable_on_cpu('biases', [64], v1.constant_initializer(0.1))
        pre_activation = tf.nn.bias_add(conv, biases)
        conv2 = tf.nn.relu(pre_activation, name=scope.name)
    norm2 = tf.nn.lrn(conv2, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75, name='norm2')
    pool2 = tf.nn.max_pool(norm2, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1], padding='SAME', name='pool2')
    with v1.variable_scope('local3') as scope:
        reshape = tf.reshape(pool2, [-1, 6 * 6 * 64])
        dim = reshape.get_shape()[1]
        weights = _variable_with_weight_decay('weights', shape=[dim, 384], stddev=0.04, wd=0.004)
        biases = _variable_on_cpu('biases', [384], v1.constant_initializer(0.1))
        local3 = tf.nn.relu(tf.matmul(reshape, weights) + biases, name=scope.name)
    with v1.variable_scope('local4') as scope:
        weights = _variable_with_weight_decay('weights', shape=[384, 192], stddev=0.04, wd=0.004)
        biases = _variable_on_cpu('biases', [192], v1.constant_initializer(0.1))
        local4 = tf.nn.relu(tf.matmul(local3, weights) + biases, name=scope.name)
    with v1.variable_scope('softmax_linear') as scope:
        weights = _variable_with_weight_decay('weights', [192, NUM_CLASSES], stddev=1 / 192.0, wd=None)
        biases = _variable_on_cpu('biases', [NUM_CLASSES], v1.constant_initializer(0.0))
        softmax_linear = tf.add(tf.matmul(local4, weights), biases, name=scope.name)
    return softmax_linear


def mobilenet_block(x):
    with v1.variable_scope("mobilenet_block"):
        w = v1.get_variable("depthwise_weights", [3, 3, x.shape[-1], 1])
        h = tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME")
        h = tf.nn.relu6(v1.layers.batch_normalization(h, training=False))
        h = v1.layers.conv2d(h, 64, 1, use_bias=False)
        return tf.nn.relu6(v1.layers.batch_normalization(h, training=False))


def resnet_block(x):
    with v1.variable_scope("resnet_block"):
        h = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]])
        h = v1.layers.conv2d(h, x.shape[-1], 3, padding="valid", use_bias=False)
        h = tf.nn.relu(v1.layers.batch_normalization(h, training=False))
        h = v1.layers.conv2d(h, x.shape[-1], 3, padding="same", use_bias=False)
        h = v1.layers.batch_normalization(h, training=False)
        return tf.nn.relu(h + x)


def save(name, build, inputs, rng, randomize_statistics=False):
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(24)
        placeholders = {key: v1.placeholder(tf.float32, [None] + list(value.shape[1:]), name=key)
                        for key, value in inputs.items()}
        outputs = build(placeholders)
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            if randomize_statistics:
                for v in v1.global_variables():
                    n = v.op.name
                    if n.endswith("moving_mean") or n.endswith("beta"):
                        v.load(rng.standard_normal(v.shape).astype(np.float32) * 0.5, session)
                    elif n.endswith("moving_variance") or n.endswith("gamma"):
                        v.load((rng.uniform(0.5, 1.5, v.shape)).astype(np.float32), session)
            v1.train.Saver().save(session, os.path.join(OUT, f"{name}.ckpt"), write_meta_graph=False, write_state=False)
            values = session.run(outputs, {placeholders[k]: v for k, v in inputs.items()})
            names = [[v.op.name, v.shape.as_list()] for v in v1.global_variables()]
    return values, names


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(10)
    images = rng.standard_normal((4, 24, 24, 3)).astype(np.float32)
    (logits,), cifar_names = save("cifar10", lambda p: [inference(p["images"])], {"images": images}, rng)
    block_input = rng.standard_normal((2, 16, 16, 32)).astype(np.float32)
    (mobile, res), block_names = save("blocks", lambda p: [mobilenet_block(p["input"]), resnet_block(p["input"])],
                                      {"input": block_input}, rng, randomize_statistics=True)
    save_file({"cifar10_images": images, "cifar10_logits": logits, "block_input": block_input,
               "mobilenet_output": mobile, "resnet_output": res}, os.path.join(OUT, "expected.safetensors"))
    for f in os.listdir(OUT):
        os.chmod(os.path.join(OUT, f), 0o644)
    with open(os.path.join(OUT, "variables.json"), "w") as f:
        json.dump({"tf_version": tf.__version__, "cifar10": cifar_names, "blocks": block_names}, f, indent=1)
        f.write("\n")
    print(cifar_names, block_names, sep="\n")


if __name__ == "__main__":
    main()
