"""copbot: a chat bot for communities of practice."""
