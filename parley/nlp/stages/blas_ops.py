"""spaCy's matrix products on numpy's BLAS (OpenBLAS in numpy's wheels) instead of thinc's
bundled BLIS, where numpy's BLAS gives each row of a product the same result whatever
rows share it.

On this project's machines (AMD EPYC with AVX-512) BLIS multiplies spaCy's small float32
matrices at about a third of OpenBLAS's speed in one thread (16 against 52 GMAC/s for
1,000 x 288 x 288); with numpy's products spaCy parses 400 stories in 9.7 s instead of
13.3 s. The tagger, parser and entity recogniser give the same annotations either way
(94,591 tokens of the benchmark corpus compared). The parser's transition steps keep
thinc's own BLAS calls.

Where OpenBLAS is told to use other kernels (OPENBLAS_CORETYPE=Haswell on an AMD EPYC, as
some of these machines set it), a row's result depends on where it sits in the product,
so a token would be coded differently in a batch of another size, and a cluster would not
code what one process does. `product_ops` tries that once per process and keeps BLIS
there."""

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

    def gemm(
        self, x: np.ndarray, y: np.ndarray, *, out: np.ndarray | None = None, trans1: bool = False, trans2: bool = False
    ) -> np.ndarray:
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


def rows_independent(ops: NumpyOps, seed: int = 0) -> bool:
    """Whether `ops.gemm` gives rows of a product the results they get in a larger one, in
    one BLAS thread and in the default number, for a few of spaCy's shapes and row counts."""
    rng = np.random.default_rng(seed)
    for threads in (1, None):
        with _controller().limit(limits=threads, user_api="blas"):
            for width, outputs in PROBE_SHAPES:
                w = rng.standard_normal((outputs, width)).astype("f")
                x = rng.standard_normal((400, width)).astype("f")
                whole = ops.gemm(x, w, trans2=True)
                for rows in PROBE_ROWS:
                    start = int(rng.integers(0, len(x) - rows))
                    if not np.array_equal(
                        ops.gemm(x[start : start + rows], w, trans2=True), whole[start : start + rows]
                    ):
                        return False
    return True


PROBE_SHAPES = [(96, 64), (288, 288), (64, 384)]  # (inputs, outputs) of layers of en_core_web_sm
PROBE_ROWS = [1, 3, 7, MIN_ROWS - 1, MIN_ROWS + 5, 100, 257]


@lru_cache(maxsize=1)
def product_ops() -> NumpyOps:
    """The ops spaCy's models multiply with: NumpyBLASOps where its rows are independent
    (`rows_independent`), else thinc's NumpyOps on BLIS."""
    fast = NumpyBLASOps()
    return fast if rows_independent(fast) else NumpyOps()


@contextmanager
def row_independent_products() -> Iterator[None]:
    """Models built inside this block (`spacy.load`) multiply with `product_ops()`."""
    previous = get_current_ops()
    set_current_ops(product_ops())
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
