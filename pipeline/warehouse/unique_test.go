package warehouse_test

import (
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/danvan/danvan/pipeline/warehouse"
	"github.com/danvan/danvan/pipeline/warehouse/whtest"
	models "github.com/danvan/danvan/sql"
)

// The unique-key test (900) asks first whether the keys' hashes repeat and
// groups by the key only then: it must still name a duplicate, and only it.
func TestUniqueKeyTestFindsDuplicates(t *testing.T) {
	dir := t.TempDir()
	whtest.Write(t, dir, whtest.Batch{SourceFile: "a.csv", IngestedAt: day(1), Facts: []whtest.Fact{
		{Unit: "380", Period: "2023", Indicator: "dialogues", Value: 10},
		{Unit: "380", Period: "2023", Indicator: "contests", Value: 3},
		{Unit: "381", Period: "2023", Indicator: "dialogues", Value: 4}}})
	w := open(t, dir, warehouse.Options{})
	refresh(t, w)
	b, err := fs.ReadFile(models.FS, "900_test_stg_unique_key.sql")
	if err != nil {
		t.Fatal(err)
	}
	q := strings.TrimRight(strings.TrimSpace(string(b)), ";")
	conn, err := w.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	offences := func() []string {
		t.Helper()
		rows, err := conn.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var u, p, i, d string
			var n int64
			if err := rows.Scan(&u, &p, &i, &d, &n); err != nil {
				t.Fatal(err)
			}
			out = append(out, strings.Join([]string{u, p, i, d}, "|")+"|"+string(rune('0'+n)))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE refreshed_partitions AS
		SELECT DISTINCT province_code, year FROM stg_facts`); err != nil {
		t.Fatal(err)
	}
	if got := offences(); len(got) != 0 {
		t.Fatalf("no duplicate staged, yet: %v", got)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO stg_facts SELECT * FROM stg_facts
		WHERE unit_code = '380' AND indicator = 'dialogues'`); err != nil {
		t.Fatal(err)
	}
	if got, want := offences(), []string{"380|2023|dialogues|total|2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("one key staged twice: %v, want %v", got, want)
	}
}
