"""The local privacy guard that runs before any text could leave the server."""
