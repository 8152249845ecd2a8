"""Sharing: copies and a bare remote, kills at each step, hostile remotes, a model of
three copies."""
