package pipeline

import (
	"fmt"
	"time"
)

// A file sent through the submission portal comes from one unit: the unit
// its access link is bound to. A district or a (new) commune sends its own
// report; a province office sends for itself and for any unit of its
// province. Rows about any other unit are refused, whatever else is right
// with them, so a link cannot put figures into another unit's name. And the
// moment the portal received the file is the report's submission time
// (submitted_at), which decides whether it came on time: a date typed into
// the file (ngay_gui) is what the clerk says, the portal's clock is what
// happened. A figure read out of a prose report that names no place is
// the sender's own.

// Submission is what is known of a file received through the portal.
type Submission struct {
	Sender     *Unit     // the unit the link is bound to (Reference.Sender)
	ReceivedAt time.Time // when the portal received the file
}

// Title is the unit's name with its type word: "huyện Cẩm Xuyên",
// "tỉnh Hà Tĩnh".
func (u *Unit) Title() string {
	if l := typeLabel(u.Type); l != "" {
		return l + " " + u.Name
	}
	return u.Name
}

// Sender returns the unit a submission link for code is bound to: a
// province (2 digits), a district (3 digits; its latest version, for the
// name) or a commune created on 2025-07-01 (5 digits). A commune from before
// the reform never sent reports to the province itself (its district did),
// so it gets no link.
func (r *Reference) Sender(code string) (*Unit, *Problem) {
	var found, old *Unit
	for _, u := range r.Units {
		if u.Code != code {
			continue
		}
		switch {
		case u.Level == LevelCommune && u.From.Before(ReformDate):
			old = u
		case found == nil || u.From.After(found.From):
			found = u
		}
	}
	switch {
	case found != nil:
		return found, nil
	case old != nil:
		return nil, problem("not_a_sender",
			"Mã %s là %s (đến 30/06/2025), không còn từ 01/07/2025; xã, phường cũ báo cáo qua huyện. Hãy cấp đường dẫn cho xã, phường mới hoặc cho huyện.",
			"Code %s is %s (until 30/06/2025), which ended on 01/07/2025; old communes reported through their district. Issue the link to the new commune or to the district.",
			code, old.Title())
	}
	return nil, problem("unknown_unit", "Không có đơn vị nào mang mã %q (tỉnh: 2 chữ số, huyện: 3, xã: 5).",
		"No unit has the code %q (province: 2 digits, district: 3, commune: 5).", code)
}

// allows says why the sender may not send a row about u, or nil when it
// may: u is the sender itself (a district in any of its versions, a new
// commune but not the old commune that had its code), or, for a province
// office, any unit of its province.
func (s *Submission) allows(u *Unit) *Problem {
	sender := s.Sender
	switch {
	case sender.Level == LevelProvince && u.ProvinceCode == sender.ProvinceCode:
		return nil
	case sender.Level == LevelProvince:
		return problem("outside_province",
			"Đường dẫn nộp này là của %s; dòng này là số liệu của %s, thuộc tỉnh khác. Mỗi tỉnh chỉ nộp số liệu của các đơn vị trong tỉnh.",
			"This submission link is %s's; this row is about %s, in another province. A province sends the figures of its own units only.",
			sender.Title(), u.Title())
	case u.Code == sender.Code && u.Level == sender.Level &&
		(u.Level != LevelCommune || u.From.Before(ReformDate) == sender.From.Before(ReformDate)):
		return nil
	}
	return problem("other_unit",
		"Đường dẫn nộp này là của %s; dòng này là số liệu của %s. Mỗi đơn vị chỉ nộp báo cáo của mình, bằng đường dẫn của mình.",
		"This submission link is %s's; this row is about %s. Each unit sends its own report, with its own link.",
		sender.Title(), u.Title())
}

// place gives a figure read out of prose that names no place at all the
// sender's place: a district's report says "28 cuộc tiếp xúc, đối thoại"
// of itself (the narrative extractor's Options.Province and District, for
// a file whose sender is known). A figure whose sentence names a place
// keeps it, and is held to the sender like any row.
func (s *Submission) place(raw *RawRow) *RawRow {
	if raw.Origin != FromExtracted || raw.Province != "" || raw.Unit != "" {
		return raw
	}
	r := *raw
	r.Province = s.Sender.ProvinceCode
	if s.Sender.Level != LevelProvince {
		r.Unit = s.Sender.Code
	}
	return &r
}

// SetSubmission holds the rows validated from now on to s: a row about a
// unit the sender may not send for is refused, and every record's
// submission time is s.ReceivedAt. Nil ends it, for a file from the inbox
// that came some other way.
func (v *Validator) SetSubmission(s *Submission) {
	if s != nil && s.Sender == nil {
		panic(fmt.Sprintf("pipeline: a submission without a sender (received %s)", s.ReceivedAt))
	}
	v.submission = s
}
