"""The data file: a crash at every write, damaged files, faults, the merge, older
schemas."""
