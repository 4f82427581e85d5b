"""Training commands: fit the scikit-learn heads and write ``models/<name>/``."""
