"""Readers of the input kinds: plain text, HTML pages, RSS/Atom feeds, JSON Lines and URLs.

`parley.corpus.sources.documents` picks the reader for each input; each reader turns bytes into
Documents and bad items into Failures (or InputError) with a one-line reason.
"""
