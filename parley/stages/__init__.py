"""The pipeline's stages, one module each: parse, actors, events, time, place."""
