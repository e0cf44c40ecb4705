package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/danvan/danvan/pipeline"
)

// value is one figure of a report: indicator code, disaggregation code
// ("" for the total) and the number, with its qualifier when not exact.
type value struct {
	ind, dis string
	v        float64
	q        pipeline.Qualifier
}

// report is what one unit reported for one period. unit is the province
// itself for a province-level report.
type report struct {
	prov      *pipeline.Unit
	unit      *pipeline.Unit
	period    pipeline.Period
	submitted time.Time
	values    []value
}

func (r *report) provinceLevel() bool { return r.unit.Level == pipeline.LevelProvince }

// get returns the value of ind/dis, or false.
func (r *report) get(ind, dis string) (float64, bool) {
	for _, v := range r.values {
		if v.ind == ind && v.dis == dis {
			return v.v, true
		}
	}
	return 0, false
}

// The indicators every demo report carries, in the order forms list them.
// models_total and exemplars_total are left out: they mix flows and stocks.
var demoIndicators = []string{
	"models_registered", "models_recognized", "models_effective",
	"exemplars_collective", "exemplars_individual",
	"dialogues", "contests", "contest_teams",
	"awards_collective", "awards_individual",
	"land_donated_m2", "funds_mobilized_vnd", "workdays_contributed",
}

// Field and level breakdowns used by the demo (nông thôn mới is left to
// the large CSV generator).
var (
	fields      = []string{"kinh_te", "van_hoa_xa_hoi", "quoc_phong_an_ninh", "xay_dung_he_thong_chinh_tri"}
	fieldWeight = []float64{0.42, 0.28, 0.12, 0.18}
	levels      = []string{"cap_co_so", "cap_tinh", "trung_uong"}
)

// provinceParams are what makes the three provinces differ: overall level,
// yearly growth of the movement.
type provinceParams struct {
	factor, growth float64
}

var params = map[string]provinceParams{
	"38": {1.00, 1.05},
	"40": {0.92, 1.04},
	"42": {1.22, 1.07},
}

// covid damps gatherings in 2020 and 2021.
func covid(ind string, y int) float64 {
	switch {
	case ind == "dialogues" && y == 2020:
		return 0.65
	case ind == "dialogues" && y == 2021:
		return 0.78
	case (ind == "contests" || ind == "contest_teams") && y == 2020:
		return 0.5
	case (ind == "contests" || ind == "contest_teams") && y == 2021:
		return 0.6
	}
	return 1
}

// split divides total into parts by weights (perturbed), whole numbers
// that add up to total exactly.
func split(rng *rand.Rand, total int, weights []float64) []int {
	w := make([]float64, len(weights))
	sum := 0.0
	for i, x := range weights {
		w[i] = x * (0.75 + 0.5*rng.Float64())
		sum += w[i]
	}
	out := make([]int, len(w))
	given := 0
	for i := range w {
		out[i] = int(math.Floor(float64(total) * w[i] / sum))
		given += out[i]
	}
	// Remainders go to the largest parts, which is how clerks round.
	for i := 0; given < total; i = (i + 1) % len(out) {
		out[i]++
		given++
	}
	return out
}

func between(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

// values draws one full report of a unit whose activity is intensity (1 is
// an average district in 2019 over a whole year). Catalogue rules hold by
// construction: recognized ≤ effective ≤ registered, per field and total;
// the parts add up to the totals.
func genValues(rng *rand.Rand, intensity float64, year int) []value {
	var out []value
	add := func(ind, dis string, v float64) { out = append(out, value{ind: ind, dis: dis, v: v}) }
	count := func(base float64, ind string) int {
		n := int(math.Round(base * intensity * covid(ind, year) * math.Exp(rng.NormFloat64()*0.12)))
		return max(n, 0)
	}
	reg := split(rng, max(count(40, "models_registered"), 2), fieldWeight)
	rec := make([]int, len(reg))
	eff := make([]int, len(reg))
	for i, r := range reg {
		rec[i] = int(math.Floor(float64(r) * between(rng, 0.62, 0.9)))
		eff[i] = rec[i] + int(math.Floor(float64(r-rec[i])*between(rng, 0.3, 0.9)))
	}
	for _, m := range []struct {
		ind   string
		parts []int
	}{{"models_registered", reg}, {"models_recognized", rec}, {"models_effective", eff}} {
		add(m.ind, "", float64(sum(m.parts)))
		for i, f := range fields {
			add(m.ind, f, float64(m.parts[i]))
		}
	}
	for _, e := range []struct {
		ind  string
		base float64
	}{{"exemplars_collective", 12}, {"exemplars_individual", 17}} {
		parts := split(rng, count(e.base, e.ind), fieldWeight)
		add(e.ind, "", float64(sum(parts)))
		for i, f := range fields {
			add(e.ind, f, float64(parts[i]))
		}
	}
	add("dialogues", "", float64(max(count(26, "dialogues"), 1)))
	contests := max(count(2.6, "contests"), 1)
	add("contests", "", float64(contests))
	add("contest_teams", "", float64(contests*(5+rng.IntN(9))))
	for _, a := range []struct {
		ind  string
		base float64
	}{{"awards_collective", 8}, {"awards_individual", 12}} {
		n := count(a.base, a.ind)
		tw := 0
		if rng.Float64() < 0.12 && n > 3 {
			tw = 1
		}
		tinh := int(math.Round(float64(n-tw) * between(rng, 0.08, 0.22)))
		add(a.ind, "", float64(n))
		add(a.ind, "cap_co_so", float64(n-tw-tinh))
		add(a.ind, "cap_tinh", float64(tinh))
		add(a.ind, "trung_uong", float64(tw))
	}
	land := math.Round(14000 * intensity * math.Exp(rng.NormFloat64()*0.35))
	if rng.Float64() < 0.15 {
		land += 0.5 // a measured plot: 1.234,5 m²
	}
	add("land_donated_m2", "", land)
	add("funds_mobilized_vnd", "", math.Round(2100*intensity*math.Exp(rng.NormFloat64()*0.35))*1e6)
	add("workdays_contributed", "", math.Round(3400*intensity*math.Exp(rng.NormFloat64()*0.25)))
	return out
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

// Periods of the demo: district reports 2019 to 2025-H1, commune reports
// from 2025-H2.
func districtPeriods() []pipeline.Period {
	var ps []pipeline.Period
	for y := 2019; y <= 2024; y++ {
		ps = append(ps, pipeline.HalfPeriod(y, 1), pipeline.YearPeriod(y))
	}
	return append(ps, pipeline.HalfPeriod(2025, 1))
}

func communePeriods() []pipeline.Period {
	return []pipeline.Period{pipeline.HalfPeriod(2025, 2), pipeline.HalfPeriod(2026, 1)}
}

// dataset is every report of the demo before it is written anywhere.
type dataset struct {
	provinces []*pipeline.Unit
	// groups[province code][period code] are the unit reports of that
	// province and period, in unit code order; missing reports left out.
	groups map[string]map[string][]*report
	// provinceReports[province code][year] is the province's annual report.
	provinceReports map[string]map[int]*report
	missing         int
	// halves is a district's second half-year report sent instead of its
	// annual one; monthly are a commune's reports of single months.
	halves  *report
	monthly []*report
}

// strays reshapes a little of the data the way real reporting goes, from an
// rng of its own: Can Lộc (Hà Tĩnh) sends 2024-H2 and no 2024 annual
// report, so its year is the sum of its halves; a commune of Nghệ An sends
// two monthly reports in 2026, which no calendar asks for.
func (ds *dataset) strays(ref *pipeline.Reference, rng *rand.Rand) error {
	res := pipeline.NewResolver(ref)
	prov, _ := res.Province("42")
	year := ds.groups["42"]["2024"]
	for i, r := range year {
		if r.unit.Name != "Can Lộc" {
			continue
		}
		h2 := pipeline.HalfPeriod(2024, 2)
		u, pr := res.Unit(prov, r.unit.Code, h2)
		if pr != nil {
			return fmt.Errorf("the 2024-H2 report of Can Lộc: %s", pr.ReasonEN)
		}
		ds.halves = &report{prov: prov, unit: u, period: h2, values: genValues(rng, 0.55*1.22*math.Pow(1.07, 5), 2024)}
		ds.halves.submitted = submission(rng, h2)
		ds.groups["42"]["2024"] = append(year[:i:i], year[i+1:]...)
		ds.missing++
		break
	}
	if ds.halves == nil {
		return fmt.Errorf("no 2024 annual report of Can Lộc to replace by its halves")
	}
	nghean, _ := res.Province("40")
	communes := ref.UnitsOn("40", pipeline.LevelCommune, pipeline.ReformDate)
	cu := communes[rng.IntN(len(communes))]
	for _, m := range []time.Month{3, 4} {
		p := pipeline.MonthPeriod(2026, m)
		u, pr := res.Unit(nghean, cu.Code, p)
		if pr != nil {
			return fmt.Errorf("commune %s %s: %s", cu.Code, p.Code, pr.ReasonEN)
		}
		r := &report{prov: nghean, unit: u, period: p, submitted: p.End.AddDate(0, 0, 1+rng.IntN(5)),
			values: []value{{ind: "dialogues", v: float64(1 + rng.IntN(4))}, {ind: "contests", v: float64(rng.IntN(2))}}}
		ds.monthly = append(ds.monthly, r)
	}
	return nil
}

// build draws the whole dataset from rng. Only the data rng is used here, so
// changing how files are written never changes the numbers.
func build(ref *pipeline.Reference, rng *rand.Rand) (*dataset, error) {
	res := pipeline.NewResolver(ref)
	ds := &dataset{provinces: ref.Provinces(), groups: map[string]map[string][]*report{}, provinceReports: map[string]map[int]*report{}}
	pop := map[string]int64{}
	for _, p := range ref.Population {
		pop[p.UnitCode] = p.Value
	}
	for _, prov := range ds.provinces {
		pp := params[prov.Code]
		ds.groups[prov.Code] = map[string][]*report{}
		// latent[unit code][period code]: what a unit did, reported or not;
		// the province's own totals are built from it.
		latent := map[string]map[string]*report{}
		var districtCodes []string
		seen := map[string]bool{}
		for _, u := range ref.Units {
			if u.ProvinceCode == prov.Code && u.Level == pipeline.LevelDistrict && !seen[u.Code] {
				seen[u.Code] = true
				districtCodes = append(districtCodes, u.Code)
			}
		}
		sort.Strings(districtCodes)
		scaleSum := 0.0
		for _, code := range districtCodes {
			scale := 1.0
			if n := pop[code]; n > 0 {
				scale = math.Pow(float64(n)/150000, 0.6)
			}
			scale = math.Min(math.Max(scale*between(rng, 0.85, 1.2), 0.5), 1.9)
			scaleSum += scale
			latent[code] = map[string]*report{}
			for _, p := range districtPeriods() {
				u, pr := res.Unit(prov, code, p)
				if pr != nil {
					continue // the unit did not exist throughout p
				}
				y := p.Start.Year()
				intensity := scale * pp.factor * math.Pow(pp.growth, float64(y-2019))
				if p.Type == pipeline.Half {
					intensity *= between(rng, 0.40, 0.50)
				}
				r := &report{prov: prov, unit: u, period: p, values: genValues(rng, intensity, y)}
				r.submitted = submission(rng, p)
				latent[code][p.Code] = r
				if rng.Float64() < 0.03 && !(prov.Code == "40" && u.Name == "Diễn Châu") {
					ds.missing++
					continue
				}
				ds.groups[prov.Code][p.Code] = append(ds.groups[prov.Code][p.Code], r)
			}
		}
		communes := ref.UnitsOn(prov.Code, pipeline.LevelCommune, pipeline.ReformDate)
		perCommune := scaleSum / float64(len(communes))
		for _, cu := range communes {
			scale := perCommune * math.Exp(rng.NormFloat64()*0.35)
			latent[cu.Code+"c"] = map[string]*report{}
			for _, p := range communePeriods() {
				u, pr := res.Unit(prov, cu.Code, p)
				if pr != nil {
					return nil, fmt.Errorf("commune %s %s: %s", cu.Code, p.Code, pr.ReasonEN)
				}
				y := p.Start.Year()
				intensity := scale * pp.factor * math.Pow(pp.growth, float64(y-2019))
				if p.Code == "2025-H2" {
					intensity *= between(rng, 0.50, 0.60)
				} else {
					intensity *= between(rng, 0.40, 0.50)
				}
				r := &report{prov: prov, unit: u, period: p, values: genValues(rng, intensity, y)}
				r.submitted = submission(rng, p)
				latent[cu.Code+"c"][p.Code] = r
				missRate := 0.03
				if p.Code == "2026-H1" {
					missRate = 0.07 // some communes are still late with it
				}
				if rng.Float64() < missRate {
					ds.missing++
					continue
				}
				ds.groups[prov.Code][p.Code] = append(ds.groups[prov.Code][p.Code], r)
			}
		}
		// Province annual reports: the commission's own total of everything
		// its units did, so it differs from the sum of the received reports
		// wherever a unit is missing, and sometimes by a correction.
		ds.provinceReports[prov.Code] = map[int]*report{}
		keys := sortedKeys(latent)
		for y := 2019; y <= 2025; y++ {
			want := []string{pipeline.YearPeriod(y).Code}
			if y == 2025 {
				want = []string{"2025-H1", "2025-H2"}
			}
			tot := map[[2]string]float64{}
			for _, k := range keys {
				for _, pc := range want {
					if r := latent[k][pc]; r != nil {
						for _, v := range r.values {
							tot[[2]string{v.ind, v.dis}] += v.v
						}
					}
				}
			}
			r := &report{prov: prov, unit: prov, period: pipeline.YearPeriod(y)}
			r.submitted = submission(rng, r.period)
			// Same order as unit reports.
			for _, v := range latent[keys[0]][firstPeriod(latent[keys[0]])].values {
				r.values = append(r.values, value{ind: v.ind, dis: v.dis, v: tot[[2]string{v.ind, v.dis}]})
			}
			adjustProvince(rng, r)
			ds.provinceReports[prov.Code][y] = r
		}
	}
	return ds, nil
}

func firstPeriod(m map[string]*report) string {
	ks := sortedKeys(m)
	return ks[0]
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// adjustProvince makes a province total differ a little from the sum of its
// units for some indicators, keeping the catalogue rules.
func adjustProvince(rng *rand.Rand, r *report) {
	for i := range r.values {
		v := &r.values[i]
		if v.dis != "" || rng.Float64() > 0.3 {
			continue
		}
		f := 1 + between(rng, 0.005, 0.03)*float64(1-2*rng.IntN(2))
		switch v.ind {
		case "funds_mobilized_vnd":
			v.v = math.Round(v.v*f/1e7) * 1e7
		case "land_donated_m2", "workdays_contributed":
			v.v = math.Round(v.v * f)
		case "models_recognized", "models_effective":
			// Kept: they are bounded by registered.
		default:
			v.v = math.Round(v.v * f)
		}
	}
	// Offices round big sums and say so ("khoảng 57,3 tỷ đồng").
	for i := range r.values {
		v := &r.values[i]
		if rng.Float64() > 0.4 {
			continue
		}
		switch v.ind {
		case "land_donated_m2":
			v.v, v.q = math.Round(v.v/100)*100, pipeline.Approx
		case "funds_mobilized_vnd":
			v.v, v.q = math.Round(v.v/1e8)*1e8, pipeline.Approx
		}
	}
	// Re-establish recognized ≤ effective ≤ registered after rounding.
	reg, _ := r.get("models_registered", "")
	for i := range r.values {
		v := &r.values[i]
		if v.dis == "" && (v.ind == "models_recognized" || v.ind == "models_effective") && v.v > reg {
			v.v = reg
		}
	}
}

// submission draws when a report arrived: mostly within 15 days after the
// period ended, some late.
func submission(rng *rand.Rand, p pipeline.Period) time.Time {
	d := 1 + rng.IntN(15)
	if rng.Float64() < 0.09 {
		d = 16 + rng.IntN(35)
	}
	return p.End.AddDate(0, 0, d)
}
