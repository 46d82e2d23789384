-- Message search over `messages.search_tsv`: the lexemes of core's
-- `searchTerms(searchableText(content))`, computed in JavaScript (core owns the folding of Arabic
-- and Latin text) and stored as a tsvector, so Postgres matches exactly what the memory store
-- matches. A row written without it (an insert path that does not compute it) is filled in by the
-- next search; the partial index finds those rows.
CREATE INDEX messages_search ON _sb_.messages USING gin (search_tsv);
CREATE INDEX messages_search_pending ON _sb_.messages (id) WHERE search_tsv IS NULL;
