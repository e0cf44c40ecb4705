package main

import (
	"context"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/ingest"
	"github.com/danvan/danvan/pipeline/store"
)

// storeSink lets the store take what ingest produces; the two stages do not
// import each other, so they meet here.
type storeSink struct{ *store.Store }

func (s storeSink) Commit(ctx context.Context, b ingest.Batch) error {
	return s.Store.Commit(ctx, store.Batch(b))
}

// CommitStream writes a large file's records as they are validated, so
// memory stays flat whatever the file's size.
func (s storeSink) CommitStream(ctx context.Context, b *ingest.Batch, records func(yield func([]pipeline.Record) error) error) error {
	tx, err := s.Begin(b.Hash, b.SourceFile, b.SourcePath, b.IngestedAt)
	if err != nil {
		return err
	}
	add := func(recs []pipeline.Record) error {
		if len(recs) == 0 {
			tx.Flush()
			return nil
		}
		return tx.Add(recs)
	}
	if err := records(add); err != nil {
		tx.Abort()
		return err
	}
	if err := tx.Reject(b.Rejects...); err != nil {
		tx.Abort()
		return err
	}
	return tx.Commit(ctx)
}
