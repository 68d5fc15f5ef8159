#!/usr/bin/env python3
"""The float32 error of Winograd tile sizes TensorScope does not run, before any kernel is written.

Simulates F(m x m, r x r) in numpy float32 — input transform, products summed channel by channel
(one rounding per product and per sum), output transform — on `winograd-error`'s cases
([2, 14, 14, C] * [r, r, C, 64] SAME, values uniform in [-1, 1)) and prints the largest error
against float64 as a fraction of the output's largest magnitude, the measure of
`swift run -c release winograd-error` and of the tests. The variants TensorScope runs,
F(4 x 4, 3 x 3) and F(2 x 2, 5 x 5), are printed too: their figures, next to the kernels' own,
say how far the simulation is to be trusted for the others.

The transforms are Toom-Cook's for the given points and infinity: A^T and G from the points
(Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016), B^T solved exactly
(in rationals) so that A^T [(G g) * (B^T d)] is the correlation of d with g.

    python3 scripts/winograd_tile_error.py
"""
from fractions import Fraction
import itertools

import numpy as np


def transforms(m, r, points):
    """A^T (m x a), G (a x r), B^T (a x a) as exact fractions, a = m + r - 1."""
    a = m + r - 1
    assert len(points) == a - 1, f"F({m}, {r}) needs {a - 1} finite points"
    p = [Fraction(x) for x in points]
    at = [[p[j] ** i for j in range(a - 1)] + [Fraction(int(i == m - 1))] for i in range(m)]
    g = []
    for j in range(a - 1):
        f = Fraction(1)
        for l in range(a - 1):
            if l != j:
                f *= p[j] - p[l]
        g.append([p[j] ** k / f for k in range(r)])
    g.append([Fraction(int(k == r - 1)) for k in range(r)])
    # B^T column by column: sum_i At[k][i] G[i][j] Bt[i][l] = [l == k + j] for every k, j.
    bt = [[Fraction(0)] * a for _ in range(a)]
    for l in range(a):
        rows = [[at[k][i] * g[i][j] for i in range(a)] for k in range(m) for j in range(r)]
        rhs = [Fraction(int(l == k + j)) for k in range(m) for j in range(r)]
        column = solve(rows, rhs)
        for i in range(a):
            bt[i][l] = column[i]
    return at, g, bt


def solve(rows, rhs):
    """The solution of an exactly consistent (possibly over-determined) rational system."""
    n = len(rows[0])
    aug = [row[:] + [b] for row, b in zip(rows, rhs)]
    pivots, r = [], 0
    for c in range(n):
        k = next((i for i in range(r, len(aug)) if aug[i][c] != 0), None)
        if k is None:
            continue
        aug[r], aug[k] = aug[k], aug[r]
        aug[r] = [v / aug[r][c] for v in aug[r]]
        for i in range(len(aug)):
            if i != r and aug[i][c] != 0:
                aug[i] = [vi - aug[i][c] * vr for vi, vr in zip(aug[i], aug[r])]
        pivots.append(c)
        r += 1
    assert all(all(v == 0 for v in row) for row in aug[r:]), "no exact transform for these points"
    x = [Fraction(0)] * n
    for i, c in enumerate(pivots):
        x[c] = aug[i][n]
    return x


def check_exact(m, r, at, g, bt):
    """A^T [(G g) * (B^T d)] equals the correlation in float64."""
    rng = np.random.default_rng(1)
    d, w = rng.standard_normal(m + r - 1), rng.standard_normal(r)
    A, G, B = (np.array(x, dtype=np.float64) for x in (at, g, bt))
    y = A @ ((G @ w) * (B @ d))
    want = np.array([sum(d[k + j] * w[j] for j in range(r)) for k in range(m)])
    assert np.allclose(y, want, rtol=1e-12, atol=1e-12), (y, want)


def uniform(rng, shape):
    return rng.uniform(-1, 1, shape).astype(np.float32)


def error(m, r, points, channels, rng):
    at, g, bt = transforms(m, r, points)
    check_exact(m, r, at, g, bt)
    a = m + r - 1
    A, G, B = (np.array(x, dtype=np.float64) for x in (at, g, bt))
    n, h, k = 2, 14, 64
    x, w = uniform(rng, (n, h, h, channels)), uniform(rng, (r, r, channels, k))
    pad = (r - 1) // 2
    tiles = -(-h // m)
    size = tiles * m + r - 1
    xp = np.zeros((n, size, size, channels), np.float32)
    xp[:, pad:pad + h, pad:pad + h] = x
    # float64 reference: the direct sum.
    x64 = xp.astype(np.float64)[:, : h + r - 1, : h + r - 1]
    ref = np.zeros((n, h, h, k))
    for dy, dx in itertools.product(range(r), repeat=2):
        ref += x64[:, dy:dy + h, dx:dx + h] @ w[dy, dx].astype(np.float64)
    # Patches [n, ty, tx, a, a, c], transformed in float32.
    idx = np.arange(tiles)[:, None] * m + np.arange(a)[None, :]
    patches = xp[:, idx[:, None, :, None], idx[None, :, None, :]]
    B32, G32, A32 = B.astype(np.float32), G.astype(np.float32), A.astype(np.float32)
    v = np.einsum("ik,ntukls,jl->ntuijs", B32, patches, B32, optimize=True).astype(np.float32)
    # The filter transform once, in float64, rounded once (as TensorScope packs it).
    u = np.einsum("ik,klco,jl->ijco", G, w.astype(np.float64), G).astype(np.float32)
    prod = np.zeros(v.shape[:5] + (k,), np.float32)
    for c in range(channels):
        prod += v[..., c, None] * u[None, None, None, :, :, c, :]
    y = np.einsum("ik,ntuklo,jl->ntuijo", A32, prod, A32, optimize=True).astype(np.float32)
    y = y.transpose(0, 1, 3, 2, 4, 5).reshape(n, tiles * m, tiles * m, k)[:, :h, :h]
    return float(np.max(np.abs(y - ref)) / np.max(np.abs(ref)))


def main():
    variants = [
        ("F(4x4, 3x3)  0, ±1, ±2 (runs)", 4, 3, [0, 1, -1, 2, -2]),
        ("F(2x2, 5x5)  0, ±1, ±2 (runs)", 2, 5, [0, 1, -1, 2, -2]),
        ("F(3x3, 5x5)  0, ±1, ±2, 1/2", 3, 5, [0, 1, -1, 2, -2, Fraction(1, 2)]),
        ("F(3x3, 5x5)  0, ±1, ±2, -1/2", 3, 5, [0, 1, -1, 2, -2, Fraction(-1, 2)]),
        ("F(3x3, 5x5)  0, ±1, ±1/2, 2", 3, 5, [0, 1, -1, Fraction(1, 2), Fraction(-1, 2), 2]),
        ("F(6x6, 3x3)  0, ±1, ±2, ±1/2", 6, 3, [0, 1, -1, 2, -2, Fraction(1, 2), Fraction(-1, 2)]),
    ]
    sizes = [3, 16, 32, 64, 256]
    print("| variant | " + " | ".join(f"C = {c}" for c in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name, m, r, points in variants:
        rng = np.random.default_rng(2026)
        print(f"| {name} | " + " | ".join(f"{error(m, r, points, c, rng):.1e}" for c in sizes) + " |", flush=True)


if __name__ == "__main__":
    main()
