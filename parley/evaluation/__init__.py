"""Scoring the coder on what `parley code` emits: labelled sentences, the time, place and
issue stages, and whole articles against hand-read labels (`parley eval`)."""
