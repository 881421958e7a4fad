-- What incremental story clustering needs to place a new article without
-- re-reading old ones: its vector (base64 of little-endian float32, TEXT so
-- the schema stays portable), story, date, entity keys and title.
CREATE TABLE story_index (
    article_id TEXT PRIMARY KEY,
    story_id TEXT NOT NULL,
    embedder TEXT NOT NULL,
    published TEXT,
    title TEXT,
    entities TEXT NOT NULL,
    vector TEXT NOT NULL
);
CREATE INDEX story_index_story ON story_index (story_id);
