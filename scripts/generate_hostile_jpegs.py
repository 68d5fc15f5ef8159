#!/usr/bin/env python3
"""Hostile JPEGs made from the bundled progressive photo, for the reader's limits (and the
fuzz corpus): no encoder needed, only byte patches of a real file.

- progressive_bomb.jpg: the photo's SOF2 says 12000 x 12000. A progressive decode keeps
  coefficient buffers of the stored size whatever the DCT scale: 432 MB for this 4:2:0 frame
  (12000 x 12000 4:4:4 would be 864 MB) from a file of 12 KB.
- many_scans.jpg: after the photo's ten scans, one AC scan repeated 520 times as a first pass
  over coefficients already complete (Ah = Al = 0), which libjpeg accepts without a warning:
  decoding time grows with the scans (TurboJPEG's TJFLAG_LIMITSCANS refuses more than 500).

    python3 scripts/generate_hostile_jpegs.py
"""
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
PHOTO = os.path.join(ROOT, "Sources", "BundledPhotos", "Photos", "coffee_256-progressive.jpg")
OUTS = [os.path.join(ROOT, "Tests", "TensorScopeTests", "Fixtures", "jpeg"),
        os.path.join(ROOT, "Fuzz", "corpus", "image")]


def segments(data):
    """(marker, start, end) of each marker segment, a scan's entropy-coded data included."""
    i = 2
    while i < len(data):
        assert data[i] == 0xFF
        marker = data[i + 1]
        if marker == 0xD9:
            yield marker, i, i + 2
            return
        end = i + 2 + (data[i + 2] << 8 | data[i + 3])
        if marker == 0xDA:
            while not (data[end] == 0xFF and data[end + 1] != 0 and not 0xD0 <= data[end + 1] <= 0xD7):
                end += 1
        yield marker, i, end
        i = end


def main():
    data = open(PHOTO, "rb").read()
    parts = list(segments(data))
    # The bomb: SOF2's height and width (after length and precision) set to 12000.
    sof = next(start for marker, start, _ in parts if marker == 0xC2)
    bomb = bytearray(data)
    bomb[sof + 5:sof + 9] = (12000).to_bytes(2, "big") * 2
    # Many scans: the ninth scan (an AC refinement of one component, decoded with the Huffman
    # tables in force at the end of the file), made a first pass (Ah = Al = 0), 520 times
    # (530 scans in all).
    scans = [(start, end) for marker, start, end in parts if marker == 0xDA]
    start, end = scans[8]
    scan = bytearray(data[start:end])
    scan[2 + (scan[2] << 8 | scan[3]) - 1] = 0x00  # the Ah/Al byte ends the SOS header
    eoi = parts[-1][1]
    many = data[:eoi] + bytes(scan) * 520 + data[eoi:]
    for out in OUTS:
        os.makedirs(out, exist_ok=True)
        for name, content in (("progressive_bomb.jpg", bytes(bomb)), ("many_scans.jpg", many)):
            with open(os.path.join(out, name), "wb") as f:
                f.write(content)
    print(f"progressive_bomb.jpg {len(bomb)} bytes, many_scans.jpg {len(many)} bytes")


if __name__ == "__main__":
    main()
