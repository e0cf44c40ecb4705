package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/danvan/danvan/pipeline"
	"github.com/danvan/danvan/pipeline/layout"
)

// CommuneForms writes into dir one form workbook per commune of the three
// provinces for period p (a half-year from the 2025 reform on), each as a
// commune office fills its own: one sheet, a two-row header with the
// breakdowns, formula totals. It is the shape of a half-year's drop on top
// of the demo's history (make bench). Same seed, same bytes. It returns how
// many files and values it wrote.
func CommuneForms(dir string, p pipeline.Period, opts Options) (files, values int, err error) {
	fs, err := communeForms(p, opts)
	if err != nil {
		return 0, 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, err
	}
	for _, f := range fs {
		if err := layout.WriteFile(filepath.Join(dir, f.name), f.data); err != nil {
			return files, values, err
		}
		files++
		values += len(f.want)
	}
	return files, values, nil
}

// communeForms draws and lays out the forms of CommuneForms.
func communeForms(p pipeline.Period, opts Options) ([]*file, error) {
	if p.Start.Before(pipeline.ReformDate) {
		return nil, fmt.Errorf("commune forms: period %s is before the communes of %s", p.Code, pipeline.ReformDate.Format("2006-01-02"))
	}
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	ref := opts.Reference
	if ref == nil {
		var err error
		if ref, err = pipeline.DefaultReference(); err != nil {
			return nil, fmt.Errorf("load reference: %w", err)
		}
	}
	data := rand.New(rand.NewPCG(opts.Seed, 3))
	style := rand.New(rand.NewPCG(opts.Seed, 4))
	g := &gen{ref: ref, rng: style, sp: &speller{ref: ref, res: pipeline.NewResolver(ref), rng: style}}
	y := p.Start.Year()
	for _, prov := range ref.Provinces() {
		pp := params[prov.Code]
		for _, cu := range ref.UnitsOn(prov.Code, pipeline.LevelCommune, p.Start) {
			u, pr := g.sp.res.Unit(prov, cu.Code, p)
			if pr != nil {
				return nil, fmt.Errorf("commune %s %s: %s", cu.Code, p.Code, pr.ReasonEN)
			}
			// About a fifth of an average 2019 district's half-year.
			intensity := 0.2 * pp.factor * math.Pow(pp.growth, float64(y-2019)) * math.Exp(data.NormFloat64()*0.35)
			r := &report{prov: prov, unit: u, period: p, values: genValues(data, intensity, y), submitted: submission(data, p)}
			f := &file{name: fmt.Sprintf("bao-cao-%s-%s-%s.xlsx", p.Code, cu.Code, slug(u.Name)), format: "xlsx-form"}
			var err error
			if f.data, f.rows, f.cols, err = g.formWorkbook(prov, p, []*report{r}, formPerUnit); err != nil {
				return nil, fmt.Errorf("commune %s: %w", cu.Code, err)
			}
			g.add(f, onlyColumns([]*report{r}, f.cols)...)
		}
	}
	return g.files, nil
}
