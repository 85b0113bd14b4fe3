"""The language floor: the document model, the pipeline and its named stages, the models
that run at inference, vocabularies, ontology, dates and the gazetteer. It imports nothing
from `parley.corpus` or the faces above it."""
