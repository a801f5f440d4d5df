"""One module per subcommand: ``register(subparsers)`` adds it, ``handler`` runs it.

Keep module top-levels light (argparse only): the heavy imports go inside the handler.
"""
