"""Training and cross-validation of the learned models (`parley train`, `parley eval
--folds`): data loaders, the classifier's and the span tagger's fitting, metrics. Nothing
here runs when parley codes."""
