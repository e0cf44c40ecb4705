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
	explain := fs.Bool("explain", false, "say on stderr why each number that is not a figure was left out")
	evalDir := fs.String("eval", "", "score the extraction of the .txt/.docx documents of `DIR` against DIR/expected.jsonl")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts := narrative.Options{}
	if *explain {
		opts.Explain = stderr
	}
	if *evalDir != "" {
		if fs.NArg() > 0 {
			return fmt.Errorf("%w: --eval reads the documents of its folder; name no files beside it", errUsage)
		}
		return evaluate(*evalDir, stdout, opts)
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
	x, err := narrative.New(ref, opts)
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

// evaluate prints precision, recall, and the misses and false finds by
// indicator of the extraction of a folder with an answer key.
func evaluate(dir string, stdout io.Writer, opts narrative.Options) error {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		return err
	}
	x, err := narrative.New(ref, opts)
	if err != nil {
		return err
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%w: --eval %s: not a folder", errUsage, dir)
	}
	v, err := x.EvaluateDir(os.DirFS(dir))
	if err != nil {
		return fmt.Errorf("evaluate %s: %w", dir, err)
	}
	return v.Write(stdout)
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
