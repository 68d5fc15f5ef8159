#!/usr/bin/env python3
"""Converts the pretrained MTCNN face detector that the `mtcnn` package (PyPI, 1.0.0, MIT
licence, github.com/ipazc/mtcnn) ships inside its wheel — the weights of its three networks,
PNet (12x12 proposals, fully convolutional), RNet (24x24) and ONet (48x48, with five facial
landmarks) — into the two forms a TensorFlow 1.x user brings, and records what TensorFlow
computes on real photos. Writes Tests/TensorScopeTests/Fixtures/mtcnn/:

- mtcnn.ckpt.{index,data-00000-of-00001}: a V2 checkpoint written by tf.compat.v1.train.Saver
  from a TF1 graph-mode program (variable_scope + get_variable, below) holding the package's
  weights under TF1 names: pnet/conv1/weights, pnet/conv1/biases, pnet/prelu1/alpha, …,
  onet/fc6-3/biases. PReLU slopes are [C], as a TF1 program keeps them.
- pnet.pb, rnet.pb, onet.pb: each Keras model of the package (tf_keras, as the package builds
  it) traced with tf.function on a placeholder `input` and frozen by
  convert_variables_to_constants_v2 — the graphs Keras leaves: BiasAdd, PReLU written out as
  relu(x) + (-alpha) * relu(-x) with alpha [1, 1, C], Permute as Transpose, Flatten as Reshape.
  Outputs: `Identity` (box regression) and `Identity_1` (face probability) for PNet and RNet;
  ONet's `Identity` (box), `Identity_1` (landmarks), `Identity_2` (probability).
- expected.safetensors: real inputs and the Keras models' outputs. `pnet_input`: the bundled
  astronaut photo at scale 0.3 (77x77); `rnet_input`, `onet_input`: six crops, 24x24 and 48x48
  — the faces MTCNN finds in astronaut_256.png and camera.png, and four crops without one from
  coffee_256.png and chelsea.png — all normalised as MTCNN does, (pixel - 127.5) / 128, resized
  bilinearly by TensorFlow. Then `<net>_<output>` for every output.
- manifest.json: the package and TensorFlow versions, the face boxes, the output names.
- LICENSE: the package's licence (MIT), which covers the weights it ships.

The TF1 program's outputs are checked against the Keras models' (within 1e-5) before anything
is written.

    pip install tensorflow-cpu tf_keras mtcnn lz4 joblib pillow safetensors numpy
    python3 scripts/convert_mtcnn.py
"""
import json
import os
import shutil

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # the package's layers on tf_keras, as it was written

import numpy as np
import tensorflow as tf
from PIL import Image
from safetensors.numpy import save_file
from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

import mtcnn
from mtcnn.network.onet import ONet
from mtcnn.network.pnet import PNet
from mtcnn.network.rnet import RNet
from mtcnn.utils.tensorflow import load_weights

v1 = tf.compat.v1
ROOT = os.path.join(os.path.dirname(__file__), "..")
OUT = os.path.join(ROOT, "Tests", "TensorScopeTests", "Fixtures", "mtcnn")
PHOTOS = os.path.join(ROOT, "Sources", "BundledPhotos", "Photos")

# name: (Keras class, weights file, input shape, output names in order)
NETS = {
    "pnet": (PNet, "pnet.lz4", [None, None, None, 3], ["bbox", "prob"]),
    "rnet": (RNet, "rnet.lz4", [None, 24, 24, 3], ["bbox", "prob"]),
    "onet": (ONet, "onet.lz4", [None, 48, 48, 3], ["bbox", "landmarks", "prob"]),
}
# The TF1 program: each layer as (kind, Keras layer name, extra).
LAYERS = {
    "pnet": [("conv", "conv1"), ("prelu", "prelu1"), ("pool", 2, 2, "SAME"), ("conv", "conv2"), ("prelu", "prelu2"),
             ("conv", "conv3"), ("prelu", "prelu3"), ("heads", [("conv", "conv4-1", None), ("conv", "conv4-2", "softmax")])],
    "rnet": [("conv", "conv1"), ("prelu", "prelu1"), ("pool", 3, 2, "SAME"), ("conv", "conv2"), ("prelu", "prelu2"),
             ("pool", 3, 2, "VALID"), ("conv", "conv3"), ("prelu", "prelu3"), ("flatten",), ("dense", "fc4"),
             ("prelu", "prelu4"), ("heads", [("dense", "fc5-1", None), ("dense", "fc5-2", "softmax")])],
    "onet": [("conv", "conv1"), ("prelu", "prelu1"), ("pool", 3, 2, "SAME"), ("conv", "conv2"), ("prelu", "prelu2"),
             ("pool", 3, 2, "VALID"), ("conv", "conv3"), ("prelu", "prelu3"), ("pool", 2, 2, "SAME"), ("conv", "conv4"),
             ("prelu", "prelu4"), ("flatten",), ("dense", "fc5"), ("prelu", "prelu5"),
             ("heads", [("dense", "fc6-1", None), ("dense", "fc6-2", None), ("dense", "fc6-3", "softmax")])],
}


def keras_model(net):
    cls, weights, _, _ = NETS[net]
    model = cls()
    model.build()
    model.set_weights(load_weights(weights))
    return model


def tf1_net(net, x, weights):
    """The TF1 program: conv = VALID conv + bias, PReLU as relu(x) - alpha * relu(-x), Keras's
    Permute((2, 1, 3)) before flattening."""
    def variable(name, value):
        return v1.get_variable(name, initializer=tf.constant(value))

    def layer(kind, name, h, activation=None):
        with v1.variable_scope(name):
            if kind == "conv":
                h = tf.nn.conv2d(h, variable("weights", weights[name][0]), [1, 1, 1, 1], "VALID")
            else:
                h = tf.matmul(h, variable("weights", weights[name][0]))
            h = tf.nn.bias_add(h, variable("biases", weights[name][1]))
            return tf.nn.softmax(h) if activation == "softmax" else h

    h = x
    outputs = []
    with v1.variable_scope(net):
        for spec in LAYERS[net]:
            kind = spec[0]
            if kind in ("conv", "dense"):
                h = layer(kind, spec[1], h)
            elif kind == "prelu":
                with v1.variable_scope(spec[1]):
                    alpha = variable("alpha", weights[spec[1]][0].reshape(-1))
                    h = tf.nn.relu(h) - alpha * tf.nn.relu(-h)
            elif kind == "pool":
                h = tf.nn.max_pool2d(h, spec[1], spec[2], spec[3])
            elif kind == "flatten":
                h = tf.transpose(h, [0, 2, 1, 3])
                h = tf.reshape(h, [-1, int(np.prod(h.shape[1:]))])
            elif kind == "heads":
                outputs = [layer(k, name, h, act) for k, name, act in spec[1]]
    return outputs


def crop(photo, box, size):
    x, y, w, h = box
    image = np.asarray(Image.open(os.path.join(PHOTOS, photo)).convert("RGB"), np.float32)
    patch = image[y:y + h, x:x + w][None]
    return tf.image.resize(patch, [size, size], method="bilinear").numpy()[0]


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    models = {net: keras_model(net) for net in NETS}
    # Faces as the package's own detector finds them; crops without a face beside them.
    detector = mtcnn.MTCNN()
    faces = {}
    for photo in ("astronaut_256.png", "camera.png"):
        image = np.asarray(Image.open(os.path.join(PHOTOS, photo)).convert("RGB"))
        faces[photo] = [int(v) for v in detector.detect_faces(image)[0]["box"]]
    boxes = [("astronaut_256.png", faces["astronaut_256.png"]), ("camera.png", faces["camera.png"]),
             ("coffee_256.png", [60, 40, 64, 64]), ("coffee_256.png", [150, 90, 48, 48]),
             ("chelsea.png", [150, 60, 120, 120]), ("chelsea.png", [300, 150, 90, 90])]
    normalise = lambda pixels: ((pixels - 127.5) / 128).astype(np.float32)
    astronaut = np.asarray(Image.open(os.path.join(PHOTOS, "astronaut_256.png")).convert("RGB"), np.float32)
    inputs = {
        "pnet": normalise(tf.image.resize(astronaut[None], [77, 77], method="bilinear").numpy()),
        "rnet": normalise(np.stack([crop(p, b, 24) for p, b in boxes])),
        "onet": normalise(np.stack([crop(p, b, 48) for p, b in boxes])),
    }
    expected = {f"{net}_input": x for net, x in inputs.items()}
    for net, model in models.items():
        for name, value in zip(NETS[net][3], model(inputs[net])):
            expected[f"{net}_{name}"] = np.ascontiguousarray(value.numpy(), np.float32)

    # The frozen Keras graphs.
    for net, model in models.items():
        spec = tf.TensorSpec(NETS[net][2], tf.float32, name="input")
        function = tf.function(lambda x, m=model: m(x)).get_concrete_function(spec)
        frozen = convert_variables_to_constants_v2(function)
        with open(os.path.join(OUT, f"{net}.pb"), "wb") as f:
            f.write(frozen.graph.as_graph_def().SerializeToString())

    # The TF1 program, its checkpoint, and its agreement with Keras.
    weights = {net: {layer.name: [w.numpy() for w in layer.weights] for layer in model.layers if layer.weights}
               for net, model in models.items()}
    graph = tf.Graph()
    with graph.as_default():
        placeholders, outputs = {}, {}
        for net in models:
            placeholders[net] = v1.placeholder(tf.float32, NETS[net][2], name=f"{net}_input")
            outputs[net] = tf1_net(net, placeholders[net], weights[net])
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            for net in NETS:
                got = session.run(outputs[net], {placeholders[net]: inputs[net]})
                for name, value in zip(NETS[net][3], got):
                    diff = float(np.max(np.abs(value - expected[f"{net}_{name}"])))
                    assert diff < 1e-5, f"TF1 {net} {name} differs from Keras by {diff}"
            v1.train.Saver().save(session, os.path.join(OUT, "mtcnn.ckpt"), write_meta_graph=False, write_state=False)

    from importlib.metadata import distribution
    licence = next(f for f in distribution("mtcnn").files if f.name in ("LICENSE", "LICENSE.txt"))
    shutil.copyfile(licence.locate(), os.path.join(OUT, "LICENSE"))
    save_file(expected, os.path.join(OUT, "expected.safetensors"))
    os.chmod(os.path.join(OUT, "expected.safetensors"), 0o644)
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"mtcnn": mtcnn.__version__ if hasattr(mtcnn, "__version__") else "1.0.0",
                   "tensorflow": tf.__version__, "faces": faces,
                   "outputs": {net: dict(zip(NETS[net][3], ["Identity"] + [f"Identity_{i}" for i in range(1, 3)]))
                               for net in NETS},
                   "crops": [[p, b] for p, b in boxes]}, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
