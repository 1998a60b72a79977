"""Process plumbing, the bottom layer: read-only arrays (arrays), starting and ending child
processes (children), Ctrl-C that Python may lose (interrupts), output files and folders
that never overwrite a user's (outputs), the progress bar of a long training (progress), and
the list of frameworks with their versions and how to load one (frameworks).

What belongs here knows nothing of networks or of the tutorials; it imports only the
standard library and third-party packages, never another layer of shared/.
"""
