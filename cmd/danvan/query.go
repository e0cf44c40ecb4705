package main

import (
	"context"
	"errors"
	"io"
	"net/http"
)

// Placeholder wiring until the query sandbox lands.
func cmdQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("not wired yet")
}

func cmdTables(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("not wired yet")
}

func sqlEndpoint(data string) (http.Handler, func(), error) { return nil, func() {}, nil }
