"""The cross-checks, the project's proof: the harness that computes every quantity of a
network in a framework and derives each tolerance (harness), the comparison of every
framework with the NumPy float64 reference (compare), where the tutorials are wrong
(errata), where frameworks mean different math by one name (defaults), and the timing of
one epoch at growing sizes (bench).

Modules here may import runtime/, specs/, reports and the framework packages (harness loads
them through runtime.frameworks); never views/ or cli/: what is printed, and how, is theirs.
"""
