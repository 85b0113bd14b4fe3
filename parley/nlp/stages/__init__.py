"""The pipeline's stages, one module each: parse, actors, events, classify, time, place."""
