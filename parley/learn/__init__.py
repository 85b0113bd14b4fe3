"""The learned event-type classifier: data, model, training and metrics."""
