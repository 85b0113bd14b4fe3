-- parley's corpus schema, the same for DuckDB and PostgreSQL (portable SQL only).
-- A document is stored once (doc_key: hash of its normalised text). Every coded event of a
-- document is a mention; mentions of the same event (same code, parties, date and place)
-- share one row of `events`, whose counts follow GDELT's (num_mentions, num_sources,
-- num_articles). Near-duplicate documents share a story_id.

CREATE TABLE documents (
    doc_key      TEXT PRIMARY KEY,       -- sha256 of the normalised text: identity, idempotence
    doc_id       TEXT NOT NULL,          -- the input's own id: path, URL or JSON Lines "id"
    source       TEXT NOT NULL,          -- publisher: JSON Lines "source", the URL's host, the feed, else "local"
    url          TEXT,
    title        TEXT,
    published    DATE,
    story_id     TEXT NOT NULL,          -- near-duplicate cluster: the doc_key of its first document
    n_chars      INTEGER NOT NULL,
    n_sentences  INTEGER NOT NULL,
    n_events     INTEGER NOT NULL,
    signature    TEXT NOT NULL,          -- MinHash signature (hex), for near-duplicate search
    ingested_at  TIMESTAMP NOT NULL
);

CREATE TABLE doc_bands (                 -- locality-sensitive hashing of the signatures
    bucket   TEXT NOT NULL,                -- band number and the hash of that band's rows
    doc_key  TEXT NOT NULL,
    PRIMARY KEY (bucket, doc_key)
);

CREATE TABLE events (
    event_key        TEXT PRIMARY KEY,   -- hash of code, parties, date, place, negation and status
    event_type       TEXT NOT NULL,      -- PLOVER type
    mode             TEXT,
    cameo            TEXT NOT NULL,
    cameo_root       TEXT NOT NULL,
    quad_class       INTEGER NOT NULL,
    goldstein        DOUBLE PRECISION NOT NULL,
    date             DATE,
    end_date         DATE,
    date_precision   TEXT,
    status           TEXT NOT NULL,
    negated          BOOLEAN NOT NULL,
    reciprocal       BOOLEAN NOT NULL,
    actor_code       TEXT,               -- the first actor and recipient, flattened for queries
    actor_country    TEXT,
    actor_sector     TEXT,
    actor_name       TEXT,
    recipient_code   TEXT,
    recipient_country TEXT,
    recipient_sector TEXT,
    recipient_name   TEXT,
    place_name       TEXT,
    place_country    TEXT,
    place_admin1     TEXT,
    place_lat        DOUBLE PRECISION,
    place_lon        DOUBLE PRECISION,
    place_geonameid  BIGINT,
    place_precision  TEXT,
    contexts         TEXT NOT NULL,      -- JSON array of PLOVER contexts
    issues           TEXT NOT NULL,      -- JSON array of issue ids
    confidence       DOUBLE PRECISION NOT NULL,   -- the highest of its mentions
    num_mentions     INTEGER NOT NULL,
    num_sources      INTEGER NOT NULL,
    num_articles     INTEGER NOT NULL,
    first_doc_key    TEXT NOT NULL,      -- the document that first reported it
    first_url        TEXT,
    added_at         TIMESTAMP NOT NULL
);

CREATE TABLE event_actors (              -- every party of an event, in order
    event_key  TEXT NOT NULL,
    role       TEXT NOT NULL,            -- 'actor' or 'recipient'
    position   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    code       TEXT,
    country    TEXT,
    sector     TEXT,
    name       TEXT,
    PRIMARY KEY (event_key, role, position)
);

CREATE TABLE event_dyads (               -- every directed (actor country, recipient country) pair
    event_key          TEXT NOT NULL,
    actor_country      TEXT NOT NULL,
    recipient_country  TEXT NOT NULL,
    PRIMARY KEY (event_key, actor_country, recipient_country)
);

CREATE TABLE mentions (                  -- every sentence that reported an event: provenance
    mention_id      TEXT PRIMARY KEY,    -- the coded event's event_id (document, sentence, trigger, code)
    event_key       TEXT NOT NULL,
    doc_key         TEXT NOT NULL,
    sentence_index  INTEGER NOT NULL,
    sentence        TEXT NOT NULL,
    sentence_start  INTEGER NOT NULL,    -- character offset of the sentence in the document
    trigger_text    TEXT NOT NULL,
    trigger_start   INTEGER NOT NULL,    -- character offsets in the document
    trigger_end     INTEGER NOT NULL,
    actors          TEXT NOT NULL,       -- JSON: the actor and recipient objects with their offsets
    date_source     TEXT,
    confidence      DOUBLE PRECISION NOT NULL,
    pattern         TEXT
);

CREATE INDEX mentions_event ON mentions (event_key);
CREATE INDEX mentions_doc ON mentions (doc_key);
CREATE INDEX events_date ON events (date);
CREATE INDEX event_dyads_pair ON event_dyads (actor_country, recipient_country);
CREATE INDEX documents_story ON documents (story_id);
