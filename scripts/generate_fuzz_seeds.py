#!/usr/bin/env python3
"""Seeds for the TensorFlow-format fuzz targets.

graphdef (Fuzz/corpus/graphdef/small-*.pb): small frozen graphs TensorFlow writes — a conv,
bias, ReLU, pooling, reshape, matmul and softmax net on a placeholder, one with the ops a
Keras model leaves (BiasAdd, Relu6, PReLU written out, Identity), and one through the classic
ops (Pad, PadV2, MirrorPad, LRN, ResizeBilinear, ResizeNearestNeighbor, DepthwiseConv2dNative,
FusedBatchNormV3, ConcatV2, Mean).

tf-checkpoint (Fuzz/corpus/tf-checkpoint/self-*.index): V2
checkpoint indexes that are their own data shard — the fuzz target writes its input as both
prefix.index and prefix.data-00000-of-00001 — so each entry's offset, size and CRC-32C point at
real tensor bytes at the start of the file, ahead of the table's blocks. One seed with a tensor
of each float dtype, one with a tensor stored in two slices under TensorFlow's encoded keys.

    pip install tensorflow-cpu numpy   # for TensorFlow's protobuf messages
    python3 scripts/generate_checkpoint_fuzz_seeds.py
"""
import os
import struct

import numpy as np
from tensorflow.core.protobuf import tensor_bundle_pb2

CORPUS = os.path.join(os.path.dirname(__file__), "..", "Fuzz", "corpus")
OUT = os.path.join(CORPUS, "tf-checkpoint")
DT = {"float32": 1, "float64": 2, "bfloat16": 14, "float16": 19}


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def mask(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def varint(n):
    out = b""
    while n >= 0x80:
        out += bytes([(n & 0x7F) | 0x80])
        n >>= 7
    return out + bytes([n])


def block(entries):
    out = b""
    for key, value in entries:  # one restart per entry: no shared prefixes
        out += varint(0) + varint(len(key)) + varint(len(value)) + key + value
    restarts = [0] if not entries else []
    offset = 0
    for key, value in entries:
        restarts.append(offset)
        offset += len(varint(0) + varint(len(key)) + varint(len(value))) + len(key) + len(value)
    return out + b"".join(struct.pack("<I", r) for r in restarts) + struct.pack("<I", len(restarts))


def table(data, entries):
    """data first, then one data block, the metaindex, the index, the footer."""
    file = bytearray(data)

    def append(contents):
        handle = varint(len(file)) + varint(len(contents))
        file.extend(contents + b"\0" + struct.pack("<I", mask(crc32c(contents + b"\0"))))
        return handle

    data_handle = append(block(entries))
    meta = append(block([]))
    index = append(block([(entries[-1][0], data_handle)]))
    footer = meta + index
    footer += b"\0" * (40 - len(footer)) + struct.pack("<Q", 0xDB4775248B80FB57)
    return bytes(file) + footer


def entry(dtype, shape, offset, raw, slices=()):
    proto = tensor_bundle_pb2.BundleEntryProto(dtype=DT[dtype], offset=offset, size=len(raw),
                                                crc32c=mask(crc32c(raw)))
    proto.shape.dim.extend([proto.shape.Dim(size=s) for s in shape])
    for extents in slices:
        piece = proto.slices.add()
        for start, length in extents:
            extent = piece.extent.add(start=start)
            extent.length = length
    return proto.SerializeToString()


def header():
    return tensor_bundle_pb2.BundleHeaderProto(num_shards=1).SerializeToString()


def slice_key(name, extents):
    """TensorFlow's EncodeTensorNameSlice for small numbers (all below 64 here)."""
    key = b"\x00" + name.encode() + b"\x00\x01" + bytes([1, len(extents)])
    for start, length in extents:
        key += bytes([0x80 ^ start, 0x80 ^ length])
    return key


def graphdefs():
    import tensorflow as tf
    v1 = tf.compat.v1
    rng = np.random.default_rng(2)
    folder = os.path.join(CORPUS, "graphdef")
    os.makedirs(folder, exist_ok=True)
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 6, 6, 2], name="x")
        h = tf.nn.conv2d(x, tf.constant(rng.standard_normal((3, 3, 2, 4)), tf.float32), [1, 1, 1, 1], "SAME")
        h = tf.nn.relu(h + tf.constant(rng.standard_normal(4), tf.float32))
        h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        h = tf.reshape(h, [-1, 36])
        h = tf.matmul(h, tf.constant(rng.standard_normal((36, 3)), tf.float32))
        tf.nn.softmax(h, name="prob")
    with open(os.path.join(folder, "small-convnet.pb"), "wb") as f:
        f.write(graph.as_graph_def().SerializeToString())
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [1, 5, 5, 3], name="x")
        h = tf.nn.conv2d(x, tf.constant(rng.standard_normal((2, 2, 3, 2)), tf.float32), [1, 2, 2, 1], "VALID")
        h = tf.nn.bias_add(h, tf.constant(rng.standard_normal(2), tf.float32))
        alpha = tf.constant(rng.standard_normal(2), tf.float32)
        h = tf.nn.relu(h) - alpha * tf.nn.relu(-h)
        h = tf.nn.relu6(tf.identity(h))
        tf.nn.avg_pool2d(h, 2, 1, "SAME", name="out")
    with open(os.path.join(folder, "small-keras-ops.pb"), "wb") as f:
        f.write(graph.as_graph_def().SerializeToString())
    graph = tf.Graph()
    with graph.as_default():
        c = lambda *shape: tf.constant(rng.standard_normal(shape), tf.float32)
        x = v1.placeholder(tf.float32, [None, 4, 4, 3], name="x")
        h = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
        h = tf.nn.depthwise_conv2d(h, c(3, 3, 3, 2), [1, 1, 1, 1], "VALID")
        variance = tf.constant(np.abs(rng.standard_normal(6)) + 1, tf.float32)
        h = v1.nn.fused_batch_norm(h, c(6), c(6), c(6), variance, is_training=False)[0]
        h = tf.nn.lrn(tf.pad(h, [[0, 0], [0, 1], [1, 0], [0, 0]], constant_values=0.5), 2)
        h = tf.concat([v1.image.resize_bilinear(h, [6, 5]), v1.image.resize_nearest_neighbor(h, [6, 5])], -1)
        tf.reduce_mean(tf.pad(h, [[0, 0], [1, 0], [0, 1], [0, 0]]), [1, 2], name="out")
    with open(os.path.join(folder, "small-classic-ops.pb"), "wb") as f:
        f.write(graph.as_graph_def().SerializeToString())


def main():
    graphdefs()
    rng = np.random.default_rng(1)
    data, entries = b"", [(b"", header())]
    tensors = {"a/f16": ("float16", [3], rng.standard_normal(3).astype("<f2").tobytes()),
               "a/f32": ("float32", [2, 2], rng.standard_normal(4).astype("<f4").tobytes()),
               "a/f64": ("float64", [2], rng.standard_normal(2).astype("<f8").tobytes()),
               "b/bf16": ("bfloat16", [2], (rng.standard_normal(2).astype("<f4").view("<u4") >> 16).astype("<u2").tobytes())}
    for key in sorted(tensors):
        dtype, shape, raw = tensors[key]
        entries.append((key.encode(), entry(dtype, shape, len(data), raw)))
        data += raw
    with open(os.path.join(OUT, "self-dtypes.index"), "wb") as f:
        f.write(table(data, entries))

    whole = rng.standard_normal((4, 3)).astype("<f4")
    parts = [((0, 2), (0, 3)), ((2, 2), (0, 3))]
    data, slice_entries = b"", []
    for extents in parts:
        raw = whole[extents[0][0]:extents[0][0] + extents[0][1]].tobytes()
        slice_entries.append((slice_key("w", extents), entry("float32", [2, 3], len(data), raw)))
        data += raw
    full = tensor_bundle_pb2.BundleEntryProto()
    full.ParseFromString(entry("float32", [4, 3], 0, b"", parts))
    full.size = 0
    full.crc32c = 0
    entries = [(b"", header())] + sorted(slice_entries) + [(b"w", full.SerializeToString())]
    with open(os.path.join(OUT, "self-slices.index"), "wb") as f:
        f.write(table(data, entries))


if __name__ == "__main__":
    main()
