package pipeline

// How to fix each kind of refusal, in words the clerk who filled the report
// in can act on. The reason (RowError.Reason, FileError.Reason) says what is
// wrong with this row; the fix says what to do about it, and goes into the
// feedback workbook the province office sends back with the refused rows.

// Fix is what to do about one kind of refusal, in Vietnamese and English.
type Fix struct{ VI, EN string }

var fixes = map[string]Fix{
	// The row's province, unit and period.
	"missing_province": {"Điền tên tỉnh (Thanh Hóa, Nghệ An, Hà Tĩnh) hoặc mã tỉnh (38, 40, 42) vào cột Tỉnh; với biểu mẫu, thêm dòng \"Tỉnh: <tên tỉnh>\" phía trên bảng.",
		"Fill in the province (Thanh Hóa, Nghệ An, Hà Tĩnh) or its code (38, 40, 42); on a form, add the line \"Tỉnh: <province>\" above the table."},
	"unknown_province": {"Ghi đúng tên tỉnh (Thanh Hóa, Nghệ An, Hà Tĩnh) hoặc mã tỉnh (38, 40, 42).",
		"Write the province's name (Thanh Hóa, Nghệ An, Hà Tĩnh) or its code (38, 40, 42)."},
	"unknown_unit": {"Sửa tên đơn vị theo danh mục đơn vị hành chính (lý do gợi ý tên gần đúng khi có) hoặc ghi mã đơn vị.",
		"Correct the unit's name as in the list of administrative units (the reason suggests a near name when there is one), or give its code."},
	"unit_in_other_province": {"Sửa tên tỉnh nếu số liệu là của tỉnh có đơn vị đó; nếu không, sửa tên đơn vị.",
		"Correct the province if the figures are those of the province the unit is in; otherwise correct the unit."},
	"not_administrative_unit": {"Báo cáo theo đơn vị hành chính (huyện, thị xã, thành phố đến 30/06/2025; xã, phường từ 01/07/2025): ghi số liệu vào dòng của đơn vị hành chính, hoặc \"Toàn tỉnh\" cho số liệu của cả tỉnh.",
		"Report by administrative unit (district, town, city until 2025-06-30; commune or ward from 2025-07-01): put the figures on the administrative unit's row, or under \"Toàn tỉnh\" for the whole province."},
	"commune_before_reform": {"Trước 01/07/2025 ghi số liệu vào dòng của huyện, thị xã, thành phố có xã đó.",
		"Before 2025-07-01 put the figures on the row of the district, town or city the commune is in."},
	"total_row": {"Xóa dòng tổng, dòng cộng khỏi bảng: mỗi dòng ghi số liệu của một đơn vị; tổng được tự cộng.",
		"Delete the total and subtotal rows from the table: each row holds one unit's figures; totals are added up for you."},
	"commune_merged": {"Ghi tên xã, phường mới (sau sáp nhập) nêu trong lý do.", "Write the new commune or ward (after the merger) the reason names."},
	"missing_unit": {"Ghi tên đơn vị vào ô đơn vị của dòng, hoặc \"Toàn tỉnh\" cho số liệu của cả tỉnh.",
		"Write the unit in the row's unit cell, or \"Toàn tỉnh\" for the whole province's figures."},
	"ambiguous_unit": {"Ghi rõ loại đơn vị (huyện, thị xã, thành phố, xã, phường) trước tên, hoặc ghi mã đơn vị.",
		"Put the unit's type (\"huyện\", \"thị xã\", \"thành phố\", \"xã\", \"phường\") before its name, or give its code."},
	// A file sent through the submission portal (submission.go).
	"other_unit": {"Xóa dòng này khỏi tệp (hoặc để đơn vị đó tự nộp bằng đường dẫn của họ); nếu tên đơn vị gõ nhầm, sửa lại cho đúng tên đơn vị mình.",
		"Delete the row from the file (or let that unit send it with its own link); if the unit's name is mistyped, correct it to your own unit."},
	"outside_province": {"Xóa các dòng của tỉnh khác khỏi tệp; mỗi tỉnh nộp bằng đường dẫn của mình.",
		"Delete the rows of the other province from the file; each province sends with its own link."},
	"unknown_sender": {"Chuyển tệp ra khỏi thư mục inbox/portal (chỉ cổng nộp ghi vào đó) hoặc đổi tên thư mục thành mã của đơn vị đã gửi.",
		"Move the file out of inbox/portal (only the portal writes there), or rename the folder to the code of the unit that sent it."},
	"unit_not_valid_on_period": {"Kiểm tra kỳ báo cáo và đơn vị: từ 01/07/2025 không còn cấp huyện, báo cáo theo xã, phường mới; đơn vị đã sáp nhập thì báo cáo theo đơn vị mới.",
		"Check the period and the unit: from 2025-07-01 there are no districts, report for the new communes; a merged unit reports as the unit it merged into."},
	"missing_period": {"Ghi kỳ báo cáo, ví dụ: Năm 2024, 6 tháng đầu năm 2024, Quý III/2024, tháng 7/2024.",
		"Write the period, e.g. \"Năm 2024\", \"6 tháng đầu năm 2024\", \"Quý III/2024\", \"tháng 7/2024\"."},
	"bad_period": {"Ghi kỳ báo cáo theo một trong các dạng: Năm 2024, 6 tháng đầu năm 2024, Quý III/2024, tháng 7/2024.",
		"Write the period in one of these forms: \"Năm 2024\", \"6 tháng đầu năm 2024\", \"Quý III/2024\", \"tháng 7/2024\"."},
	"future_period": {"Sửa kỳ báo cáo (thường do gõ nhầm năm); chỉ báo cáo cho kỳ đã bắt đầu.",
		"Correct the period (usually a mistyped year); report only for periods that have begun."},
	// What the value counts.
	"missing_indicator": {"Ghi chỉ tiêu theo danh mục: mã (như dialogues) hoặc tên (như Số cuộc tiếp xúc, đối thoại).",
		"Write the indicator from the catalogue: its code (e.g. dialogues) or its name."},
	"unknown_indicator": {"Ghi chỉ tiêu theo danh mục: mã (như dialogues) hoặc đúng tên (như Số cuộc tiếp xúc, đối thoại).",
		"Write the indicator from the catalogue: its code (e.g. dialogues) or its exact name."},
	"unknown_disaggregation": {"Ghi phân tổ theo danh mục (lĩnh vực: kinh tế, văn hóa – xã hội, quốc phòng – an ninh, xây dựng hệ thống chính trị; cấp khen: cấp cơ sở, cấp tỉnh, trung ương) hoặc để trống nếu là số tổng.",
		"Write a breakdown from the catalogue (fields; award levels) or leave it empty for the total."},
	"disaggregation_not_allowed": {"Chỉ tiêu này không chia phân tổ: để trống cột Phân tổ và ghi số tổng.",
		"This indicator has no breakdown: leave the breakdown empty and give the total."},
	// The value itself.
	"missing_value": {"Điền số liệu; nếu không báo cáo chỉ tiêu này thì xóa dòng (ô trống là chưa báo cáo, không phải số 0).",
		"Fill in the figure, or delete the row if the indicator is not reported (an empty cell is not a zero)."},
	"not_a_number": {"Ghi giá trị bằng số, như 1.234 hoặc 2,5; có thể kèm chữ khoảng, gần, trên.",
		"Write the value as a number, e.g. 1.234 or 2,5; \"khoảng\", \"gần\", \"trên\" may go before it."},
	"negative_value": {"Ghi số không âm; kiểm tra dấu trừ gõ nhầm.", "Write a number that is not negative; check for a stray minus sign."},
	"formula_without_result": {"Mở tệp bằng Excel hoặc LibreOffice Calc để công thức được tính, lưu lại rồi gửi lại; hoặc ghi thẳng số liệu vào ô thay cho công thức.",
		"Open the file in Excel or LibreOffice Calc so the formulas are calculated, save it and send it again; or type the figure into the cell instead of the formula."},
	"not_plain_number": {"Ghi số bình thường (1.500.000), không dạng lũy thừa (1,5E+06) hay thập lục phân; nếu bảng tính tự đổi, định dạng cột là số (\"Number\") rồi lưu lại.",
		"Write a plain number (1.500.000), not in scientific notation (1,5E+06) or hexadecimal; if the spreadsheet changed it, format the column as Number and save again."},
	"date_not_number": {"Chọn ô, định dạng lại là số (chuột phải, Định dạng ô, chọn Số; Excel tiếng Anh: \"Format Cells\", \"Number\"), gõ lại số liệu rồi gửi lại; tệp CSV thì sửa trong bảng tính gốc rồi lưu lại CSV.",
		"Select the cell, format it as a number (right-click, Format Cells, Number), type the figure again and send the file again; for a CSV file, correct the original spreadsheet and save the CSV again."},
	"not_whole_number": {"Chỉ tiêu đếm số lượng phải là số nguyên; kiểm tra dấu phẩy và dấu chấm (1.234 là một nghìn hai trăm ba mươi tư).",
		"A count must be a whole number; check the comma and the point (1.234 is one thousand two hundred and thirty-four)."},
	"wrong_unit": {"Ghi số theo đơn vị tính của chỉ tiêu (m², đồng, ngày công, …) hoặc bỏ chữ đơn vị.",
		"Give the figure in the indicator's unit (m², VND, workdays, …) or drop the unit word."},
	"bad_qualifier": {"Ghi mức chính xác: chính xác, khoảng, trên hoặc dưới; hoặc để trống.",
		"Write the qualifier as \"chính xác\", \"khoảng\", \"trên\" or \"dưới\" (or exact, approx, at_least, at_most), or leave it empty."},
	"bad_date":    {"Ghi ngày gửi dạng ngày/tháng/năm, ví dụ 15/01/2025.", "Write the submission date as day/month/year, e.g. 15/01/2025."},
	"future_date": {"Sửa ngày gửi: không thể muộn hơn hôm nay.", "Correct the submission date: it cannot be later than today."},
	// Checks over the whole file.
	"duplicate": {"Xóa dòng trùng; số liệu đã được tính một lần.", "Delete the repeated row; the figure was counted once."},
	"conflicting_duplicate": {"Giữ một dòng với số đúng, xóa dòng kia, rồi gửi lại tệp.",
		"Keep one row with the right figure, delete the other, and send the file again."},
	"rule_violated": {"Kiểm tra lại hai số: số mô hình được công nhận hoặc đạt hiệu quả không thể lớn hơn số mô hình đăng ký.",
		"Check both figures: models recognised or effective cannot exceed models registered."},
	"total_mismatch": {"Sửa dòng Tổng cộng cho bằng tổng các dòng, hoặc sửa dòng chi tiết bị sai.",
		"Make the total row equal the sum of the rows, or correct the wrong row."},
	"total_unchecked": {"Sửa các dòng chi tiết bị từ chối; dòng tổng sẽ được kiểm tra khi gửi lại.",
		"Correct the refused detail rows; the total is checked when the file is sent again."},
	// How the file is written.
	"extra_cells": {"Đặt ô có dấu phân cách (dấu phẩy của số thập phân hay của tên) trong ngoặc kép, như \"12,5\", hoặc xóa các ô thừa ở cuối dòng, rồi lưu lại tệp CSV.",
		"Put the cell holding the separator (a decimal comma, a comma in a name) in quotes, as \"12,5\", or delete the extra cells at the end of the row, and save the CSV file again."},
	"unclosed_quote": {"Đóng dấu ngoặc kép (\") của ô hoặc xóa dấu ngoặc thừa, rồi lưu lại tệp CSV.",
		"Close the cell's quote (\") or delete the stray one, then save the CSV again."},
	"bad_json_line":  {"Sửa dòng cho đúng cú pháp JSON (mỗi dòng một đối tượng {…}).", "Make the line valid JSON (one {…} object a line)."},
	"malformed_json": {"Sửa tệp cho đúng cú pháp JSON tại vị trí nêu trong lý do.", "Fix the JSON syntax at the place the reason gives."},
	"duplicate_key":  {"Mỗi khóa chỉ ghi một lần; xóa khóa bị lặp.", "Give each key once; delete the repeated one."},
	"nested_report_keys": {"Đưa các khóa \"province\", \"unit\", \"period\", \"submitted_at\" ra cấp ngoài cùng của báo cáo, cạnh \"values\".",
		"Move the keys \"province\", \"unit\", \"period\" and \"submitted_at\" to the report's top level, beside \"values\"."},
	"conflicting_keys": {"Chỉ dùng một tên cho mỗi trường (ví dụ \"unit\" hoặc \"don_vi\"), xóa tên kia.",
		"Use one name for each field (e.g. \"unit\" or \"don_vi\") and delete the other."},
	"not_a_report": {"Gửi báo cáo đúng mẫu JSON: tỉnh, đơn vị, kỳ báo cáo và mảng \"values\".",
		"Send the report in the JSON form: province, unit, period and a values array."},
	"missing_column": {"Thêm các cột còn thiếu vào dòng tiêu đề: Tỉnh, Đơn vị, Kỳ báo cáo, Chỉ tiêu, Giá trị.",
		"Add the missing columns to the header: \"Tỉnh\", \"Đơn vị\", \"Kỳ báo cáo\", \"Chỉ tiêu\", \"Giá trị\" (or province, unit, period, indicator, value)."},
	"no_header": {"Thêm dòng tiêu đề (Tỉnh, Đơn vị, Kỳ báo cáo, Chỉ tiêu, Giá trị) hoặc dùng biểu mẫu có cột Đơn vị.",
		"Add a header row (\"Tỉnh\", \"Đơn vị\", \"Kỳ báo cáo\", \"Chỉ tiêu\", \"Giá trị\") or use the form with a \"Đơn vị\" column."},
	"empty_file": {"Gửi lại tệp có số liệu.", "Send the file again with its figures."},
	"no_values": {"Điền số liệu vào tệp (ô trống là chưa báo cáo, ghi 0 nếu bằng không) rồi gửi lại; kiểm tra đã gửi đúng tệp.",
		"Fill in the figures (an empty cell means not reported; write 0 for zero) and send it again; check it is the right file."},
	"wrong_file_type": {"Gửi chính tệp bảng tính (Excel .xlsx hoặc CSV) hay tệp văn bản của báo cáo, đúng đuôi tệp, như lý do nêu.",
		"Send the report's own spreadsheet (Excel .xlsx or CSV) or text file, under its proper extension, as the reason says."},
	"legacy_encoding": {"Chuyển tệp sang bảng mã Unicode (UTF-8), ví dụ bằng Unikey (Công cụ chuyển mã), rồi gửi lại.",
		"Convert the file to Unicode (UTF-8), e.g. with Unikey's converter, and send it again."},
	"bad_encoding": {"Lưu lại tệp với bảng mã UTF-8 (bảng tính: dạng CSV UTF-8) rồi gửi lại.", "Save the file encoded as UTF-8 (a spreadsheet: as CSV UTF-8) and send it again."},
	"not_text":     {"Gửi tệp CSV, Excel (.xlsx), JSON hoặc văn bản (.txt, .docx).", "Send a CSV, Excel (.xlsx), JSON or text (.txt, .docx) file."},
	"not_spreadsheet": {"Mở tệp bằng Excel, lưu lại dạng Sổ làm việc Excel (.xlsx), rồi gửi lại.",
		"Open the file in Excel, save it as an Excel Workbook (.xlsx), and send it again."},
	"unreadable_xlsx": {"Mở tệp bằng Excel, lưu lại dạng Sổ làm việc Excel (.xlsx), rồi gửi lại.",
		"Open the file in Excel, save it as an Excel Workbook (.xlsx), and send it again."},
	"old_excel":       {"Lưu lại dạng .xlsx (Excel 2007 trở lên) rồi gửi lại.", "Save it as .xlsx (Excel 2007 or later) and send it again."},
	"unreadable_docx": {"Mở tệp bằng Word, lưu lại dạng .docx, rồi gửi lại.", "Open the file in Word, save it as .docx, and send it again."},
	"unknown_format":  {"Gửi tệp CSV, Excel (.xlsx), JSON hoặc văn bản (.txt, .docx).", "Send a CSV, Excel (.xlsx), JSON or text (.txt, .docx) file."},
	"too_large":       {"Chia tệp thành nhiều tệp nhỏ hơn rồi gửi lại.", "Split the file into smaller ones and send them again."},
	// Reading limits.
	"file_too_large": {"Chia tệp thành nhiều tệp nhỏ hơn (ví dụ theo tỉnh hoặc theo năm) rồi gửi lại.",
		"Split the file into smaller ones (by province or by year, say) and send them again."},
	"unzipped_too_large": {"Chia bảng thành nhiều tệp nhỏ hơn; nếu tệp không lớn như vậy thì tệp bị hỏng: mở bằng Excel, lưu lại rồi gửi lại.",
		"Split the table into smaller files; if it is not that big, the file is damaged: open it in Excel, save it again and send it again."},
	"docx_too_large": {"Chia văn bản thành nhiều tệp Word nhỏ hơn rồi gửi lại; nếu văn bản không dài như vậy thì tệp bị hỏng: mở bằng Word, lưu lại dạng .docx rồi gửi lại.",
		"Split the text into smaller Word files and send them again; if the text is not that long, the file is damaged: open it in Word, save it as .docx and send it again."},
	"too_many_rows": {"Chia tệp thành nhiều tệp ít dòng hơn (ví dụ theo tỉnh hoặc theo năm) rồi gửi lại.",
		"Split the file into files with fewer rows (by province or by year, say) and send them again."},
	"line_too_long": {"Mở tệp bằng Excel, lưu lại dạng CSV UTF-8 (mỗi dòng một hàng của bảng) rồi gửi lại.",
		"Open the file in Excel, save it as CSV UTF-8 (one table row a line) and send it again."},
	"too_large_to_read_whole": {"Gửi số liệu dạng bảng dài (CSV, JSON Lines hoặc trang Excel có các cột Tỉnh, Kỳ báo cáo, Chỉ tiêu, Giá trị), hoặc chia thành nhiều tệp nhỏ.",
		"Send the figures as a long table (CSV, JSON Lines or an Excel sheet with the columns tinh, ky_bao_cao, chi_tieu, gia_tri), or split them into small files."},
	"too_many_shared_strings": {"Chia bảng thành nhiều tệp nhỏ hơn; nếu tệp không lớn như vậy thì tệp bị hỏng: mở bằng Excel, lưu lại rồi gửi lại.",
		"Split the table into smaller files; if it is not that big, the file is damaged: open it in Excel, save it again and send it again."},
	"shared_strings_too_large": {"Chia bảng thành nhiều tệp nhỏ hơn; nếu tệp không lớn như vậy thì tệp bị hỏng: mở bằng Excel, lưu lại rồi gửi lại.",
		"Split the table into smaller files; if it is not that big, the file is damaged: open it in Excel, save it again and send it again."},
	"cell_too_long": {"Mở tệp bằng Excel, lưu lại dạng Sổ làm việc Excel (.xlsx) rồi gửi lại.",
		"Open the file in Excel, save it as an Excel Workbook (.xlsx) and send it again."},
	"too_many_parts": {"Mở tệp bằng Excel, lưu lại dạng Sổ làm việc Excel (.xlsx) rồi gửi lại.",
		"Open the file in Excel, save it as an Excel Workbook (.xlsx) and send it again."},
	// The ingest stopped on the file for a fault of the server (a full disk).
	"not_stored": {"Không cần làm gì với tệp: sửa lỗi của máy chủ (ví dụ ổ đĩa đầy) rồi chạy lại; lần chạy sau đọc lại tệp.",
		"Nothing to do with the file: fix the server's fault (a full disk, say) and run again; the next run reads the file again."},
	// The poison rule: files that stopped runs.
	"file_timed_out": {"Không cần làm gì nếu tệp đọc được ở lần chạy sau; nếu tệp rất lớn, chia thành nhiều tệp nhỏ hơn rồi gửi lại.",
		"Nothing, if the next run reads it; if the file is very large, split it into smaller ones and send them again."},
	"poison": {"Kiểm tra tệp (có thể quá lớn hoặc bị hỏng), sửa hoặc chia thành nhiều tệp nhỏ hơn rồi gửi lại.",
		"Check the file (it may be too large or damaged), fix it or split it into smaller files and send it again."},
	"no_figures": {"Kiểm tra tệp có phải báo cáo số liệu không; ghi rõ các con số kèm đơn vị (mô hình, cuộc, m², đồng).",
		"Check that the file is a report with figures; write each figure with its unit (\"mô hình\", \"cuộc\", \"m²\", \"đồng\")."},
}

// generalFix is the fix of a kind of refusal the list does not know.
var generalFix = Fix{"Sửa theo lý do nêu bên cạnh rồi gửi lại tệp.", "Correct it as the reason says and send the file again."}

// FixFor returns how to fix a refusal of kind code (RowError.Code,
// FileError.Code), and whether the kind has a fix of its own; an unknown
// kind gets a general one.
func FixFor(code string) (Fix, bool) {
	f, ok := fixes[code]
	if !ok {
		return generalFix, false
	}
	return f, true
}

// Fixes lists every kind of refusal with its fix, for the warehouse's
// refusal_fixes table.
func Fixes() map[string]Fix {
	out := make(map[string]Fix, len(fixes))
	for k, v := range fixes {
		out[k] = v
	}
	return out
}
