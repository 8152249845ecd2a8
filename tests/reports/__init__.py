"""What people paste: the release and its annex, HTML, SVG and Word."""
