"""The learned models that run when parley codes: the event-type classifier and the span
tagger, with the weights they ship (inference only; training is in `parley.training`)."""

import os

# oneDNN keeps a compiled kernel per matrix shape, 1,024 by default, and packed batches bring
# new shapes all the time: a process that had coded 2,000 short documents held 1,100 to
# 1,200 MiB with that cache and about 950 MiB with 16, at the same speed (measured). A
# user's own setting wins. oneDNN reads it when it first runs: set before any model runs.
os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "16")
