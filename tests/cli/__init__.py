"""The command line: every command through the real CLI, generated bad input,
hostile text on a terminal."""
