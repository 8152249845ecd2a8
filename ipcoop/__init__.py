"""ipcoop: a command-line tracker for the co-operation projects of the
Guangdong/Hong Kong Expert Group on the Protection of Intellectual Property Rights."""

__version__ = "0.1.0"
