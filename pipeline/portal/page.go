package portal

import (
	"bytes"
	"errors"
	"html"
	"io/fs"
	"net/http"
	"strconv"

	"github.com/danvan/danvan/dashboards"
)

// The page of a link is dashboards/web/nop.html with its script nop.js,
// in the dashboards' look (app.css) and language switch; the script reads
// the secret from the page's own address and calls the API with it. For a
// link that does not work the server writes why into the page itself, with
// the status 401 or 403, so the clerk reads the reason even without
// scripts, and not a bare 404.

var pageHTML = func() []byte {
	b, err := fs.ReadFile(dashboards.FS, "web/nop.html")
	if err != nil {
		panic("portal: the embedded page is missing: " + err.Error())
	}
	return b
}()

func (p *Portal) page(w http.ResponseWriter, r *http.Request) {
	if !p.throttle(w, r) {
		return
	}
	en := r.URL.Query().Get("lang") == "en"
	l, err := p.links.Check(r.PathValue("secret"), p.opts.Now())
	status, state := http.StatusOK, "active"
	var title, msg string
	var ae *AuthError
	switch {
	case errors.As(err, &ae) && ae.State == "":
		status, state = http.StatusUnauthorized, "unknown"
		title, msg = "Đường dẫn không đúng", "Đường dẫn nộp báo cáo này không đúng: có thể bị chép thiếu hoặc sai ký tự. Hãy mở lại đúng đường dẫn đã được gửi cho đơn vị, hoặc xin Ban Dân vận tỉnh cấp đường dẫn mới."
		if en {
			title, msg = "This link is not valid", "This submission link is not valid: it may have been copied incompletely or wrongly. Open the exact link your unit was sent, or ask the province office for a new one."
		}
	case errors.As(err, &ae):
		status, state = http.StatusForbidden, string(ae.State)
		vi, enMsg := linkStateWords(ae.Link)
		title, msg = "Đường dẫn đã hết hạn", vi
		if ae.State == Revoked {
			title = "Đường dẫn đã bị thu hồi"
		}
		if en {
			title, msg = "This link has expired", enMsg
			if ae.State == Revoked {
				title = "This link has been revoked"
			}
		}
		p.note(r, ae.Link, EventRefused, string(ae.State))
	case err != nil:
		p.log.Error("portal: read access links", "err", err)
		status, state = http.StatusInternalServerError, "error"
		title, msg = "Lỗi máy chủ", "Lỗi máy chủ; hãy thử lại sau ít phút."
		if en {
			title, msg = "Server error", "Server error; try again in a few minutes."
		}
	default:
		p.note(r, l, EventOpened, "")
	}
	body := bytes.Replace(pageHTML, []byte(`data-link="active"`), []byte(`data-link="`+state+`"`), 1)
	if state != "active" {
		section := `<section id="link-state" class="link-state" role="alert"><h2>` + html.EscapeString(title) + `</h2><p>` + html.EscapeString(msg) + `</p></section>`
		body = bytes.Replace(body, []byte("<!--link-state-->"), []byte(section), 1)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
