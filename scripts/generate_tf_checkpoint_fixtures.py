#!/usr/bin/env python3
"""TensorFlow V2 checkpoints, as TensorFlow writes them, for TensorScope's checkpoint reader.
Writes Tests/TensorScopeTests/Fixtures/tf_checkpoints/:

- training/model.ckpt.{index,data-00000-of-00001}: a small CNN's variables saved by
  tf.compat.v1.train.Saver after one Momentum step, so the file also holds global_step and the
  optimizer's `<variable>/Momentum` slots, as a real training checkpoint does.
- dtypes/model.ckpt.*: one variable per dtype (float32, float16, bfloat16, float64, int32,
  int64), saved by Saver.
- partitioned/model.ckpt.*: a [200, 3] variable made with tf.compat.v1's
  fixed_size_partitioner(3), saved in three slices (starts 0, 67, 134: keys with multi-byte
  numbers).
- object/ckpt-1.*: tf.train.Checkpoint(conv=..., dense=...) — object-based keys
  (`conv/kernel/.ATTRIBUTES/VARIABLE_VALUE`), _CHECKPOINTABLE_OBJECT_GRAPH, save_counter.
- sharded/ckpt-1.*: tf.train.Checkpoint written with a 600-byte shard limit, so its tensors are
  spread over several data files.
- expected.json: the training model's logits after restoring, for one input (conv 3x3 SAME +
  bias + ReLU, reshape to 64, matmul + bias); and for each checkpoint, every key's dtype, shape and values (as float64 lists;
  non-finite values none here) as tf.train.load_checkpoint reads them back.

    pip install tensorflow-cpu numpy
    python3 scripts/generate_tf_checkpoint_fixtures.py
"""
import json
import os
import shutil

import numpy as np
import tensorflow as tf

v1 = tf.compat.v1
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TensorScopeTests", "Fixtures", "tf_checkpoints")


def training():
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(7)
        x = v1.placeholder(tf.float32, [None, 4, 4, 1], name="x")
        labels = v1.placeholder(tf.int64, [None], name="labels")
        with v1.variable_scope("conv1"):
            w = v1.get_variable("weights", [3, 3, 1, 4], initializer=v1.glorot_uniform_initializer())
            b = v1.get_variable("biases", [4], initializer=v1.constant_initializer(0.1))
            h = tf.nn.relu(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME") + b)
        h = tf.reshape(h, [-1, 64])
        with v1.variable_scope("fc"):
            fw = v1.get_variable("weights", [64, 3], initializer=v1.glorot_uniform_initializer())
            fb = v1.get_variable("biases", [3], initializer=v1.zeros_initializer())
            logits = tf.matmul(h, fw) + fb
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        step = v1.train.get_or_create_global_step()
        train = v1.train.MomentumOptimizer(0.1, 0.9).minimize(loss, global_step=step)
        saver = v1.train.Saver()
        rng = np.random.default_rng(3)
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            sess.run(train, {x: rng.standard_normal((5, 4, 4, 1)).astype(np.float32), labels: [0, 1, 2, 0, 1]})
            saver.save(sess, os.path.join(OUT, "training", "model.ckpt"), write_meta_graph=False,
                       write_state=False)
            probe = rng.standard_normal((2, 4, 4, 1)).astype(np.float32)
            return {"input": probe.reshape(-1).tolist(), "input_shape": list(probe.shape),
                    "logits": sess.run(logits, {x: probe}).reshape(-1).tolist()}


def dtypes():
    graph = tf.Graph()
    with graph.as_default():
        rng = np.random.default_rng(5)
        values = {
            "f32": rng.standard_normal((2, 3)).astype(np.float32),
            "f16": rng.standard_normal((3,)).astype(np.float16),
            "bf16": tf.constant(rng.standard_normal((2, 2)).astype(np.float32), tf.bfloat16),
            "f64": rng.standard_normal((4,)),
            "i32": np.array([1, -2, 3], np.int32),
            "i64": np.array([7, 8], np.int64),
        }
        variables = [v1.get_variable(name, initializer=value) for name, value in values.items()]
        saver = v1.train.Saver(variables)
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            saver.save(sess, os.path.join(OUT, "dtypes", "model.ckpt"), write_meta_graph=False, write_state=False)


def partitioned():
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(13)
        with v1.variable_scope("embed"):
            table = v1.get_variable("table", [200, 3], partitioner=v1.fixed_size_partitioner(3))
        saver = v1.train.Saver()
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            saver.save(sess, os.path.join(OUT, "partitioned", "model.ckpt"), write_meta_graph=False,
                       write_state=False)


def object_based(folder, options=None):
    tf.random.set_seed(11)
    module = tf.Module()
    module.kernel = tf.Variable(tf.random.normal([3, 3, 2, 4]), name="kernel")
    module.bias = tf.Variable(tf.random.normal([4]), name="bias")
    dense = tf.Module()
    dense.kernel = tf.Variable(tf.random.normal([16, 5]), name="kernel")
    dense.bias = tf.Variable(tf.zeros([5]), name="bias")
    checkpoint = tf.train.Checkpoint(conv=module, dense=dense)
    checkpoint.save(os.path.join(OUT, folder, "ckpt"), options=options)


def read_back(prefix):
    reader = tf.train.load_checkpoint(prefix)
    entries = {}
    dtype_names = reader.get_variable_to_dtype_map()
    for key, shape in sorted(reader.get_variable_to_shape_map().items()):
        dtype = dtype_names[key]
        entry = {"dtype": dtype.name, "shape": list(shape)}
        if dtype.is_floating or dtype.is_integer:
            entry["values"] = np.asarray(reader.get_tensor(key), np.float64).reshape(-1).tolist()
        entries[key] = entry
    return entries


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    forward = training()
    dtypes()
    partitioned()
    object_based("object")
    policy = tf.train.experimental.MaxShardSizePolicy(max_shard_size=600)
    object_based("sharded", tf.train.CheckpointOptions(experimental_sharding_callback=policy))
    for name in os.listdir(OUT):
        for leftover in ("checkpoint",):
            path = os.path.join(OUT, name, leftover)
            if os.path.exists(path):
                os.remove(path)
    expected = {
        "training/model.ckpt": read_back(os.path.join(OUT, "training", "model.ckpt")),
        "dtypes/model.ckpt": read_back(os.path.join(OUT, "dtypes", "model.ckpt")),
        "partitioned/model.ckpt": read_back(os.path.join(OUT, "partitioned", "model.ckpt")),
        "object/ckpt-1": read_back(os.path.join(OUT, "object", "ckpt-1")),
        "sharded/ckpt-1": read_back(os.path.join(OUT, "sharded", "ckpt-1")),
    }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"tensorflow": tf.__version__, "checkpoints": expected, "training_forward": forward}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
