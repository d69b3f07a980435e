"""Let `python -m bot` do what the `copbot` command does."""

from bot.cli import main

main()
