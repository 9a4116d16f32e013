-- Circle content is sealed at rest: each circle's data key, wrapped by the
-- master key (never stored unwrapped). Circles made before this get theirs,
-- and their content is sealed, by the start-up step in Go (sealing_migrate.go),
-- since SQL cannot make keys.
ALTER TABLE circles ADD COLUMN data_key TEXT;
