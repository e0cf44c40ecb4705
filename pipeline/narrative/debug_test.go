package narrative

import (
	"os"
	"testing"
)

func TestDebug(t *testing.T) {
	path := os.Getenv("NARR_DEBUG")
	if path == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(path)
	x := testExtractor(t).newExtraction(string(data))
	x.debug = t.Logf
	figs := x.run()
	t.Logf("date %v %v docP %v %v place %q %q", x.date, x.hasDate, x.docP.Code, x.hasDocP, x.province, x.unit)
	for _, f := range figs {
		t.Logf("%s %v %s %s %s/%s «%s» [%d]", f.Indicator, f.Value, f.Qualifier, f.Period, f.Province, f.District, f.Quote, f.SentenceIndex)
	}
}
