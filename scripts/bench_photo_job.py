#!/usr/bin/env python3
"""The whole photo job end to end: image-filter on a folder of camera-size JPEGs against the
same job as a TensorFlow tf.data pipeline, images per second, same thread count.

    pip install tensorflow-cpu numpy
    swift build -c release --product image-filter
    python3 scripts/bench_photo_job.py [--images 60] [--threads 2] [--rounds 3] [--markdown]

The photos: --images JPEGs of 1600 x 1200 (quality 92), made once from the bundled photographs
by TensorFlow's bicubic resize into .build/bench-photos (or --photos FOLDER of your own).
The job: decode, bring to 224 x 224 (scale the shorter side, crop the centre), my_image_filter
(two 5x5 conv + bias + ReLU layers, 32 channels) in batches of 8, one safetensors file of the
[224, 224, 32] map per image. TensorFlow's pipeline: tf.data with parallel decode and resize
(tf.io.decode_jpeg, tf.image.resize bilinear), prefetch, the layers in a tf.function, files
written as the batches come. image-filter runs with --no-mosaics --features (the same job),
and with its default outputs (mosaics; and with --features); its own end-of-run line gives
images/s end to end and compute only. Each configuration runs --rounds times, the best kept.
Not run in CI.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SIZE, BATCH = 224, 8


def make_photos(folder, count):
    """count camera-size JPEGs in folder, made once from the bundled photographs."""
    if len(glob.glob(os.path.join(folder, "*.jpg"))) == count:
        return folder
    import tensorflow as tf
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    sources = sorted(glob.glob(os.path.join(ROOT, "Sources", "BundledPhotos", "Photos", "*.png"))
                     + glob.glob(os.path.join(ROOT, "Sources", "BundledPhotos", "Photos", "*.jpg")))
    for i in range(count):
        image = tf.io.decode_image(tf.io.read_file(sources[i % len(sources)]), channels=3, expand_animations=False)
        big = tf.image.resize(tf.cast(image, tf.float32), (1200, 1600), method="bicubic")
        big = tf.cast(tf.clip_by_value(tf.round(big), 0, 255), tf.uint8)
        tf.io.write_file(os.path.join(folder, f"img{i:03d}.jpg"), tf.io.encode_jpeg(big, quality=92))
    return folder


def safetensors_bytes(array):
    """One float32 tensor under the key "features", as the safetensors format lays it out."""
    header = json.dumps({"features": {"dtype": "F32", "shape": list(array.shape),
                                      "data_offsets": [0, array.nbytes]}}).encode()
    header += b" " * (-len(header) % 8)
    return len(header).to_bytes(8, "little") + header + array.tobytes()


def configure_tensorflow(threads):
    """TensorFlow's thread pools, set before its first op (bench_peers.py sets them itself)."""
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)


def run_tensorflow(photos, out):
    import numpy as np
    import tensorflow as tf
    rng = np.random.default_rng(1)
    w1 = tf.constant(rng.standard_normal([5, 5, 3, 32], dtype=np.float32))
    w2 = tf.constant(rng.standard_normal([5, 5, 32, 32], dtype=np.float32))
    b1, b2 = tf.zeros([32]), tf.zeros([32])

    def load(path):
        image = tf.cast(tf.io.decode_jpeg(tf.io.read_file(path), channels=3), tf.float32) / 255
        shape = tf.cast(tf.shape(image)[:2], tf.float32)
        scale = SIZE / tf.reduce_min(shape)
        scaled = tf.cast(tf.math.ceil(shape * scale), tf.int32)
        image = tf.image.resize(image, scaled, method="bilinear")
        return tf.image.resize_with_crop_or_pad(image, SIZE, SIZE), path

    @tf.function
    def forward(x):
        x = tf.nn.relu(tf.nn.conv2d(x, w1, 1, "SAME") + b1)
        return tf.nn.relu(tf.nn.conv2d(x, w2, 1, "SAME") + b2)

    paths = sorted(glob.glob(os.path.join(photos, "*.jpg")))
    dataset = (tf.data.Dataset.from_tensor_slices(paths).map(load, num_parallel_calls=tf.data.AUTOTUNE)
               .batch(BATCH).prefetch(tf.data.AUTOTUNE))
    start = time.perf_counter()
    for images, names in dataset:
        features = forward(images).numpy()
        for feature, name in zip(features, names.numpy()):
            base = os.path.basename(name.decode())
            with open(os.path.join(out, base + ".safetensors"), "wb") as f:
                f.write(safetensors_bytes(feature))
    return len(paths) / (time.perf_counter() - start)


def run_image_filter(photos, out, threads, arguments):
    exe = os.path.join(ROOT, ".build", "release", "image-filter")
    if not os.path.exists(exe):
        subprocess.run(["swift", "build", "-c", "release", "--product", "image-filter"], cwd=ROOT, check=True)
    env = dict(os.environ, TENSORSCOPE_NUM_THREADS=str(threads))
    stdout = subprocess.run([exe, photos, "--batch-size", str(BATCH)] + arguments(out), env=env, check=True,
                            capture_output=True, text=True).stdout
    line = next(l for l in stdout.splitlines() if "images/s end to end" in l)
    end_to_end = float(re.search(r"([\d.]+) images/s end to end", line).group(1))
    compute = float(re.search(r"([\d.]+) images/s compute only", line).group(1))
    bound = re.search(r"bound by (\w+)", line)
    return {"images_per_second": end_to_end, "compute_only": compute, "bound_by": bound.group(1) if bound else "?"}


CONFIGURATIONS = {
    "features only (--no-mosaics --features)": lambda out: ["--no-mosaics", "--features", os.path.join(out, "f")],
    "compute only (--no-mosaics)": lambda out: ["--no-mosaics"],
    "default outputs (mosaics)": lambda out: ["--output", os.path.join(out, "m")],
    "mosaics and features": lambda out: ["--output", os.path.join(out, "m"), "--features", os.path.join(out, "f")],
}


def measure(photos, threads, rounds):
    results = {name: None for name in CONFIGURATIONS}
    tf_rate = 0.0
    for _ in range(rounds):
        for name, arguments in CONFIGURATIONS.items():
            with tempfile.TemporaryDirectory() as out:
                r = run_image_filter(photos, out, threads, arguments)
            if results[name] is None or r["images_per_second"] > results[name]["images_per_second"]:
                results[name] = r
        with tempfile.TemporaryDirectory() as out:
            tf_rate = max(tf_rate, run_tensorflow(photos, out))
    return results, tf_rate


def table(results, tf_rate, count, markdown):
    names = ["job", "TensorScope images/s", "its compute-only images/s", "end to end / compute only",
             "bound by", "TensorScope / tf.data"]
    rows = [[name, f"{r['images_per_second']:.1f}", f"{r['compute_only']:.1f}",
             f"{r['images_per_second'] / r['compute_only']:.2f}", r["bound_by"],
             f"{r['images_per_second'] / tf_rate:.2f}" if name.startswith("features only") else ""]
            for name, r in results.items()]
    rows.append(["TensorFlow tf.data, features only", f"{tf_rate:.1f}", "", "", "", "1.00"])
    lines = [f"photo job: {count} JPEGs of 1600 x 1200 to 224 x 224, batch {BATCH}"]
    if markdown:
        lines.append("| " + " | ".join(names) + " |")
        lines.append("|" + "---|" * len(names))
        lines += ["| " + " | ".join(r) + " |" for r in rows]
    else:
        widths = [max(len(n), *(len(r[i]) for r in rows)) for i, n in enumerate(names)]
        lines.append("  ".join(n.ljust(w) for n, w in zip(names, widths)))
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in rows]
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--images", type=int, default=60)
    p.add_argument("--photos", help="a folder of JPEGs to use instead of the generated ones")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--markdown", action="store_true")
    a = p.parse_args()
    configure_tensorflow(a.threads)
    photos = a.photos or make_photos(os.path.join(ROOT, ".build", "bench-photos"), a.images)
    count = len(glob.glob(os.path.join(photos, "*.jpg")))
    results, tf_rate = measure(photos, a.threads, a.rounds)
    print(table(results, tf_rate, count, a.markdown))


if __name__ == "__main__":
    sys.exit(main())
