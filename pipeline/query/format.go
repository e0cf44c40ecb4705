package query

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/xuri/excelize/v2"

	"github.com/danvan/danvan/pipeline"
)

// Formats a result can be written in.
const (
	FormatTable   = "table"
	FormatCSV     = "csv"
	FormatJSON    = "json"
	FormatParquet = "parquet"
	FormatXLSX    = "xlsx"
)

// Formats lists the formats Write accepts.
var Formats = []string{FormatTable, FormatCSV, FormatJSON, FormatParquet, FormatXLSX}

// Write writes r in format to w.
func Write(w io.Writer, r *Result, format string) error {
	switch format {
	case FormatTable:
		return WriteTable(w, r)
	case FormatCSV:
		return WriteCSV(w, r)
	case FormatJSON:
		return WriteJSON(w, r)
	case FormatParquet:
		return WriteParquet(w, r)
	case FormatXLSX:
		return WriteXLSX(w, r)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// text renders a value for table and CSV output: as pipeline.CellText
// does, and lists and structs as JSON.
func text(v any) string {
	switch x := v.(type) {
	case []any, map[string]any:
		b, _ := json.Marshal(jsonValue(x))
		return string(b)
	}
	return pipeline.CellText(v)
}

// jsonValue makes a value encoding/json can write: no NaN, dates as text.
func jsonValue(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case float32:
		return jsonValue(float64(x))
	case time.Time:
		return text(x)
	case *big.Int:
		return json.Number(x.String())
	case []byte:
		return text(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonValue(e)
		}
		return out
	case nil, string, bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, int, uint:
		return x
	}
	return fmt.Sprint(v) // decimals, intervals, UUIDs, ...: their text
}

// WriteTable writes an aligned text table, for a terminal.
func WriteTable(w io.Writer, r *Result) error {
	bw := bufio.NewWriter(w)
	cells := make([][]string, len(r.Rows)+1)
	widths := make([]int, len(r.Columns))
	cells[0] = make([]string, len(r.Columns))
	for i, c := range r.Columns {
		cells[0][i] = c.Name
		widths[i] = utf8.RuneCountInString(c.Name)
	}
	for j, row := range r.Rows {
		cells[j+1] = make([]string, len(row))
		for i, v := range row {
			s := strings.ReplaceAll(text(v), "\n", " ")
			if v == nil {
				s = "NULL"
			}
			if n := utf8.RuneCountInString(s); n > 60 {
				s = string([]rune(s)[:59]) + "…"
			}
			cells[j+1][i] = s
			widths[i] = max(widths[i], utf8.RuneCountInString(s))
		}
	}
	line := func(cs []string) {
		for i, s := range cs {
			if i > 0 {
				bw.WriteString(" │ ")
			}
			bw.WriteString(s)
			if i < len(cs)-1 {
				bw.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(s)))
			}
		}
		bw.WriteString("\n")
	}
	line(cells[0])
	for i, wd := range widths {
		if i > 0 {
			bw.WriteString("─┼─")
		}
		bw.WriteString(strings.Repeat("─", wd))
	}
	bw.WriteString("\n")
	for _, c := range cells[1:] {
		line(c)
	}
	more := ""
	if r.Truncated {
		more = " (cắt bớt / truncated: raise the row limit or use --out)"
	}
	fmt.Fprintf(bw, "(%d dòng / rows%s; snapshot %s; %s)\n", len(r.Rows), more, r.Snapshot, r.Elapsed.Round(time.Millisecond))
	return bw.Flush()
}

// WriteCSV writes RFC 4180 CSV with a header line. Text cells and column
// names that a spreadsheet would run as a formula are neutralised
// (pipeline.SpreadsheetText); numbers, dates, lists and the like are
// written as they are.
func WriteCSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	rec := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		rec[i] = pipeline.SpreadsheetText(c.Name)
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for _, row := range r.Rows {
		for i, v := range row {
			if s, ok := v.(string); ok {
				rec[i] = pipeline.SpreadsheetText(s)
			} else {
				rec[i] = text(v)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// JSONResult is the JSON form of a result.
type JSONResult struct {
	Snapshot  string   `json:"snapshot"`
	Columns   []Column `json:"columns"`
	Rows      [][]any  `json:"rows"` // one array per row, in column order
	RowCount  int      `json:"row_count"`
	Truncated bool     `json:"truncated"`
	ElapsedMS int64    `json:"elapsed_ms"`
}

// WriteJSON writes the result as one JSON object (JSONResult).
func WriteJSON(w io.Writer, r *Result) error {
	out := JSONResult{Snapshot: r.Snapshot, Columns: r.Columns, Rows: make([][]any, len(r.Rows)),
		RowCount: len(r.Rows), Truncated: r.Truncated, ElapsedMS: r.Elapsed.Milliseconds()}
	if out.Columns == nil {
		out.Columns = []Column{}
	}
	for i, row := range r.Rows {
		out.Rows[i] = make([]any, len(row))
		for j, v := range row {
			out.Rows[i][j] = jsonValue(v)
		}
	}
	enc := json.NewEncoder(w)
	return enc.Encode(out)
}

// arrowType maps a DuckDB type name to the Arrow type written to Parquet;
// types without a plain Arrow match (lists, structs, decimals, ...) are
// written as their text.
func arrowType(duck string) arrow.DataType {
	switch duck {
	case "BOOLEAN":
		return arrow.FixedWidthTypes.Boolean
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER":
		return arrow.PrimitiveTypes.Int64
	case "FLOAT", "DOUBLE":
		return arrow.PrimitiveTypes.Float64
	case "DATE":
		return arrow.FixedWidthTypes.Date32
	case "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ":
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	}
	if strings.HasPrefix(duck, "DECIMAL") {
		return arrow.PrimitiveTypes.Float64
	}
	return arrow.BinaryTypes.String
}

// WriteParquet writes the result as one Parquet file (zstd).
func WriteParquet(w io.Writer, r *Result) error {
	fields := make([]arrow.Field, len(r.Columns))
	for i, c := range r.Columns {
		fields[i] = arrow.Field{Name: c.Name, Type: arrowType(c.Type), Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, row := range r.Rows {
		for i, v := range row {
			if err := appendValue(b.Field(i), v); err != nil {
				return fmt.Errorf("column %s: %w", r.Columns[i].Name, err)
			}
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd))
	fw, err := pqarrow.NewFileWriter(schema, w, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return err
	}
	if err := fw.Write(rec); err != nil {
		fw.Close()
		return err
	}
	return fw.Close()
}

func appendValue(b array.Builder, v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	switch bb := b.(type) {
	case *array.BooleanBuilder:
		x, ok := v.(bool)
		if !ok {
			return fmt.Errorf("want bool, got %T", v)
		}
		bb.Append(x)
	case *array.Int64Builder:
		switch x := v.(type) {
		case int8:
			bb.Append(int64(x))
		case int16:
			bb.Append(int64(x))
		case int32:
			bb.Append(int64(x))
		case int64:
			bb.Append(x)
		case uint8:
			bb.Append(int64(x))
		case uint16:
			bb.Append(int64(x))
		case uint32:
			bb.Append(int64(x))
		default:
			return fmt.Errorf("want integer, got %T", v)
		}
	case *array.Float64Builder:
		switch x := v.(type) {
		case float64:
			bb.Append(x)
		case float32:
			bb.Append(float64(x))
		default:
			f, err := strconv.ParseFloat(fmt.Sprint(x), 64)
			if err != nil {
				return fmt.Errorf("want number, got %T", v)
			}
			bb.Append(f)
		}
	case *array.Date32Builder:
		t, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("want date, got %T", v)
		}
		bb.Append(arrow.Date32FromTime(t))
	case *array.TimestampBuilder:
		t, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("want timestamp, got %T", v)
		}
		bb.Append(arrow.Timestamp(t.UnixMicro()))
	case *array.StringBuilder:
		bb.Append(text(v))
	default:
		return fmt.Errorf("unexpected builder %T", b)
	}
	return nil
}

// WriteXLSX writes the result as an Excel workbook, one sheet.
func WriteXLSX(w io.Writer, r *Result) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	header := make([]any, len(r.Columns))
	for i, c := range r.Columns {
		header[i] = c.Name
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for j, row := range r.Rows {
		cells := make([]any, len(row))
		for i, v := range row {
			switch x := v.(type) {
			case nil, bool, int8, int16, int32, int64, uint8, uint16, uint32, float32:
				cells[i] = x
			case float64:
				if math.IsNaN(x) || math.IsInf(x, 0) {
					cells[i] = nil
				} else {
					cells[i] = x
				}
			default:
				cells[i] = text(v)
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, j+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
