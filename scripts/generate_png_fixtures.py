#!/usr/bin/env python3
"""Writes small PNG files of every colour type and bit depth the reader accepts, plus broken
ones, into Tests/TensorScopeTests/Fixtures/png/, with the floats a correct reader returns in
expected.json. Uses only the standard library (zlib), so the encoder is visible here.

    python3 scripts/generate_png_fixtures.py
"""
import json
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TensorScopeTests", "Fixtures", "png")


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(width, height, depth, color_type, rows, plte=None, trns=None):
    """rows: list of bytes objects, already packed at the given depth."""
    raw = b"".join(b"\x00" + r for r in rows)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0))
    if plte is not None:
        out += chunk(b"PLTE", bytes(plte))
    if trns is not None:
        out += chunk(b"tRNS", bytes(trns))
    return out + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def pack(values, depth):
    if depth == 8:
        return bytes(values)
    if depth == 16:
        return b"".join(struct.pack(">H", v) for v in values)
    per = 8 // depth
    out = bytearray()
    for i in range(0, len(values), per):
        byte = 0
        for j, v in enumerate(values[i:i + per]):
            byte |= v << (8 - depth * (j + 1))
        out.append(byte)
    return bytes(out)


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    w, h = 3, 2

    def write(name, data, channels=None, pixels=None):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        if pixels is not None:
            expected[name] = {"width": w, "height": h, "channels": channels, "pixels": pixels}

    # gray, 8 and 16 bit
    g8 = [0, 51, 102, 153, 204, 255]
    write("gray8.png", png(w, h, 8, 0, [pack(g8[r * w:(r + 1) * w], 8) for r in range(h)]), 1, [v / 255 for v in g8])
    g16 = [0, 1000, 20000, 40000, 65000, 65535]
    write("gray16.png", png(w, h, 16, 0, [pack(g16[r * w:(r + 1) * w], 16) for r in range(h)]), 1, [v / 65535 for v in g16])
    # gray 2-bit (sub-byte depth)
    g2 = [0, 1, 2, 3, 2, 1]
    write("gray2.png", png(w, h, 2, 0, [pack(g2[r * w:(r + 1) * w], 2) for r in range(h)]), 1, [v / 3 for v in g2])
    # gray + alpha: alpha is dropped, the gray values stay as stored
    ga8 = [(10, 255), (20, 128), (30, 0), (40, 64), (50, 200), (60, 255)]
    write("gray_alpha8.png", png(w, h, 8, 4, [pack([c for p in ga8[r * w:(r + 1) * w] for c in p], 8) for r in range(h)]),
          1, [g / 255 for g, _ in ga8])
    ga16 = [(1000, 65535), (30000, 50000), (60000, 40000), (500, 65535), (65535, 65535), (12345, 40000)]
    write("gray_alpha16.png", png(w, h, 16, 4, [pack([c for p in ga16[r * w:(r + 1) * w] for c in p], 16) for r in range(h)]),
          1, [g / 65535 for g, _ in ga16])
    # RGB, 8 and 16 bit
    rgb8 = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (10, 20, 30), (128, 128, 128), (255, 255, 255)]
    write("rgb8.png", png(w, h, 8, 2, [pack([c for p in rgb8[r * w:(r + 1) * w] for c in p], 8) for r in range(h)]),
          3, [c / 255 for p in rgb8 for c in p])
    rgb16 = [(65535, 0, 0), (0, 65535, 0), (0, 0, 65535), (1000, 2000, 3000), (32768, 32768, 32768), (65535, 65535, 65535)]
    write("rgb16.png", png(w, h, 16, 2, [pack([c for p in rgb16[r * w:(r + 1) * w] for c in p], 16) for r in range(h)]),
          3, [c / 65535 for p in rgb16 for c in p])
    # RGBA, 8 and 16 bit: alpha dropped
    rgba8 = [(255, 0, 0, 255), (0, 255, 0, 128), (0, 0, 255, 0), (10, 20, 30, 40), (128, 128, 128, 255), (1, 2, 3, 4)]
    write("rgba8.png", png(w, h, 8, 6, [pack([c for p in rgba8[r * w:(r + 1) * w] for c in p], 8) for r in range(h)]),
          3, [c / 255 for p in rgba8 for c in p[:3]])
    rgba16 = [(65535, 0, 0, 65535), (0, 40000, 0, 50000), (0, 0, 65535, 40000), (1000, 2000, 3000, 65535),
              (32768, 32768, 32768, 60000), (9000, 8000, 7000, 45000)]
    write("rgba16.png", png(w, h, 16, 6, [pack([c for p in rgba16[r * w:(r + 1) * w] for c in p], 16) for r in range(h)]),
          3, [c / 65535 for p in rgba16 for c in p[:3]])
    # palette, 8-bit and 4-bit indices, one with tRNS (alpha dropped)
    palette = [(255, 0, 0), (0, 128, 0), (0, 0, 255), (200, 100, 50)]
    idx = [0, 1, 2, 3, 2, 1]
    flat = [c for p in palette for c in p]
    write("palette8.png", png(w, h, 8, 3, [pack(idx[r * w:(r + 1) * w], 8) for r in range(h)], plte=flat),
          3, [c / 255 for i in idx for c in palette[i]])
    write("palette4_trns.png", png(w, h, 4, 3, [pack(idx[r * w:(r + 1) * w], 4) for r in range(h)], plte=flat, trns=[255, 0, 128, 255]),
          3, [c / 255 for i in idx for c in palette[i]])

    # broken files with valid chunk CRCs, so only the named fault is wrong
    write("absurd_dimensions.png", png(100000, 100000, 8, 0, [b"\x00"]))
    write("zero_width.png", png(0, 2, 8, 0, [b"", b""]))
    bad_ihdr = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 2, 7, 0, 0, 0, 0))  # bit depth 7
    write("bad_bit_depth.png", bad_ihdr + chunk(b"IDAT", zlib.compress(b"\x00" * 8)) + chunk(b"IEND", b""))
    write("no_idat.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 2, 8, 0, 0, 0, 0)) + chunk(b"IEND", b""))
    short = png(w, h, 8, 0, [pack(g8[:3], 8)])  # header says 2 rows, data holds 1
    short = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 2, 8, 0, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(b"\x00" + bytes(g8[:3]))) + chunk(b"IEND", b"")
    write("missing_rows.png", short)

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print(f"{len(expected)} readable + 5 broken PNG files -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
