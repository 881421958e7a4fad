-- Core schema: articles, stories, and every derived record as JSON.
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    outlet TEXT,
    title TEXT,
    byline TEXT,
    published TEXT,
    dateline TEXT,
    language TEXT,
    url TEXT,
    format TEXT,
    body TEXT NOT NULL,
    data TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_outlet ON articles (outlet);

CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    title TEXT,
    first_published TEXT,
    last_published TEXT,
    n_articles INTEGER NOT NULL,
    n_outlets INTEGER NOT NULL,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE story_articles (
    story_id TEXT NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (story_id, article_id)
);
CREATE INDEX story_articles_article ON story_articles (article_id);

-- Any Record as JSON. kind is the Corpus field it came from (quotes, claims, ...).
CREATE TABLE records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    story_id TEXT,
    article_id TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX records_story ON records (story_id, kind);
CREATE INDEX records_article ON records (article_id, kind);

CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    inputs TEXT NOT NULL,
    summary TEXT
);
