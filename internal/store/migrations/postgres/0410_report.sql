-- Operating metrics (report): the buckets whose rollups must be
-- recomputed, and the worker's watermarks. The rollup tables themselves
-- follow in the next step.
CREATE TABLE rep_dirty (
    kind TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    PRIMARY KEY (kind, bucket)
);
