"""The strawberry GraphQL API: the only door for the canvas and for integrations (filled by the
API issue). Reaches the engine only through the `canvas_assets` façade."""
