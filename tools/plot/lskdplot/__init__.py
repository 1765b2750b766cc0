"""Figures of lskd run files and sweep summaries (see tools/plot/lskd_plot.py)."""
