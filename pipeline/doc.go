// Package pipeline holds danvan's domain: the reference data (administrative
// units with their dates of validity, the indicator catalogue, population),
// the rules that turn a raw report row into a validated Record, and the typed
// errors that explain, in words a clerk understands, why a row was refused.
//
// The stages (ingest, store, warehouse, export, schedule, serve) live in
// sub-packages and share these types; they do not import each other.
package pipeline
