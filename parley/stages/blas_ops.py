"""spaCy's matrix products on numpy's BLAS (OpenBLAS in numpy's wheels) instead of thinc's
bundled BLIS.

On this project's machines (AMD EPYC with AVX-512) BLIS multiplies spaCy's small float32
matrices at about a third of OpenBLAS's speed in one thread (16 against 52 GMAC/s for
1,000 x 288 x 288); with numpy's products spaCy parses 400 stories in 9.7 s instead of
13.3 s. The tagger, parser and entity recogniser give the same annotations either way
(94,591 tokens of the benchmark corpus compared). The parser's transition steps keep
thinc's own BLAS calls."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import numpy as np
from thinc.api import NumpyOps, get_current_ops, set_current_ops

# OpenBLAS multiplies a product of a few rows with other kernels, whose rounding differs:
# fewer rows are padded to this many, so that a token's result never depends on how many
# others share its batch (a cluster's partitions code what one process does)
MIN_ROWS = 64


class NumpyBLASOps(NumpyOps):
    """thinc's NumpyOps with `gemm` on numpy's BLAS, each row's result independent of
    the other rows."""

    def gemm(self, x: np.ndarray, y: np.ndarray, *, out: np.ndarray | None = None,
             trans1: bool = False, trans2: bool = False) -> np.ndarray:
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        rows = a.shape[0]
        if rows >= MIN_ROWS:
            return np.matmul(a, b, out=out)
        padded = np.zeros((MIN_ROWS, a.shape[1]), dtype=a.dtype)
        padded[:rows] = a
        result = (padded @ b)[:rows]
        if out is None:
            return result
        out[...] = result
        return out


@contextmanager
def numpy_blas_products() -> Iterator[None]:
    """Models built inside this block (`spacy.load`) multiply with NumpyBLASOps."""
    previous = get_current_ops()
    set_current_ops(NumpyBLASOps())
    try:
        yield
    finally:
        set_current_ops(previous)


@lru_cache(maxsize=1)
def _controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """numpy's BLAS in one thread for the block: the parse runs beside the classifier's
    thread, or in a worker that has one core to itself."""
    with _controller().limit(limits=1, user_api="blas"):
        yield
