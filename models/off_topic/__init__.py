"""The off_topic model: training (train.py), measurement (measure.py), card and artefact."""
