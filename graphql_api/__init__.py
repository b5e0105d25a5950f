"""The strawberry GraphQL API: the only door for the canvas and for integrations.

Reaches the engine only through the `canvas_assets` façade. `app.create_app` builds the ASGI app
(GraphQL at /graphql, health at /healthz, the built canvas at /); `schema.schema` is the schema,
exported to `schema.graphql` (checked in; a test fails when it is stale).
"""
