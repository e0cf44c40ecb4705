package demo

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/danvan/danvan/pipeline"
)

// longKey is an indicator with one of its allowed breakdowns ("" = total).
type longKey struct {
	ind *pipeline.Indicator
	dis string
}

// unitPeriod is a unit with a period it existed throughout.
type unitPeriod struct {
	prov, unit *pipeline.Unit
	unitText   string
	p          pipeline.Period
	pText      string
	scale      float64 // activity of the unit over the period (1 = average district-year)
}

// longSpace is every value key LongCSV can write: the units of the
// reference with every period of 2010-2025 they existed throughout
// (years, halves, quarters, months, multi-year ranges, "to date" months),
// times every indicator and allowed breakdown.
type longSpace struct {
	ups  []unitPeriod
	keys []longKey
}

// longPeriods are the candidate periods, 2010 to 2025.
func longPeriods() []pipeline.Period {
	var ps []pipeline.Period
	for y := 2010; y <= 2025; y++ {
		ps = append(ps, pipeline.YearPeriod(y), pipeline.HalfPeriod(y, 1), pipeline.HalfPeriod(y, 2))
		for q := 1; q <= 4; q++ {
			ps = append(ps, pipeline.QuarterPeriod(y, q))
		}
		for m := time.January; m <= time.December; m++ {
			ps = append(ps, pipeline.MonthPeriod(y, m), pipeline.ToDatePeriod(y, m))
		}
		for to := y + 1; to <= 2025; to++ {
			ps = append(ps, pipeline.RangePeriod(y, to))
		}
	}
	return ps
}

func newLongSpace(ref *pipeline.Reference, rng *rand.Rand) *longSpace {
	res := pipeline.NewResolver(ref)
	sp := &speller{ref: ref, res: res, rng: rng}
	periods := longPeriods()
	s := &longSpace{}
	for _, ind := range ref.Indicators {
		s.keys = append(s.keys, longKey{ind: ind})
		for _, d := range ref.Disaggregations {
			if d.Dimension == ind.Dimension && ind.Dimension != "" {
				s.keys = append(s.keys, longKey{ind: ind, dis: d.Code})
			}
		}
	}
	// The span of each code's versions, to skip the periods a unit plainly
	// did not cover before asking the Resolver, which is slow to say no.
	type span struct{ from, to time.Time }
	spans := map[string]span{}
	reportingUnit := func(u *pipeline.Unit) bool {
		return u.Level == pipeline.LevelProvince || u.Level == pipeline.LevelDistrict ||
			(u.Level == pipeline.LevelCommune && u.From.Equal(pipeline.ReformDate))
	}
	for _, u := range ref.Units {
		if !reportingUnit(u) {
			continue // pre-2025 communes share codes with new ones
		}
		id := string(u.Level) + u.Code
		sp, ok := spans[id]
		if !ok || u.From.IsZero() || (!sp.from.IsZero() && u.From.Before(sp.from)) {
			sp.from = u.From
		}
		if !ok || u.To.IsZero() || (!sp.to.IsZero() && u.To.After(sp.to)) {
			sp.to = u.To
		}
		spans[id] = sp
	}
	seen := map[string]bool{}
	names := map[*pipeline.Unit]string{} // one spelling per version of a unit
	for _, u := range ref.Units {
		id := string(u.Level) + u.Code
		if !reportingUnit(u) || seen[id] {
			continue
		}
		seen[id] = true
		prov := sp.province(u.ProvinceCode)
		scale := map[pipeline.Level]float64{pipeline.LevelProvince: 25, pipeline.LevelDistrict: 1, pipeline.LevelCommune: 0.2}[u.Level]
		scale *= 0.6 + 0.8*rng.Float64()
		for _, p := range periods {
			life := spans[id]
			if (!life.to.IsZero() && p.End.After(life.to)) || (!life.from.IsZero() && p.End.Before(life.from)) ||
				(p.Type != pipeline.ToDate && !life.from.IsZero() && p.Start.Before(life.from)) {
				continue
			}
			v := prov
			if u.Level != pipeline.LevelProvince {
				var pr *pipeline.Problem
				if v, pr = res.Unit(prov, u.Code, p); pr != nil {
					continue
				}
			}
			years := float64(p.End.Sub(p.Start).Hours()/24+1) / 365
			if p.Type == pipeline.ToDate {
				years = 3 + 2*rng.Float64() // since the movement started, roughly
			}
			text, ok := names[v]
			if !ok && u.Level != pipeline.LevelProvince {
				// Typed ("huyện Kỳ Anh") stays unambiguous in every period.
				text = sp.unitName(v, p, nameTyped)
				names[v] = text
			}
			s.ups = append(s.ups, unitPeriod{prov: prov, unit: v, unitText: text, p: p, pText: p.Code, scale: scale * years})
		}
	}
	return s
}

// LongCSVCapacity is the largest number of rows LongCSV can write with
// unique value keys.
func LongCSVCapacity() (int, error) {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		return 0, err
	}
	s := newLongSpace(ref, rand.New(rand.NewPCG(0, 0)))
	return len(s.ups) * len(s.keys), nil
}

// LongCSV streams a valid long-table CSV (UTF-8, comma, ASCII header) of
// rows values for benchmarks: every row's value key (unit, period,
// indicator, breakdown) is distinct, units exist throughout their periods,
// counts are whole and recognized ≤ effective ≤ registered holds. The same
// seed gives the same bytes. Keys are visited in a seeded stride order,
// so memory does not grow with rows. It fails when rows exceeds
// LongCSVCapacity, rather than repeat a key.
func LongCSV(w io.Writer, rows int, seed uint64) error {
	ref, err := pipeline.DefaultReference()
	if err != nil {
		return fmt.Errorf("load reference: %w", err)
	}
	s := newLongSpace(ref, rand.New(rand.NewPCG(seed, 3)))
	capacity := uint64(len(s.ups)) * uint64(len(s.keys))
	if rows < 0 || uint64(rows) > capacity {
		return fmt.Errorf("long csv: %d rows asked, but the reference allows %d distinct value keys; write several files", rows, capacity)
	}
	// A stride coprime with the capacity visits every key once.
	rng := rand.New(rand.NewPCG(seed, 4))
	stride := capacity/2 + rng.Uint64N(capacity/3+1) | 1
	for gcd(stride, capacity) != 1 {
		stride += 2
	}
	idx := rng.Uint64N(capacity)
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	header := longHeaders["ascii"]
	if err := cw.Write(header[:]); err != nil {
		return err
	}
	rec := make([]string, 8)
	for i := 0; i < rows; i++ {
		up := &s.ups[idx/uint64(len(s.keys))]
		k := s.keys[idx%uint64(len(s.keys))]
		v := longValue(seed, idx/uint64(len(s.keys)), up.scale, k)
		val := plain(v)
		if i%3 == 0 {
			val = vnNumber(v)
		}
		rec[0], rec[1], rec[2], rec[3], rec[4] = up.prov.Name, up.unitText, up.pText, k.ind.Code, k.dis
		rec[5], rec[6], rec[7] = val, Note, up.p.End.AddDate(0, 0, 1+int(idx%15)).Format("2006-01-02")
		if err := cw.Write(rec); err != nil {
			return err
		}
		idx = (idx + stride) % capacity
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// mix is splitmix64: a value drawn from a key without any state.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func unit01(x uint64) float64 { return float64(x>>11) / (1 << 53) }

// longValue is the value of one key, a pure function of the key so that
// related keys (registered and recognized of one unit, period and field)
// agree with the catalogue rules in whatever order they are written.
func longValue(seed, up uint64, scale float64, k longKey) float64 {
	h := func(salt string) float64 {
		x := mix(seed ^ mix(up))
		for _, c := range salt + "|" + k.dis {
			x = mix(x ^ uint64(c))
		}
		return unit01(x)
	}
	share := 1.0
	if k.dis != "" {
		share = 0.1 + 0.3*h("share")
	}
	base := map[string]float64{
		"models_registered": 40, "models_effective": 40, "models_recognized": 40, "models_total": 45,
		"exemplars_collective": 12, "exemplars_individual": 17, "exemplars_total": 29, "dialogues": 26,
		"contests": 2.6, "contest_teams": 20, "awards_collective": 8, "awards_individual": 12,
		"land_donated_m2": 14000, "funds_mobilized_vnd": 2100, "workdays_contributed": 3400,
	}[k.ind.Code]
	reg := math.Round(40 * scale * share * (0.7 + 0.6*h("registered")))
	switch k.ind.Code {
	case "models_registered":
		return reg
	case "models_recognized":
		return math.Floor(reg * (0.6 + 0.3*h("recognized")))
	case "models_effective":
		rec := math.Floor(reg * (0.6 + 0.3*h("recognized")))
		return rec + math.Floor((reg-rec)*h("effective"))
	case "funds_mobilized_vnd":
		return math.Round(base*scale*share*(0.5+h(k.ind.Code))) * 1e6
	}
	v := base * scale * share * (0.5 + h(k.ind.Code))
	if k.ind.Integer || k.ind.Code == "land_donated_m2" || k.ind.Code == "workdays_contributed" {
		return math.Round(v)
	}
	return v
}
