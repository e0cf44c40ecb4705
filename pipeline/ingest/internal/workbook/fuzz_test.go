package workbook

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"
)

// FuzzAsExcelize writes a workbook of the fuzzer's cells with excelize (its
// texts, numbers and booleans, at the positions it picks, as shared or
// inline strings) and holds this reader to excelize's GetRows and
// GetCellType on it: an independent reader of the same files.
func FuzzAsExcelize(f *testing.F) {
	f.Add([]byte("\x01\x01tinh\x00\x02\x01\x05\x00\x00\x00\x03\x03\x01"), false)
	f.Add([]byte("\x05\x09Hà Tĩnh _x000D_ <&>\x00\xff\x40\x02"), true)
	f.Fuzz(func(t *testing.T, data []byte, stream bool) {
		xf := excelize.NewFile()
		defer xf.Close()
		var sw *excelize.StreamWriter
		if stream {
			var err error
			if sw, err = xf.NewStreamWriter("Sheet1"); err != nil {
				t.Fatal(err)
			}
		}
		row := 0
		for len(data) >= 3 && row < 200 {
			row += 1 + int(data[0]%4)
			col := 1 + int(data[1]%40)
			kind := data[2] % 4
			data = data[3:]
			var v any
			switch kind {
			case 0: // a text up to the next NUL
				end := bytes.IndexByte(data, 0)
				if end < 0 {
					end = len(data)
				}
				v = string(bytes.ToValidUTF8(data[:end], nil))
				data = data[min(end+1, len(data)):]
			case 1:
				if len(data) < 8 {
					return
				}
				v = float64(int64(binary.LittleEndian.Uint64(data))%1e12) / 1000
				data = data[8:]
			case 2:
				v = row%2 == 0
			case 3:
				v = row * col
			}
			cell, _ := excelize.CoordinatesToCellName(col, row)
			var err error
			if sw != nil {
				err = sw.SetRow(cell, []any{v})
			} else {
				err = xf.SetCellValue("Sheet1", cell, v)
			}
			if err != nil {
				return // excelize refuses the value (a text too long, a row out of order)
			}
		}
		if sw != nil {
			if err := sw.Flush(); err != nil {
				return
			}
		}
		var buf bytes.Buffer
		if err := xf.Write(&buf); err != nil {
			t.Fatal(err)
		}
		wantNames, wantGrids, wantKinds := excelizeRead(t, buf.Bytes())
		names, grids, kinds, _, err := read(t, buf.Bytes(), Limits{})
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if fmt.Sprint(names) != fmt.Sprint(wantNames) {
			t.Fatalf("sheets %q, want %q", names, wantNames)
		}
		compare(t, names, grids, kinds, wantGrids, wantKinds)
	})
}

// FuzzBytes: any bytes are read or refused with an error, within the
// limits, never a panic.
func FuzzBytes(f *testing.F) {
	f.Add(sample(f))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := Limits{Unzipped: 1 << 20, SharedStrings: 1000, SharedBytes: 1 << 16, Token: 4096}
		b, err := Open(bytes.NewReader(data), int64(len(data)), lim)
		if err != nil {
			return
		}
		for i := range b.Sheets() {
			rows, err := b.Rows(i)
			if err != nil {
				continue
			}
			rows.KeepMerges()
			for rows.Next() {
				for _, c := range rows.Cells() {
					if c.Col < 1 || c.Col > maxCol || len(c.Text) > 1<<20 {
						t.Fatalf("cell %+v", c)
					}
				}
			}
		}
	})
}
