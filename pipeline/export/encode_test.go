package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// marshalled is what the outputs were before the row encoder: json.Marshal
// of the jsonValue of v.
func marshalled(t testing.TB, v any) string {
	t.Helper()
	j, err := jsonValue(v)
	if err != nil {
		t.Fatalf("jsonValue(%#v): %v", v, err)
	}
	b, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEncoderMatchesMarshal(t *testing.T) {
	huge, _ := new(big.Int).SetString("-170141183460469231731687303715884105728", 10)
	values := []any{
		nil, true, false, int8(-8), int16(300), int32(-70000), int64(math.MaxInt64), uint8(255), uint16(65535),
		uint32(math.MaxUint32), uint64(math.MaxUint64), huge,
		"", "Thanh Hóa", "Huyện Quỳnh Lưu", `<img src=x onerror=alert(1)>`, "a & b", `"quoted" \ back`,
		"tab\there\nline\rcr\bbs\fff\x00nul\x1fus\x7fdel", "\u2028\u2029", "bad \xff utf8 \xc3", "emoji 😀", "ặ ữ Đ đ",
		0.0, math.Copysign(0, -1), 1.0, -1.5, 1500.5, 123456789.125, 0.1 + 0.2, 1e-6, 9.99e-7, 1e-7, -1.5e-10,
		1e20, 1e21, 1.2345e22, math.MaxFloat64, math.SmallestNonzeroFloat64, float32(0.1), float32(1e-8),
		time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 1, 31, 23, 30, 0, 0, time.FixedZone("ICT", 7*3600)),
		[]any{"2023-H1", "2023-H2"}, []any{}, []any{1.5, nil, "<x>"}, []any{[]any{"a", int64(1)}, []any{}, true},
		[]any{map[string]any{"b": 1.0, "a": "x"}, time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)},
		map[string]any{"b": 1.0, "a": "x", "c": []any{int32(1)}},
	}
	for _, v := range values {
		got, err := appendJSONValue(nil, v)
		if err != nil {
			t.Errorf("%#v: %v", v, err)
			continue
		}
		if want := marshalled(t, v); string(got) != want {
			t.Errorf("%#v: got %s, json.Marshal gives %s", v, got, want)
		}
	}
	for _, bad := range []any{math.NaN(), math.Inf(1), math.Inf(-1), []any{math.NaN()}} {
		if _, err := appendJSONValue(nil, bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

// The whole array, from a real DuckDB query with every kind of column,
// equals what json.Marshal of each row's map wrote.
func TestWriteArrayMatchesMarshal(t *testing.T) {
	dir := t.TempDir()
	w := setup(t, dir, batchA)
	const q = `SELECT * FROM (VALUES
		('<b>Hà Tĩnh</b> & "x"', 1.5::DOUBLE, -0.0::DOUBLE, 1e-7::DOUBLE, 2e21::DOUBLE, 42::BIGINT, 7::INTEGER, true,
		 DATE '2025-07-01', ['a', 'b'], {'z': 1, 'a': 'x'}, 170141183460469231731687303715884105727::HUGEINT, NULL::VARCHAR),
		('tab	nl
', NULL, 3.25, 0.1, 1e300, -1, NULL, false, NULL, [], NULL, NULL, 'ặ')
	) t(z_text, value, neg_zero, small, big, n, i, flag, d, list, obj, huge, "Ư")`
	path := filepath.Join(t.TempDir(), "out.json")
	o, err := writeQuery(ctx, w.DB(), path, q)
	if err != nil {
		t.Fatal(err)
	}
	gotBytes, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := bytes.NewBuffer(gotBytes)
	if sum := sha256.Sum256(gotBytes); o.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("sha256 %s, the file's is %x", o.SHA256, sum)
	}

	rows, err := w.DB().QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := "["
	n := 0
	if err := eachRow(rows, func(m map[string]any) error {
		b, err := json.Marshal(m)
		if n > 0 {
			want += ","
		}
		want += "\n" + string(b)
		n++
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want += "\n]\n"
	if got.String() != want || o.Rows != 2 {
		t.Errorf("rows %d; got\n%s\nwant\n%s", o.Rows, got.String(), want)
	}
}

func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "Nghệ An", "<script>", "\x00\x1f\x7f", "\u2028", "\xff\xfe", "a\\\"b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendJSONString(nil, s)), marshalled(t, s); got != want {
			t.Errorf("%q: got %s, json.Marshal gives %s", s, got, want)
		}
	})
}

func FuzzJSONFloat(f *testing.F) {
	for _, x := range []float64{0, 1, -1.5, 1e-6, 1e-7, 1e21, 1e20, 123.456, math.MaxFloat64} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		got, err := appendJSONFloat(nil, x)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			if err == nil {
				t.Errorf("%v: no error", x)
			}
			return
		}
		if want := marshalled(t, x); string(got) != want || err != nil {
			t.Errorf("%v: got %s (%v), json.Marshal gives %s", x, got, err, want)
		}
	})
}
