package export

// A row encoder for the JSON outputs that writes exactly the bytes
// json.Marshal writes for the row as a map[string]any of jsonValue values
// (keys sorted, HTML-safe escaping, the same float format) without building
// the map: unit_year.json and the sources files are tens of thousands of
// rows, and an incremental refresh rewrites them. encode_test.go checks it
// against json.Marshal.

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"
)

// rowEncoder appends the JSON object of one row.
type rowEncoder struct {
	order []int    // column indexes in key order
	keys  [][]byte // per position of order: `{"key":` or `,"key":`
	vals  []any
	ptrs  []any
}

func newRowEncoder(cols []string) *rowEncoder {
	e := &rowEncoder{order: make([]int, len(cols)), vals: make([]any, len(cols)), ptrs: make([]any, len(cols))}
	for i := range cols {
		e.order[i] = i
		e.ptrs[i] = &e.vals[i]
	}
	sort.SliceStable(e.order, func(a, b int) bool { return cols[e.order[a]] < cols[e.order[b]] })
	for n, i := range e.order {
		sep := byte(',')
		if n == 0 {
			sep = '{'
		}
		e.keys = append(e.keys, appendJSONString([]byte{sep}, cols[i]))
		e.keys[n] = append(e.keys[n], ':')
	}
	return e
}

// appendRow scans the current row of rows and appends its object to b.
func (e *rowEncoder) appendRow(b []byte, rows *sql.Rows, cols []string) ([]byte, error) {
	if err := rows.Scan(e.ptrs...); err != nil {
		return b, err
	}
	return e.appendScanned(b, cols)
}

// appendScanned appends the object of the values last scanned into e.ptrs.
func (e *rowEncoder) appendScanned(b []byte, cols []string) ([]byte, error) {
	if len(e.order) == 0 {
		return append(b, "{}"...), nil
	}
	for n, i := range e.order {
		b = append(b, e.keys[n]...)
		var err error
		if b, err = appendJSONValue(b, e.vals[i]); err != nil {
			return b, fmt.Errorf("column %s: %w", cols[i], err)
		}
	}
	return append(b, '}'), nil
}

// appendJSONValue appends v as json.Marshal(jsonValue(v)) would.
func appendJSONValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendJSONString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int8:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case uint8:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint16:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint32:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint64:
		return strconv.AppendUint(b, x, 10), nil
	case float32:
		return appendJSONFloat(b, float64(x))
	case float64:
		return appendJSONFloat(b, x)
	case *big.Int:
		return x.Append(b, 10), nil
	case time.Time:
		return append(x.UTC().AppendFormat(append(b, '"'), "2006-01-02"), '"'), nil
	case []any:
		// Lists: two a row of unit_year.json (periods, periods_lacking),
		// ~30,000 json.Marshal calls for the demo's history before.
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSONValue(b, e); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	}
	// Structs: rare and small, the general way.
	j, err := jsonValue(v)
	if err != nil {
		return b, err
	}
	m, err := json.Marshal(j)
	if err != nil {
		return b, err
	}
	return append(b, m...), nil
}

// appendJSONFloat formats like encoding/json (shortest repr, exponent only
// for very small or large magnitudes), with -0 written as 0.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, fmt.Errorf("not a finite number: %v", f)
	}
	if f == 0 {
		return append(b, '0'), nil
	}
	format := byte('f')
	if abs := math.Abs(f); abs < 1e-6 || abs >= 1e21 {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 -> e-9, as encoding/json does
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// appendJSONString quotes s as encoding/json does by default: <, > and &
// escaped for HTML, U+2028 and U+2029 escaped, invalid UTF-8 replaced.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
