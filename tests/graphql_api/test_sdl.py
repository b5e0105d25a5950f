from graphql_api.schema import SDL_PATH, sdl


def test_checked_in_sdl_matches_the_schema() -> None:
    assert SDL_PATH.read_text() == sdl(), (
        "graphql_api/schema.graphql is stale: run `.venv/bin/python -m graphql_api.schema`"
    )
