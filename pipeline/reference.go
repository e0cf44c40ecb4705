package pipeline

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ReferenceFiles are the reference CSVs compiled into the binary. They are
// data, so the catalogue can grow without a code change.
//
//go:embed reference/*.csv
var ReferenceFiles embed.FS

// Level is the administrative level of a unit.
type Level string

const (
	LevelProvince Level = "province"
	LevelDistrict Level = "district"
	LevelCommune  Level = "commune"
)

// ReformDate is the day the district level ended and communes were merged.
var ReformDate = date(2025, 7, 1)

// Unit is one version of an administrative unit. A unit whose type or name
// changed (Sầm Sơn became a city in 2017) has one version per form, all with
// the same code. Communes created on 2025-07-01 reuse old codes with other
// names, so a code alone never identifies a unit: code and date do.
type Unit struct {
	Code         string
	Name         string // canonical, NFC, without the type word
	Type         string // tinh, thanh_pho, thi_xa, huyen, phuong, xa, thi_tran
	Level        Level
	ProvinceCode string
	ParentCode   string    // the district of a pre-2025 commune
	From, To     time.Time // inclusive; zero means open
	// Index is this version's place in Reference.Units, CodeIndex its
	// code's place among the reference's codes (versions of a code share
	// it): numbers from 0 the reference gives at load, so later stages keep
	// what they learn of a unit in a table rather than a map.
	Index, CodeIndex int
}

// ValidOn reports whether this version existed on day d.
func (u *Unit) ValidOn(d time.Time) bool {
	return (u.From.IsZero() || !d.Before(u.From)) && (u.To.IsZero() || !d.After(u.To))
}

// Indicator is an entry of the catalogue (reference/indicators.csv).
type Indicator struct {
	Code      string
	LabelVI   string
	LabelEN   string
	Unit      string // mô hình, m², đồng, ...
	UnitEN    string // the unit in English: models, m², VND, ...
	Kind      string // flow or stock
	Integer   bool   // counts must be whole numbers
	Dimension string // the disaggregation dimension allowed ("field", "level") or ""
	MaxOf     string // this value may not exceed the same key's value of that indicator
	Aliases   []string
	Index     int // place in Reference.Indicators, from 0
}

// Disaggregation is an allowed breakdown value of a dimension.
type Disaggregation struct {
	Dimension, Code, LabelVI, LabelEN string
	Aliases                           []string
	// Index numbers the breakdown codes from 1 (0 is Total); a code
	// allowed in two dimensions has one Index. See Reference.Breakdown.
	Index int
}

// Population is a census count for a district.
type Population struct {
	UnitCode string
	Year     int
	Value    int64
	Source   string
}

// Lineage links a post-2025 commune to a pre-2025 commune it absorbed.
type Lineage struct {
	NewCode, OldCode, MergeType, Resolution string
}

// NameVariant is another spelling of a unit's name seen in official texts.
type NameVariant struct {
	Level   Level
	Code    string
	Variant string
}

// Reference is everything rows are checked against.
type Reference struct {
	Units           []*Unit // provinces, districts, communes; every version
	Indicators      []*Indicator
	Disaggregations []*Disaggregation
	Population      []Population
	Lineage         []Lineage
	NameVariants    []NameVariant
	indicators      map[string]*Indicator
	breakdowns      map[string]int
	names           *sharedNames // the Resolvers' index, built on first use (resolve.go)
	provinces       []*Unit      // the Units of LevelProvince, in code order
}

// Indicator returns the catalogue entry with the given code, or nil.
func (r *Reference) Indicator(code string) *Indicator { return r.indicators[code] }

// Breakdown returns the index of a disaggregation code: 0 for Total, the
// Disaggregation's Index for the others; false for a code the reference
// does not have.
func (r *Reference) Breakdown(code string) (int, bool) {
	if code == Total {
		return 0, true
	}
	i, ok := r.breakdowns[code]
	return i, ok
}

// Provinces returns the three provinces in code order. The slice is the
// Reference's own, made once when it is loaded (the form reader asks for it
// for every title and unit name it looks up, and each call went through
// all ~1,600 units): read it, do not change it.
func (r *Reference) Provinces() []*Unit {
	if r.provinces == nil {
		return provincesOf(r.Units)
	}
	return slices.Clip(r.provinces)
}

func provincesOf(units []*Unit) []*Unit {
	var out []*Unit
	for _, u := range units {
		if u.Level == LevelProvince {
			out = append(out, u)
		}
	}
	return out
}

// UnitsOn returns the units of a level in a province that existed on day d,
// in code order.
func (r *Reference) UnitsOn(province string, level Level, d time.Time) []*Unit {
	var out []*Unit
	for _, u := range r.Units {
		if u.ProvinceCode == province && u.Level == level && u.ValidOn(d) {
			out = append(out, u)
		}
	}
	return out
}

// DefaultReference is the embedded reference data, made from the tables in
// reference_table.go: what LoadReference reads from reference/*.csv (the
// one home of the data), turned into Go at build time (go generate) so
// that no process parses the CSVs at its start; that was ~5 % of a
// per-unit workbook's whole ingest. TestReferenceTable holds the table to
// the CSVs. The error is always nil; it stays for the callers that load a
// reference from files.
//
//go:generate env DANVAN_WRITE_REFERENCE_TABLE=1 go test -count=1 -run ^TestReferenceTable$ .
func DefaultReference() (*Reference, error) {
	ref := &Reference{
		indicators: make(map[string]*Indicator, len(tableIndicators)),
		breakdowns: make(map[string]int, len(tableDisaggregations)),
		names:      &sharedNames{},
		// The rows of these three are read, never changed: each Reference
		// shares the table's (clipped, so an append copies).
		Population:   tablePopulation[:len(tablePopulation):len(tablePopulation)],
		Lineage:      tableLineage[:len(tableLineage):len(tableLineage)],
		NameVariants: tableNameVariants[:len(tableNameVariants):len(tableNameVariants)],
	}
	// Units and catalogue entries are each Reference's own, in one
	// allocation per kind.
	units := make([]Unit, len(tableUnits))
	ref.Units = make([]*Unit, len(tableUnits))
	code := -1
	for i := range tableUnits {
		r := &tableUnits[i]
		if i == 0 || r.code != tableUnits[i-1].code {
			code++
		}
		units[i] = Unit{
			Code: r.code, Name: r.name, Type: r.typ, Level: r.level, ProvinceCode: r.province, ParentCode: r.parent,
			From: tableDay(r.from), To: tableDay(r.to), Index: i, CodeIndex: code,
		}
		ref.Units[i] = &units[i]
	}
	indicators := make([]Indicator, len(tableIndicators))
	ref.Indicators = make([]*Indicator, len(tableIndicators))
	for i := range tableIndicators {
		ind := &indicators[i]
		*ind = tableIndicators[i]
		ind.Aliases, ind.Index = slices.Clone(ind.Aliases), i
		ref.Indicators[i] = ind
		ref.indicators[ind.Code] = ind
	}
	disaggs := make([]Disaggregation, len(tableDisaggregations))
	ref.Disaggregations = make([]*Disaggregation, len(tableDisaggregations))
	for i := range tableDisaggregations {
		d := &disaggs[i]
		*d = tableDisaggregations[i]
		d.Aliases = slices.Clone(d.Aliases)
		ref.Disaggregations[i] = d
		ref.breakdowns[d.Code] = d.Index
	}
	ref.provinces = provincesOf(ref.Units)
	return ref, nil
}

// unitRow is a Unit in reference_table.go, its days as yyyymmdd (0: open).
type unitRow struct {
	code, name, typ  string
	level            Level
	province, parent string
	from, to         int32
}

// tableDay is the day of a unitRow as LoadReference reads it (UTC midnight).
func tableDay(d int32) time.Time {
	if d == 0 {
		return time.Time{}
	}
	return date(int(d/10000), time.Month(d/100%100), int(d%100))
}

// LoadReference reads the reference CSVs from fsys.
func LoadReference(fsys fs.FS) (*Reference, error) {
	ref := &Reference{indicators: map[string]*Indicator{}, breakdowns: map[string]int{}, names: &sharedNames{}}
	provinces := map[string]*Unit{}
	err := readCSV(fsys, "units_pre2025.csv", func(c cols) error {
		code := c.get("province_code")
		if provinces[code] == nil {
			provinces[code] = &Unit{Code: code, Name: c.get("province_name"), Type: "tinh", Level: LevelProvince, ProvinceCode: code}
			ref.Units = append(ref.Units, provinces[code])
		}
		from, to, err := c.dates("valid_from", "valid_to")
		ref.Units = append(ref.Units, &Unit{
			Code: c.get("district_code"), Name: c.get("district_name"), Type: c.get("district_type"),
			Level: LevelDistrict, ProvinceCode: code, ParentCode: code, From: from, To: to,
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	lastDistrictDay := ReformDate.AddDate(0, 0, -1)
	err = readCSV(fsys, "communes_pre2025.csv", func(c cols) error {
		ref.Units = append(ref.Units, &Unit{
			Code: c.get("commune_code"), Name: c.get("commune_name"), Type: c.get("commune_type"),
			Level: LevelCommune, ProvinceCode: c.get("province_code"), ParentCode: c.get("district_code"),
			To: lastDistrictDay,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV(fsys, "communes_2025.csv", func(c cols) error {
		from, _, err := c.dates("valid_from", "")
		ref.Units = append(ref.Units, &Unit{
			Code: c.get("commune_code"), Name: c.get("commune_name"), Type: c.get("commune_type"),
			Level: LevelCommune, ProvinceCode: c.get("province_code"), ParentCode: c.get("province_code"), From: from,
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	err = readCSV(fsys, "indicators.csv", func(c cols) error {
		ind := &Indicator{
			Code: c.get("code"), LabelVI: c.get("label_vi"), LabelEN: c.get("label_en"), Unit: c.get("unit"), UnitEN: c.get("unit_en"),
			Kind: c.get("kind"), Integer: c.get("integer") == "true", Dimension: c.get("dimension"),
			MaxOf: c.get("max_of"), Aliases: c.list("aliases"), Index: len(ref.Indicators),
		}
		ref.Indicators = append(ref.Indicators, ind)
		ref.indicators[ind.Code] = ind
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV(fsys, "disaggregations.csv", func(c cols) error {
		d := &Disaggregation{
			Dimension: c.get("dimension"), Code: c.get("code"), LabelVI: c.get("label_vi"),
			LabelEN: c.get("label_en"), Aliases: c.list("aliases"),
		}
		if d.Code == Total {
			return fmt.Errorf("disaggregation code %q is reserved for the undivided value", Total)
		}
		if i, ok := ref.breakdowns[d.Code]; ok {
			d.Index = i
		} else {
			d.Index = len(ref.breakdowns) + 1
			ref.breakdowns[d.Code] = d.Index
		}
		ref.Disaggregations = append(ref.Disaggregations, d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV(fsys, "population.csv", func(c cols) error {
		y, err1 := strconv.Atoi(c.get("year"))
		v, err2 := strconv.ParseInt(c.get("population"), 10, 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("bad year or population %q %q", c.get("year"), c.get("population"))
		}
		ref.Population = append(ref.Population, Population{c.get("district_code"), y, v, c.get("source")})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV(fsys, "commune_lineage_2025.csv", func(c cols) error {
		ref.Lineage = append(ref.Lineage, Lineage{c.get("new_commune_code"), c.get("old_commune_code"), c.get("merge_type"), c.get("resolution")})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV(fsys, "name_variants.csv", func(c cols) error {
		ref.NameVariants = append(ref.NameVariants, NameVariant{Level(c.get("level")), c.get("code"), c.get("variant_spelling")})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, ind := range ref.Indicators {
		if ind.MaxOf != "" && ref.indicators[ind.MaxOf] == nil {
			return nil, fmt.Errorf("indicators.csv: %s: max_of names unknown indicator %q", ind.Code, ind.MaxOf)
		}
	}
	// In code order, units of one code in the order read: pdqsort with the
	// order read as the tie-break (a stable sort's merges were a seventh of
	// loading the reference).
	for i, u := range ref.Units {
		u.Index = i
	}
	slices.SortFunc(ref.Units, func(a, b *Unit) int {
		if c := strings.Compare(a.Code, b.Code); c != 0 {
			return c
		}
		return a.Index - b.Index
	})
	code := -1
	for i, u := range ref.Units {
		if i == 0 || u.Code != ref.Units[i-1].Code {
			code++
		}
		u.Index, u.CodeIndex = i, code
	}
	ref.provinces = provincesOf(ref.Units)
	return ref, nil
}

// cols is one CSV record addressed by header name.
type cols struct {
	header map[string]int
	rec    []string
}

func (c cols) get(name string) string {
	if i, ok := c.header[name]; ok && i < len(c.rec) {
		return strings.TrimSpace(c.rec[i])
	}
	return ""
}

func (c cols) list(name string) []string {
	var out []string
	for _, s := range strings.Split(c.get(name), ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (c cols) dates(from, to string) (f, t time.Time, err error) {
	parse := func(name string) (time.Time, error) {
		s := c.get(name)
		if s == "" {
			return time.Time{}, nil
		}
		return time.Parse("2006-01-02", s)
	}
	if f, err = parse(from); err != nil {
		return
	}
	t, err = parse(to)
	return
}

func readCSV(fsys fs.FS, name string, each func(cols) error) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("open reference %s: %w", name, err)
	}
	text := string(data)
	recs, ok := plainRecords(text)
	if !ok {
		recs, err = csv.NewReader(strings.NewReader(text)).ReadAll()
		if err != nil {
			return fmt.Errorf("read reference %s: %w", name, err)
		}
	}
	if len(recs) == 0 {
		return fmt.Errorf("read reference %s: %w", name, io.EOF)
	}
	c := cols{header: map[string]int{}}
	for i, h := range recs[0] {
		c.header[h] = i
	}
	for i, rec := range recs[1:] {
		c.rec = rec
		if err := each(c); err != nil {
			return fmt.Errorf("reference %s line %d: %w", name, i+2, err)
		}
	}
	return nil
}

// plainRecords reads a CSV text without a quote as encoding/csv does (a
// line ends at LF or CRLF, a CR at the end of the text is dropped, empty
// lines are skipped, every record has the
// first one's number of fields), its fields cut out of text itself: the
// reference is read at the start of every ingest, and encoding/csv's
// string per line and slice per record were ~1 ms of its CPU (1,182 and
// 1,168 lines in the two largest files). ok is false when text holds a
// quote or a record of another length: encoding/csv reads it then.
func plainRecords(text string) (recs [][]string, ok bool) {
	if strings.IndexByte(text, '"') >= 0 {
		return nil, false
	}
	lines := strings.Count(text, "\n") + 1
	fields := strings.Count(text, ",") + lines
	all := make([]string, 0, fields)
	recs = make([][]string, 0, lines)
	for rest := text; rest != ""; {
		line, after, _ := strings.Cut(rest, "\n")
		rest = after
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		start := len(all)
		for {
			f, more, cut := strings.Cut(line, ",")
			all = append(all, f)
			if !cut {
				break
			}
			line = more
		}
		rec := all[start:len(all):len(all)]
		if len(recs) > 0 && len(rec) != len(recs[0]) {
			return nil, false
		}
		recs = append(recs, rec)
	}
	return recs, true
}
