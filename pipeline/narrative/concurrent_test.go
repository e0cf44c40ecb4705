package narrative

import (
	"fmt"
	"sync"
	"testing"
)

// TestExtractConcurrent: one Extractor serves several goroutines at once
// (ingest keeps one per reference), each with words the others have not
// seen; run with -race it finds any shared state written while extracting.
func TestExtractConcurrent(t *testing.T) {
	x := testExtractor(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 20 {
				text := fmt.Sprintf("DATE: 2023-12-20\n\nNăm 2023, thôn Lũng%d%d đã vận động nhân dân đóng góp %d triệu đồng làm đường.", g, n, 100+g*20+n)
				figs, err := x.Extract("t.txt", []byte(text))
				if err != nil {
					errs <- err
					return
				}
				if len(figs) != 1 || figs[0].Value != float64(100+g*20+n)*1e6 {
					errs <- fmt.Errorf("goroutine %d, text %d: %+v", g, n, figs)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
