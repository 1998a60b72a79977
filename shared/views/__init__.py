"""What a reader sees: the terminal tables and reports (printing, tables), the files lined up
side by side (show, with reuse adding the code a file imports from another network), the
static site (site, glossary.md), the notebooks (notebook_cells, notebooks) and the loss and
scaling plots (plots).

Modules here may import every layer below (runtime/, specs/, reports, checks/), never cli/:
a view takes what to show as arguments, and the command line decides when.
"""
