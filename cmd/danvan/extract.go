package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/narrative"
)

func cmdExtract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("extract", stderr)
	format := fs.String("format", "jsonl", "output: jsonl or table")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: name the .txt or .docx reports to read", errUsage)
	}
	if *format != "jsonl" && *format != "table" {
		return fmt.Errorf("%w: --format must be jsonl or table", errUsage)
	}
	ref, err := pipeline.DefaultReference()
	if err != nil {
		return err
	}
	x, err := narrative.New(ref, narrative.Options{})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	if *format == "table" {
		fmt.Fprintln(tw, "tệp\tcâu\tchỉ tiêu\tgiá trị\tmức\tkỳ\ttỉnh\tđơn vị\ttrích dẫn")
	}
	for _, path := range fs.Args() {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		figs, err := x.Extract(path, data)
		if err != nil {
			return err
		}
		for _, f := range figs {
			if *format == "table" {
				fmt.Fprintf(tw, "%s\t%d\t%s\t%v\t%s\t%s\t%s\t%s\t%s\n", path, f.SentenceIndex, f.Indicator, f.Value, f.Qualifier, f.Period, f.Province, f.District, f.Quote)
				continue
			}
			if err := enc.Encode(figureJSON{path, f.Indicator, f.Value, string(f.Qualifier), f.Unit, f.Period,
				f.Province, f.District, f.Quote, f.Sentence, f.SentenceIndex}); err != nil {
				return err
			}
		}
	}
	return tw.Flush()
}

type figureJSON struct {
	File      string  `json:"file"`
	Indicator string  `json:"indicator"`
	Value     float64 `json:"value"`
	Qualifier string  `json:"qualifier"`
	Unit      string  `json:"unit"`
	Period    string  `json:"period"`
	Province  string  `json:"province,omitempty"`
	District  string  `json:"district,omitempty"`
	Quote     string  `json:"quote"`
	Sentence  string  `json:"sentence"`
	Index     int     `json:"sentence_index"`
}
