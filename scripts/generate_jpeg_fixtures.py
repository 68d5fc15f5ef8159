#!/usr/bin/env python3
"""JPEG photos and fixtures.

1. Bundles three JPEG versions of the bundled photos (Pillow, metadata-free): chelsea.jpg
   (baseline 4:2:0, quality 90), coffee_256-progressive.jpg (progressive), camera-gray.jpg
   (grayscale) into Sources/BundledPhotos/Photos/.
2. Writes test JPEGs into Tests/TensorScopeTests/Fixtures/jpeg/: a CMYK one (Adobe), a large
   one (for DCT scaling), one per EXIF orientation 1-8 (a small asymmetric picture), and broken
   ones (truncated at several points, a corrupt marker, a huge header, zero bytes).
3. Records TensorFlow's tf.io.decode_jpeg (default settings; channels=3, 1 for the gray one)
   of the bundled ones, the CMYK one and the upright picture into Fixtures/jpeg/decoded.safetensors (uint8 values as float32), for the parity tests.

    pip install tensorflow-cpu pillow safetensors numpy
    python3 scripts/generate_jpeg_fixtures.py
"""
import io
import os

import numpy as np
import tensorflow as tf
from PIL import Image
from safetensors.numpy import save_file

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
PHOTOS = os.path.join(ROOT, "Sources", "BundledPhotos", "Photos")
OUT = os.path.join(ROOT, "Tests", "TensorScopeTests", "Fixtures", "jpeg")


def save(image, path, **options):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    with open(path, "wb") as f:
        f.write(buffer.getvalue())
    return buffer.getvalue()


def main():
    os.makedirs(OUT, exist_ok=True)
    bundled = {
        "chelsea.jpg": (Image.open(os.path.join(PHOTOS, "chelsea.png")).convert("RGB"), {"quality": 90}),
        "coffee_256-progressive.jpg": (Image.open(os.path.join(PHOTOS, "coffee_256.png")).convert("RGB"),
                                       {"quality": 90, "progressive": True}),
        "camera-gray.jpg": (Image.open(os.path.join(PHOTOS, "camera.png")).convert("L"), {"quality": 90}),
    }
    for name, (image, options) in bundled.items():
        save(image, os.path.join(PHOTOS, name), **options)
    astronaut = Image.open(os.path.join(PHOTOS, "astronaut_256.png")).convert("RGB")
    save(astronaut.convert("CMYK"), os.path.join(OUT, "cmyk.jpg"), quality=92)
    # 1024 x 1536: big enough for DCT scaling at size 64 (shorter side >= 4 x 64).
    save(astronaut.resize((1024, 1536), Image.BICUBIC), os.path.join(OUT, "large.jpg"), quality=90)
    # An asymmetric 6 x 4 picture, stored as a camera would for each orientation.
    pattern = np.zeros((4, 6, 3), np.uint8)
    pattern[0, 0] = [255, 0, 0]
    pattern[0, 5] = [0, 255, 0]
    pattern[3, 0] = [0, 0, 255]
    upright = Image.fromarray(np.kron(pattern, np.ones((8, 8, 1), np.uint8)))  # 48 x 32, 8x8 blocks
    stored_for = {1: lambda i: i, 2: lambda i: i.transpose(Image.FLIP_LEFT_RIGHT), 3: lambda i: i.transpose(Image.ROTATE_180),
                  4: lambda i: i.transpose(Image.FLIP_TOP_BOTTOM), 5: lambda i: i.transpose(Image.TRANSPOSE),
                  6: lambda i: i.transpose(Image.ROTATE_90), 7: lambda i: i.transpose(Image.TRANSVERSE),
                  8: lambda i: i.transpose(Image.ROTATE_270)}
    for orientation, store in stored_for.items():
        exif = Image.Exif()
        exif[0x0112] = orientation
        save(store(upright), os.path.join(OUT, f"orientation{orientation}.jpg"), quality=100, subsampling=0, exif=exif.tobytes())
    save(upright, os.path.join(OUT, "upright.jpg"), quality=100, subsampling=0)
    # Broken files.
    good = open(os.path.join(PHOTOS, "chelsea.jpg"), "rb").read()
    for fraction in (0.02, 0.3, 0.9):
        with open(os.path.join(OUT, f"truncated{int(fraction * 100):02d}.jpg"), "wb") as f:
            f.write(good[:int(len(good) * fraction)])
    corrupt = bytearray(good)
    sos = corrupt.index(b"\xff\xda")
    corrupt[sos + 1] = 0xC7  # an unknown SOF marker where the scan starts
    open(os.path.join(OUT, "corrupt_marker.jpg"), "wb").write(bytes(corrupt))
    huge = bytearray(good)
    sof = huge.index(b"\xff\xc0")
    huge[sof + 5:sof + 9] = bytes([0xEA, 0x60, 0xEA, 0x60])  # 60000 x 60000 in the frame header
    open(os.path.join(OUT, "huge_header.jpg"), "wb").write(bytes(huge))
    open(os.path.join(OUT, "empty.jpg"), "wb").write(b"")
    # TensorFlow's decodes.
    decoded = {}
    sources = [os.path.join(PHOTOS, n) for n in bundled] + [os.path.join(OUT, n) for n in ("cmyk.jpg", "upright.jpg")]
    for path in sources:
        # Gray stays one channel (a third of the fixture); the others as RGB.
        channels = 1 if "gray" in path else 3
        pixels = tf.io.decode_jpeg(tf.io.read_file(path), channels=channels).numpy()
        decoded[os.path.basename(path)] = pixels.astype(np.float32)
    save_file(decoded, os.path.join(OUT, "decoded.safetensors"))
    print(f"{len(bundled)} bundled JPEGs, {len(decoded)} TensorFlow decodes -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
